"""Small helpers shared by every app's views: the role gate, the current region, paging, the
spreadsheet import page."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.contrib import messages
from django.shortcuts import redirect, render

from .errors import Invalid, Refused
from .gate import refuse
from .readers import read_upload
from .scope import code_in_scope, grants_of, roles_of


def role_required(*roles: str):
    """Logged in and holding one of `roles` (any role when none are named); else audited 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            mine = roles_of(request.user)
            if not mine or (roles and not (mine & set(roles))):
                refuse(request.user, f"view:{request.resolver_match.view_name if request.resolver_match else request.path}")
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def current_region_code(request) -> str | None:
    """The region the user picked (kept in the session), or the first region they hold."""
    code = request.session.get("region")
    if code and code_in_scope(request.user, code):
        return code
    grants = grants_of(request.user)
    if not grants:
        return None
    return sorted(grants, key=lambda g: len(g.prefix))[0].region_code


def paginate(request, items, per_page: int | None = None):
    paginator = Paginator(items, per_page or settings.SANWU_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def export_format(request) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in ("xlsx", "csv", "json") else None


def import_page(request, *, run, done, back: str, template: str, context: dict, problems_of=None):
    """A spreadsheet import page: a posted CSV/XLSX goes through `run(user, data, filename)` whole
    or not at all; on failure the page lists the problems (`problems_of(exc)`, by default each
    with its file, row and column), on success `done(result)` is shown on `back` (a URL or a URL
    name)."""
    problems: list[str] = []
    if request.method == "POST":
        try:
            result = run(request.user, *read_upload(request.FILES.get("file")))
        except Invalid as exc:
            problems = problems_of(exc) if problems_of else exc.messages
        except Refused as exc:
            problems = [str(exc)]
        else:
            messages.success(request, done(result))
            return redirect(back)
    return render(request, template, {**context, "problems": problems})
