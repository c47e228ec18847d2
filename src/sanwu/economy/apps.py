from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "sanwu.economy"
    label = "economy"
    verbose_name = "集体经济"

    def ready(self):
        # Imported here: the command module imports the app's models, which need the app registry.
        from sanwu.core import downloads
        from sanwu.ledger import hooks

        from . import services
        from .management.commands import economy

        hooks.register_report("economy", economy.add_report_arguments, economy.run_report, help=economy.REPORT_HELP)
        hooks.register_report("statistics", economy.add_statistics_arguments, economy.run_statistics, help=economy.STATISTICS_HELP)
        downloads.register("economy.brief.pdf", services.brief.write_pdf, downloads.PDF)
