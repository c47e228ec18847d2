from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "sanwu.assets"
    label = "assets"
    verbose_name = "资产台账"

    def ready(self):
        from sanwu.ledger import hooks
        from sanwu.ledger import triggers as ledger_triggers

        from . import triggers
        from .services import book_notes, book_problems, close_blockers, on_posted, posting_problems

        ledger_triggers.register(triggers.RULES)
        # A run's or a disposal's voucher is posted only as made; once posted it moves the cards.
        hooks.register_posting_check(posting_problems)
        hooks.on_posted(on_posted)
        # A month with depreciation due and not charged stays open.
        hooks.register_close_blocker(close_blockers)
        # `sanwu verify`: cards against the books (a book with no register is said, not failed).
        hooks.register_book_check(book_problems)
        hooks.register_book_note(book_notes)
