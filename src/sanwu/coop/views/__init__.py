"""The cooperative's pages, one module per topic."""

from .members import coop_detail, coop_list, county_settings, import_members, members
from .shares import change_new, holdings, register

__all__ = ["change_new", "coop_detail", "coop_list", "county_settings", "holdings", "import_members", "members", "register"]
