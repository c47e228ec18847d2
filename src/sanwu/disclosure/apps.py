from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "sanwu.disclosure"
    label = "disclosure"
    verbose_name = "村务公开"

    def ready(self):
        from sanwu.ledger import hooks

        from . import services

        # `sanwu verify`: a book that fails names the published disclosures it no longer matches.
        hooks.register_verifier(services.verify_disclosures)
