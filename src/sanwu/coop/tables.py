"""Each list's columns, once (`core.tables.Table`): the page, its Excel/CSV export and the CLI."""
