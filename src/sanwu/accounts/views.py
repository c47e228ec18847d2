"""Account pages: one's own password; users in scope for administrators (list, detail, new user,
reset password, disable/enable, grant and withdraw roles). Thin: every rule is in services."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanwu.core.permissions import get_visible_or_404
from sanwu.core.tables import download
from sanwu.core.web import checked, export_format, paginate, role_required, shows_problems
from sanwu.regions.models import RoleAssignment

from . import services
from .forms import GrantForm, NewUserForm, PasswordChangeForm, ReasonForm
from .tables import users_table

ADMIN = tuple(services.ADMIN_ROLES)


def _target(request, pk: int):
    return services.user_in_scope(request.user, pk)


@role_required()
@shows_problems
def password_change(request, problems=()):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and not problems:
        d = checked(form)
        services.change_own_password(request.user, d["old"], d["new"], d["again"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("home")
    return render(request, "accounts/password.html", {"form": form, "problems": problems})


@role_required(*ADMIN)
def user_list(request):
    q = request.GET.get("q", "").strip()
    users = services.users_in_scope(request.user).prefetch_related("role_assignments__region").order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q))
    fmt = export_format(request)
    if fmt:
        return download(users_table(users[:10000]), "用户", fmt)
    page = paginate(request, users)
    return render(request, "accounts/users.html", {"page": page, "table": users_table(page.object_list), "q": q})


@role_required(*ADMIN)
@shows_problems
def user_new(request, problems=()):
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and not problems:
        d = checked(form)
        user, temporary = services.create_user(request.user, d["username"], d["full_name"], d["role"], d["region"])
        messages.success(request, f"用户「{user.username}」已建立，临时密码：{temporary}（只显示这一次，请当面告知本人并提醒登录后修改）")
        return redirect("accounts:user", user.pk)
    roles, regions = services.grantable(request.user)
    return render(request, "accounts/user_new.html", {"form": form, "problems": problems, "regions": regions})


@role_required(*ADMIN)
@shows_problems
def user_detail(request, pk: int, problems=()):
    target = _target(request, pk)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and not problems:
        d = checked(form)
        services.grant_role(request.user, target, d["role"], d["region"])
        messages.success(request, "角色已授予。")
        return redirect("accounts:user", target.pk)
    roles, regions = services.grantable(request.user)
    return render(
        request,
        "accounts/user.html",
        {
            "target": target,
            "assignments": target.role_assignments.select_related("region").order_by("role", "region_id"),
            "form": form,
            "problems": problems,
            "regions": regions,
            "may_manage": services.may_manage(request.user, target),
        },
    )


@role_required(*ADMIN)
@require_POST
def user_reset(request, pk: int):
    target = _target(request, pk)
    temporary = services.reset_password(request.user, target)
    messages.success(request, f"已重置「{target.username}」的密码，临时密码：{temporary}（只显示这一次）")
    return redirect("accounts:user", target.pk)


@role_required(*ADMIN)
@require_POST
@shows_problems
def user_active(request, pk: int, problems=()):
    target = _target(request, pk)
    if problems:
        messages.error(request, "；".join(problems))
        return redirect("accounts:user", target.pk)
    active = request.POST.get("active") == "1"
    services.set_active(request.user, target, active, ReasonForm(request.POST).data.get("reason", ""))
    messages.success(request, f"用户「{target.username}」已{'启用' if active else '停用'}。")
    return redirect("accounts:user", target.pk)


@role_required(*ADMIN)
@require_POST
def role_withdraw(request, pk: int, assignment_id: int):
    target = _target(request, pk)
    assignment = get_visible_or_404(RoleAssignment, request.user, pk=assignment_id, user_id=target.pk)
    services.withdraw_role(request.user, assignment)
    messages.success(request, "角色已收回。")
    return redirect("accounts:user", target.pk)
