"""The navigation: each role sees only what it may use. Later apps add their entries here.

Entries are grouped (账务监管, 决策公开, …) so the top bar stays short on a phone; `NAV` is the flat list in
the same order, and `menu_for` / `groups_for` both keep an entry iff its roles meet the user's roles.
"""

from dataclasses import dataclass

from .scope import roles_of

ALL_ROLES = frozenset(
    {"city_admin", "county_supervisor", "township_supervisor", "village_accountant", "village_secretary", "village_supervisor", "auditor"}
)


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset[str] = ALL_ROLES


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...]

    @property
    def single(self) -> bool:
        """Shown as a plain link rather than a dropdown."""
        return len(self.items) == 1

    @property
    def url_names(self) -> frozenset[str]:
        return frozenset(item.url_name for item in self.items)


PARTY = frozenset({"city_admin", "county_supervisor", "township_supervisor", "village_secretary", "auditor"})
SUPERVISORS = frozenset({"city_admin", "county_supervisor", "township_supervisor", "auditor"})

GROUPS = [
    NavGroup("工作台", (NavItem("home", "工作台"),)),
    NavGroup(
        "账务监管",
        (
            NavItem("ledger:books", "账簿"),
            NavItem("budgets:list", "年度预算"),
            NavItem("payments:list", "付款审批"),
            NavItem("oversight:feed", "实时监管"),
            NavItem("oversight:warnings", "预警"),
            NavItem("oversight:dashboard", "监管看板", SUPERVISORS),
            NavItem("oversight:queue", "待审核凭证", SUPERVISORS),
            NavItem("ledger:region_ageing", "往来款项账龄", SUPERVISORS),
        ),
    ),
    NavGroup(
        "决策公开",
        (
            NavItem("decisions:list", "四议两公开"),
            NavItem("disclosure:list", "财务公开"),
            NavItem("disclosure:questions", "群众提问", SUPERVISORS),
        ),
    ),
    NavGroup("集体经济", (NavItem("economy:overview", "集体经济"), NavItem("coop:list", "股份经济合作社"), NavItem("assets:list", "资产台账"), NavItem("assets:resources", "资源性资产"), NavItem("contracts:list", "合同"))),
    NavGroup(
        "党建",
        (
            NavItem("partywork:tasks_mine", "重点工作", PARTY),
            NavItem("partywork:orgs", "党组织", PARTY),
            NavItem("assessment:home", "研判·整顿·考核", PARTY),
        ),
    ),
    NavGroup(
        "系统",
        (
            NavItem("regions:tree", "行政区划"),
            NavItem("regions:people", "人员登记"),
            NavItem("accounts:users", "用户与授权", frozenset({"city_admin", "county_supervisor", "township_supervisor"})),
            NavItem("core:audit", "审计记录", frozenset({"city_admin", "county_supervisor", "auditor"})),
            # The API's documentation (Swagger, in English): for the offices that connect other
            # systems, not in village users' menus.
            NavItem("api-1.0.0:openapi-view", "数据接口（技术人员用）", SUPERVISORS),
        ),
    ),
]

NAV = [item for group in GROUPS for item in group.items]


def menu_for(user) -> list[NavItem]:
    roles = roles_of(user)
    return [item for item in NAV if item.roles & roles]


def groups_for(user) -> list[NavGroup]:
    """The groups with only the entries the user's roles allow; a group left empty is dropped."""
    roles = roles_of(user)
    groups = (NavGroup(g.label, tuple(item for item in g.items if item.roles & roles)) for g in GROUPS)
    return [g for g in groups if g.items]
