"""Transitional, for `sanwu report economy` only: the ledger's `report` command still imports
`sanwu.economy.cli`. The implementation is the economy area command's
(`sanwu.economy.management.commands.economy`: `add_report_parser`, `add_report_arguments`,
`run_report`). Delete this module once the ledger's `report` takes its statements from
`ledger.hooks.register_report` and economy registers `run_report` there (issue 10, item 4)."""

from .management.commands.economy import add_report_arguments, add_report_parser, run_report

__all__ = ["add_report_arguments", "add_report_parser", "run_report"]
