"""The `sanwu` command: Django's management commands plus Sanwu's own verbs."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanwu.settings")
    from django.core.management import execute_from_command_line

    from sanwu.core import dberrors

    try:
        execute_from_command_line(["sanwu", *(sys.argv[1:] if argv is None else argv)])
    except dberrors.CONNECTION_ERRORS as exc:
        line = dberrors.describe(exc)
        if line is None:
            raise
        # One plain line (host and database, never the password) instead of a traceback.
        sys.stderr.write(line + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
