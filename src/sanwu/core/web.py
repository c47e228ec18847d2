"""Small helpers shared by every app's views: the role gate, validation failures shown as the
page's problem list (`shows_problems`, `checked`), the current region, paging, the spreadsheet
import page.

A refusal (`Refused`, a `PermissionDenied`) needs no handling in a view: Django answers it with
the 403 page. `NotFound` from a service answers the 404 page (`core.middleware`)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.contrib import messages
from django.shortcuts import redirect, render

from .errors import Invalid, Problem, Refused
from .permissions import refuse
from .readers import read_upload
from .scope import code_in_scope, grants_of, roles_of


def role_required(*roles: str):
    """Logged in and holding one of `roles` (any role when none are named); else audited 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = role_refusal(request, roles)
            return refusal if refusal is not None else view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_refusal(request, roles=()):
    """What `role_required` answers instead of the page (the login page, or an audited 403), or
    None when the user may go on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    mine = roles_of(request.user)
    if not mine or (roles and not (mine & set(roles))):
        refuse(request.user, f"view:{request.resolver_match.view_name if request.resolver_match else request.path}")
        return render(request, "403.html", status=403)
    return None


def shows_problems(view):
    """A page view whose POST may break a rule. The view acts on a POST only when it is called
    without problems; when it raises `Invalid` (from a service, or from `checked(form)`), the
    decorator calls it once more with `problems=` the Chinese messages, so it renders its page
    with the problem list (and the bound form) instead of acting; the answer is then 422.

        @shows_problems
        def matter_new(request, problems=()):
            form = MatterForm(request.POST or None)
            if request.method == "POST" and not problems:
                data = checked(form)
                matter = services.create_matter(request.user, **data)
                return redirect(...)
            return render(request, "…", {"form": form, "problems": problems})
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Invalid as exc:
            response = view(request, *args, problems=exc.messages, **kwargs)
            if response.status_code == 200:
                response.status_code = 422
            return response

    return wrapped


def checked(form) -> dict:
    """The form's cleaned data, or `Invalid` naming each field's problem by its label."""
    if form.is_valid():
        return form.cleaned_data
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        for message in errors:
            problems.append(Problem(f"{label}：{message}" if label else message))
    raise Invalid(problems)


def flash_problems(request, problems) -> None:
    """A form posted from another page: its problems as messages on the page it goes back to
    (a `shows_problems` view that redirects calls this when it is called with problems)."""
    for m in problems:
        messages.error(request, m)


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


EXPORT_FORMATS = ("xlsx", "csv", "json")
PRINTABLE = EXPORT_FORMATS + ("pdf",)


def export_format(request, formats: tuple[str, ...] = EXPORT_FORMATS) -> str | None:
    """The `?format=` a list page answers with a file; a page whose list is short enough to
    print also takes "pdf" (`formats=PRINTABLE`)."""
    fmt = request.GET.get("format")
    return fmt if fmt in formats else None


def prepared_download(request, kind: str, params: dict, filename: str):
    """Queue the file `kind` (registered with `core.downloads`) for the user and send them to its
    page, which shows the progress and then the link."""
    from . import downloads  # its models need the app registry

    d = downloads.start(request.user, kind, params, filename)
    return redirect("core:download", d.pk)


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
