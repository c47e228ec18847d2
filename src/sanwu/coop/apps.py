from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "sanwu.coop"
    label = "coop"
    verbose_name = "股份经济合作社"

    def ready(self):
        from sanwu.disclosure import hooks as disclosure_hooks
        from sanwu.economy import hooks as economy_hooks
        from sanwu.ledger import hooks
        from sanwu.ledger import triggers as ledger_triggers

        from . import triggers
        from .services import certificates, figures, register, supervision

        ledger_triggers.register(triggers.RULES)
        # `sanwu verify`: the share register of the book's cooperative replayed against its holdings.
        hooks.register_book_check(register.book_problems)
        # The public village page: the cooperative's share totals and the household lookup's door.
        disclosure_hooks.register_public_section(
            "coop", certificates.public_summary, "coop/public_village_section.html", certificates.public_version,
        )
        # The economy's overview and brief: members, households, shares quantified, dividends paid.
        economy_hooks.register_figures("coop", figures.economy_figures)
        # A disclosure is published only after the supervisory committee's 民主理财 of its months;
        # the remarks are frozen with it.
        disclosure_hooks.register_publish_gate("finance_review", supervision.publish_problems, supervision.frozen_reviews)
