from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "sanwu.economy"
    label = "economy"
    verbose_name = "集体经济"

    def ready(self):
        from sanwu.ledger import hooks

        from . import cli

        hooks.register_report("economy", cli.add_report_arguments, cli.run_report, help=cli.REPORT_HELP)
