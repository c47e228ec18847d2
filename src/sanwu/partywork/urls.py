from django.urls import path

from sanwu.core.views import serve_file

from .models import TaskEvidence
from .views import meetings, orgs, reports, talks, tasks
from .views.common import PARTY

app_name = "partywork"

urlpatterns = [
    # The task ledger (重点工作台账)
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/mine/", tasks.tasks_mine, name="tasks_mine"),
    path("tasks/monthly/", tasks.tasks_monthly, name="tasks_monthly"),
    path("tasks/overdue/", tasks.tasks_overdue, name="tasks_overdue"),
    path("tasks/awaiting/", tasks.tasks_awaiting, name="tasks_awaiting"),
    path("tasks/by-owner/", reports.tasks_by_owner, name="tasks_by_owner"),
    path("tasks/quarterly/", reports.tasks_quarterly, name="tasks_quarterly"),
    path("tasks/half-year/", reports.tasks_half_year, name="tasks_half_year"),
    path("tasks/annual/", reports.tasks_annual, name="tasks_annual"),
    path("tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/new/owners/", tasks.owner_options, name="owner_options"),
    path("tasks/import/", tasks.task_import, name="task_import"),
    path("tasks/meetings/", meetings.meetings, name="meetings"),
    path("tasks/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("tasks/evidence/<int:pk>/", serve_file, {"model": TaskEvidence, "roles": PARTY}, name="evidence"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/<slug:action>/", tasks.task_action, name="task_action"),
    # Party organisations and the counts that feed the brief
    path("party/orgs/", orgs.orgs, name="orgs"),
    path("party/orgs/new/", orgs.org_new, name="org_new"),
    path("party/orgs/import/", orgs.org_import, name="org_import"),
    path("party/orgs/<int:pk>/", orgs.org_detail, name="org"),
    path("party/orgs/<int:pk>/edit/", orgs.org_edit, name="org_edit"),
    path("party/orgs/<int:pk>/members/", orgs.member_add, name="member_add"),
    path("party/orgs/<int:pk>/members/<int:member_pk>/remove/", orgs.member_remove, name="member_remove"),
    path("party/stats/", orgs.stats, name="stats"),
    # Talks: rows only for the organisation department
    path("party/talks/", talks.talks, name="talks"),
    path("party/talks/new/", talks.talk_new, name="talk_new"),
    path("party/talks/import/", talks.talk_import, name="talk_import"),
]
