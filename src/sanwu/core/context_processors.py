from .models import SiteFlag
from .navigation import menu_for
from .scope import ROLES, grants_of


def sanwu(request):
    user = getattr(request, "user", None)
    grants = grants_of(user)
    return {
        "demo_mode": SiteFlag.get("demo") == "1",
        "nav": menu_for(user) if grants else [],
        "my_roles": [ROLES[g.role] for g in grants],
    }
