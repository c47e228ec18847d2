from django.urls import path

from . import org_views, report_views, views

app_name = "partywork"

urlpatterns = [
    # The task ledger (重点工作台账)
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/mine/", views.tasks_mine, name="tasks_mine"),
    path("tasks/monthly/", views.tasks_monthly, name="tasks_monthly"),
    path("tasks/overdue/", views.tasks_overdue, name="tasks_overdue"),
    path("tasks/awaiting/", views.tasks_awaiting, name="tasks_awaiting"),
    path("tasks/by-owner/", report_views.tasks_by_owner, name="tasks_by_owner"),
    path("tasks/quarterly/", report_views.tasks_quarterly, name="tasks_quarterly"),
    path("tasks/half-year/", report_views.tasks_half_year, name="tasks_half_year"),
    path("tasks/annual/", report_views.tasks_annual, name="tasks_annual"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/new/owners/", views.owner_options, name="owner_options"),
    path("tasks/import/", views.task_import, name="task_import"),
    path("tasks/meetings/", views.meetings, name="meetings"),
    path("tasks/meetings/new/", views.meeting_new, name="meeting_new"),
    path("tasks/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    # Party organisations and the counts that feed the brief
    path("party/orgs/", org_views.orgs, name="orgs"),
    path("party/orgs/new/", org_views.org_new, name="org_new"),
    path("party/orgs/import/", org_views.org_import, name="org_import"),
    path("party/orgs/<int:pk>/", org_views.org_detail, name="org"),
    path("party/orgs/<int:pk>/edit/", org_views.org_edit, name="org_edit"),
    path("party/orgs/<int:pk>/members/", org_views.member_add, name="member_add"),
    path("party/orgs/<int:pk>/members/<int:member_pk>/remove/", org_views.member_remove, name="member_remove"),
    path("party/stats/", org_views.stats, name="stats"),
    # Talks: rows only for the organisation department
    path("party/talks/", org_views.talks, name="talks"),
    path("party/talks/new/", org_views.talk_new, name="talk_new"),
    path("party/talks/import/", org_views.talk_import, name="talk_import"),
]
