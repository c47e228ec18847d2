from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "sanwu.economy"
    label = "economy"
    verbose_name = "集体经济"

    def ready(self):
        # Imported here: the command module imports the app's models, which need the app registry.
        from sanwu.ledger import hooks

        from .management.commands import economy

        hooks.register_report("economy", economy.add_report_arguments, economy.run_report, help=economy.REPORT_HELP)
