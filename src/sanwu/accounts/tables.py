"""The users list's columns, once: the page and its Excel/CSV export."""

from sanwu.core.scope import ROLES
from sanwu.core.tables import Column, Table


def roles_text(user) -> str:
    return "；".join(f"{ROLES.get(a.role, a.role)} {a.region.name}" for a in user.role_assignments.all())


def users_table(users) -> Table:
    return Table(
        "用户",
        [
            Column("username", "用户名"),
            Column("name", "姓名"),
            Column("roles", "角色", width=40),
            Column("active", "状态"),
            Column("last_login", "最近登录", width=20),
        ],
        [
            {
                "username": u.username,
                "name": u.first_name,
                "roles": roles_text(u),
                "active": "启用" if u.is_active else "已停用",
                "last_login": u.last_login.astimezone().strftime("%Y-%m-%d %H:%M") if u.last_login else "",
                "pk": u.pk,
            }
            for u in users
        ],
    )
