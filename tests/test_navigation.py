"""The grouped main menu: each role sees the groups (and only the entries) its roles allow."""

import re

import pytest

from sanwu.core import navigation
from sanwu.core.navigation import GROUPS, NAV, NavGroup, NavItem, groups_for, menu_for

ALL_GROUPS = ["工作台", "账务监管", "决策公开", "集体经济", "党建", "系统"]


def labels(groups):
    return [g.label for g in groups]


def test_groups_hold_every_entry_once_in_menu_order():
    assert [item for g in GROUPS for item in g.items] == NAV
    assert len({item.url_name for item in NAV}) == len(NAV)


def test_village_accountant_sees_no_party_group(demo):
    groups = groups_for(demo.accountant)
    assert "党建" not in labels(groups)
    assert labels(groups) == ["工作台", "账务监管", "决策公开", "集体经济", "系统"]
    ledger = next(g for g in groups if g.label == "账务监管")
    assert [i.label for i in ledger.items] == ["账簿", "年度预算", "付款审批", "实时监管", "预警"]
    system = next(g for g in groups if g.label == "系统")
    assert "审计记录" not in [i.label for i in system.items]


@pytest.mark.parametrize("who", ["accountant", "other_accountant", "secretary"])
def test_village_users_are_not_offered_the_api_documentation(demo, as_user, who):
    """The API's documentation (Swagger, in English) is for the offices that connect systems."""
    assert "api-1.0.0:openapi-view" not in [i.url_name for i in menu_for(getattr(demo, who))]
    assert "/api/v1/docs" not in as_user(getattr(demo, who)).get("/").content.decode()
    assert "api-1.0.0:openapi-view" in [i.url_name for i in menu_for(demo.county)]


def test_county_supervisor_sees_every_group_and_entry(demo):
    groups = groups_for(demo.county)
    assert labels(groups) == ALL_GROUPS
    assert [item for g in groups for item in g.items] == NAV


@pytest.mark.parametrize("who", ["city", "county", "township", "accountant", "other_accountant", "secretary", "auditor"])
def test_groups_show_exactly_what_menu_for_allows(demo, who):
    user = getattr(demo, who)
    assert [item for g in groups_for(user) for item in g.items] == menu_for(user)
    assert all(g.items for g in groups_for(user))


def test_empty_group_is_hidden_and_single_entry_group_is_a_link(demo, monkeypatch):
    nobody = frozenset({"no_such_role"})
    monkeypatch.setattr(
        navigation,
        "GROUPS",
        [
            NavGroup("工作台", (NavItem("home", "工作台"),)),
            NavGroup("空组", (NavItem("core:audit", "审计记录", nobody),)),
            NavGroup("系统", (NavItem("regions:tree", "行政区划"), NavItem("core:audit", "审计记录", nobody))),
        ],
    )
    groups = groups_for(demo.county)
    assert labels(groups) == ["工作台", "系统"]
    assert [g.single for g in groups] == [True, True]


def test_anonymous_sees_no_group(db):
    from django.contrib.auth.models import AnonymousUser

    assert groups_for(AnonymousUser()) == []


def test_rendered_menu(demo, as_user):
    page = as_user(demo.accountant).get("/").content.decode()
    nav = re.search(r'<nav class="nav" aria-label="主导航">(.*?)</nav>', page, re.S).group(1)
    summaries = re.findall(r"<summary>(.*?)</summary>", nav)
    assert summaries == ["菜单", "账务监管", "决策公开", "集体经济", "系统"]  # 工作台 is a plain link
    assert "党建" not in nav and "重点工作" not in nav
    assert 'aria-current="page">工作台</a>' in nav
    assert 'class="nav-group current"><a href="/"' in nav
    assert "onclick" not in nav and "<script" not in nav

    page = as_user(demo.county).get("/audit/").content.decode()
    nav = re.search(r'<nav class="nav" aria-label="主导航">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r"<summary>(.*?)</summary>", nav) == ["菜单", "账务监管", "决策公开", "集体经济", "党建", "系统"]
    current = re.search(r'<li class="nav-group current">\s*<details data-nav-group>\s*<summary>(.*?)</summary>', nav)
    assert current and current.group(1) == "系统"
    assert nav.count('aria-current="page"') == 1
    assert 'aria-current="page">审计记录</a>' in nav
