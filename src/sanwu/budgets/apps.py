from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "sanwu.budgets"
    label = "budgets"
    verbose_name = "年度财务预算"

    def ready(self):
        from sanwu.disclosure import hooks as disclosure_hooks
        from sanwu.ledger import hooks as ledger_hooks

        from .services import disclosure_figures, disclosure_section, posting_problems, voucher_notes

        ledger_hooks.register_posting_check(posting_problems)
        ledger_hooks.register_voucher_note(voucher_notes)
        disclosure_hooks.register_section("budget", disclosure_section, disclosure_figures, label="预算执行")
