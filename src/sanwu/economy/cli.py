"""Transitional, for `sanwu report economy` only: the ledger's `report` command still imports
`sanwu.economy.cli`. The implementation is the economy area command's
(`sanwu.economy.management.commands.economy`: `REPORT_HELP`, `add_report_arguments`,
`run_report`, and `add_report_parser` for today's ledger `report`). Delete this module once
`economy/apps.py` registers those with `ledger.hooks.register_report` straight from the command
module (issue 10, item 4)."""

from .management.commands.economy import REPORT_HELP, add_report_arguments, add_report_parser, run_report

__all__ = ["REPORT_HELP", "add_report_arguments", "add_report_parser", "run_report"]
