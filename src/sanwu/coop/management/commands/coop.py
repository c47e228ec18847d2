"""sanwu coop <verb>: the cooperative's members, shares, certificates and distributions."""

from django.core.management.base import BaseCommand

from sanwu.core.cli_support import cli_actor


class Command(BaseCommand):
    help = "股份经济合作社：成员、股权、股权证与收益分配"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)  # noqa: F841  (each topic adds its verbs below)
        # --- members and rosters ---
        # --- shares, the register and certificates ---
        # --- the distribution ---
        # --- joint ventures ---
        # --- the supervisory committee ---

    def handle(self, *args, action, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            getattr(self, "_" + action.replace("-", "_"))(actor.user, opts)
