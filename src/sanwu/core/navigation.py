"""The navigation: each role sees only what it may use. Later apps add their entries here."""

from dataclasses import dataclass

from .scope import roles_of

ALL_ROLES = frozenset(
    {"city_admin", "county_supervisor", "township_supervisor", "village_accountant", "village_secretary", "auditor"}
)


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset[str] = ALL_ROLES


PARTY = frozenset({"city_admin", "county_supervisor", "township_supervisor", "village_secretary", "auditor"})
SUPERVISORS = frozenset({"city_admin", "county_supervisor", "township_supervisor", "auditor"})

NAV = [
    NavItem("home", "首页"),
    NavItem("ledger:books", "账簿"),
    NavItem("oversight:feed", "实时监管"),
    NavItem("oversight:warnings", "预警"),
    NavItem("oversight:dashboard", "监管看板", SUPERVISORS),
    NavItem("oversight:queue", "待审核凭证", SUPERVISORS),
    NavItem("decisions:list", "四议两公开"),
    NavItem("disclosure:list", "财务公开"),
    NavItem("disclosure:questions", "群众提问", SUPERVISORS),
    NavItem("economy:overview", "集体经济"),
    NavItem("partywork:tasks_mine", "重点工作", PARTY),
    NavItem("partywork:orgs", "党组织", PARTY),
    NavItem("assessment:home", "研判·整顿·考核", PARTY),
    NavItem("regions:tree", "行政区划"),
    NavItem("regions:people", "人员登记"),
    NavItem("core:audit", "审计记录", frozenset({"city_admin", "county_supervisor", "auditor"})),
    NavItem("api-1.0.0:openapi-view", "接口文档"),
]


def menu_for(user) -> list[NavItem]:
    roles = roles_of(user)
    return [item for item in NAV if item.roles & roles]
