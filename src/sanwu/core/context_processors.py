from .models import SiteFlag
from .navigation import groups_for
from .scope import ROLES, grants_of


def sanwu(request):
    user = getattr(request, "user", None)
    grants = grants_of(user)
    match = getattr(request, "resolver_match", None)
    return {
        "demo_mode": SiteFlag.get("demo") == "1",
        "nav_groups": groups_for(user) if grants else [],
        "nav_current": match.view_name if match else "",
        "my_roles": [ROLES[g.role] for g in grants],
    }
