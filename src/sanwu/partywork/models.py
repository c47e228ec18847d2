"""Party-organisation work: the organisations (a tree linked to regions, with temporary branches,
grid branches and commando teams), the key-work task ledger run closed loop, dispatch meetings
and inspections, and talks.

Every model a user can reach is scoped: organisations and tasks by their region, talks only to
the organisation department (`scope_roles`). State changes live in `services/`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sanwu.core.models import Event, StoredFile
from sanwu.core.scope import ScopedManager
from sanwu.regions import masking

# Roles that do Party work at all (village accountants keep the books, not the Party ledger).
PARTY_ROLES = frozenset({"city_admin", "county_supervisor", "township_supervisor", "village_secretary", "auditor"})
# The organisation department: county and city. Only they see talks and full names of members.
ORG_DEPT_ROLES = frozenset({"county_supervisor", "city_admin"})


class PartyOrg(models.Model):
    """党组织: a committee, general branch or branch, or one of the kinds the brief names —
    temporary branches (for epidemic or flood work, with a start and an end), grid branches and
    Party member commando teams (with their members)."""

    KINDS = [
        ("committee", "党委"),
        ("general_branch", "党总支"),
        ("branch", "党支部"),
        ("temporary_branch", "临时党支部"),
        ("grid_branch", "网格党支部"),
        ("commando_team", "党员突击队"),
    ]
    PURPOSES = [
        ("", "—"),
        ("epidemic", "疫情防控"),
        ("flood", "防汛救灾"),
        ("poverty", "脱贫攻坚"),
        ("project", "项目建设"),
        ("industry", "产业发展"),
        ("other", "其他"),
    ]

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=KINDS, db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所在区划")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级党组织")
    purpose = models.CharField("用途", max_length=12, choices=PURPOSES, blank=True)
    start_date = models.DateField("成立日期", null=True, blank=True, db_index=True)
    end_date = models.DateField("撤销日期", null=True, blank=True)
    leader_name = models.CharField("负责人", max_length=50, blank=True)
    member_count = models.PositiveIntegerField("党员人数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["region_id", "kind", "name", "id"]
        indexes = [models.Index(fields=["kind", "start_date"])]
        verbose_name = "党组织"

    def __str__(self) -> str:
        return self.name

    @property
    def is_temporary(self) -> bool:
        return self.kind in ("temporary_branch", "commando_team")

    def active_on(self, day) -> bool:
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or self.end_date >= day)

    @property
    def masked_leader(self) -> str:
        return masking.mask_name(self.leader_name)


class TeamMember(models.Model):
    """A member of a commando team (or of any organisation the county lists by name).
    Names are personal data: masked outside the county organisation department."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="members", verbose_name="党组织")
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("身份/职务", max_length=50, blank=True)
    is_party_member = models.BooleanField("党员", default=True)
    person = models.ForeignKey("regions.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    joined_on = models.DateField("加入日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "org__region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["org_id", "id"]
        verbose_name = "突击队员"

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return masking.mask_name(self.name)


class Task(models.Model):
    """重点工作台账的一项: assigned → reported → (returned → reported …) → verified → closed.

    `region` is where the task lies (a township, a village, or the county for departments);
    `assigner_region` the body that assigned it (whose supervisors verify it)."""

    SOURCES = [
        ("meeting", "会议"),
        ("document", "文件"),
        ("inspection", "督导检查"),
        ("analysis", "分析研判"),
        ("rectification", "软弱涣散整顿"),
        ("assessment", "考核"),
    ]
    STATUSES = [
        ("assigned", "已交办"),
        ("reported", "已汇报待核验"),
        ("returned", "已退回"),
        ("verified", "已核验"),
        ("closed", "已销号"),
    ]
    OPEN = ("assigned", "reported", "returned", "verified")
    TODO = ("assigned", "returned")  # the owners' turn

    title = models.CharField("任务", max_length=200)
    description = models.TextField("具体要求", blank=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    source_kind = models.CharField("来源", max_length=16, choices=SOURCES)
    source_ref = models.CharField("来源文号/会议", max_length=100, blank=True)
    origin = models.CharField("关联来源", max_length=100, blank=True, db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="责任区划")
    assigner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="交办人")
    assigner_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="交办单位")
    assigned_on = models.DateField("交办日期")
    deadline = models.DateField("完成时限", db_index=True)
    status = models.CharField("状态", max_length=10, choices=STATUSES, default="assigned", db_index=True)
    reported_at = models.DateTimeField("最近汇报", null=True, blank=True)
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["year", "region"])]
        verbose_name = "重点工作"

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status in self.TODO and self.deadline < today

    @property
    def finished_on(self):
        """The day the work was reported done, for a verified or closed task."""
        return self.reported_at


class TaskOwner(models.Model):
    """One owner of a task: an organisation or a user (exactly one of the two)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="owners")
    org = models.ForeignKey(PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="task_owners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_field = "task__region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["task_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(org__isnull=False, user__isnull=True) | Q(org__isnull=True, user__isnull=False)),
                name="task_owner_org_xor_user",
            ),
            models.UniqueConstraint(fields=["task", "org"], condition=Q(org__isnull=False), name="unique_task_owner_org"),
            models.UniqueConstraint(fields=["task", "user"], condition=Q(user__isnull=False), name="unique_task_owner_user"),
        ]

    @property
    def label(self) -> str:
        if self.org_id:
            return self.org.name
        return self.user.first_name or self.user.username


class TaskPlanItem(models.Model):
    """The monthly plan: what is planned for the task in a month (月清单)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="plan")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    item = models.CharField("计划事项", max_length=200)

    objects = ScopedManager()
    scope_field = "task__region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["task_id", "year", "month", "id"]
        indexes = [models.Index(fields=["year", "month"])]


class TaskReport(models.Model):
    """An owner's report of the work done, with evidence; moves the task to `reported`."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("完成情况")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = ScopedManager()
    scope_field = "task__region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["task_id", "at", "id"]


class TaskEvidence(StoredFile):
    """A file proving the work: JPEG, PNG or PDF, type checked by content, sha256 kept."""

    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="partywork/evidence/%Y/%m/")

    objects = ScopedManager()
    scope_field = "report__task__region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["report_id", "id"]


class TaskEvent(Event):
    """The history of a task: one row per transition (who, when, from, to, note), each deadline
    extension and reassignment (old → new value, the reason in the note) — and the dispatch
    meetings and inspections recorded against it."""

    ACTIONS = [
        ("assign", "交办"),
        ("report", "汇报"),
        ("return", "退回"),
        ("verify", "核验"),
        ("close", "销号"),
        ("extend", "延期"),
        ("reassign", "调整责任单位"),
        ("dispatch", "调度"),
        ("inspection", "督导"),
    ]

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    old_value = models.CharField("原值", max_length=500, blank=True)  # extend: the old deadline; reassign: the old owners
    new_value = models.CharField("新值", max_length=500, blank=True)

    objects = ScopedManager()
    scope_field = "task__region__code"
    scope_roles = PARTY_ROLES

    class Meta(Event.Meta):
        ordering = ["task_id", "at", "id"]

    @property
    def from_label(self) -> str:
        return dict(Task.STATUSES).get(self.from_status, "")

    @property
    def to_label(self) -> str:
        return dict(Task.STATUSES).get(self.to_status, "")


class Meeting(models.Model):
    """调度会 or 督导: a dispatch meeting or an inspection round held by a body (its region),
    recorded against the tasks it took up."""

    KINDS = [("dispatch", "调度会"), ("inspection", "督导")]

    kind = models.CharField("类型", max_length=12, choices=KINDS)
    title = models.CharField("名称", max_length=200)
    date = models.DateField("日期", db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="召开/组织单位")
    note = models.TextField("内容与要求", blank=True)
    tasks = models.ManyToManyField(Task, through="MeetingItem", related_name="meetings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["-date", "-id"]


class MeetingItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="meeting_items")
    note = models.CharField("针对本任务的要求", max_length=200, blank=True)

    objects = ScopedManager()
    scope_field = "task__region__code"
    scope_roles = PARTY_ROLES

    class Meta:
        ordering = ["meeting_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "task"], name="unique_meeting_task")]


class Talk(models.Model):
    """谈话: reminder, encouragement, caring or warning. Rows and summaries are visible only to
    the organisation department; counts (services.talk_counts) may be shown more widely."""

    KINDS = [("reminder", "提醒"), ("encouragement", "激励"), ("caring", "暖心"), ("warning", "警诫")]

    kind = models.CharField("类型", max_length=14, choices=KINDS, db_index=True)
    date = models.DateField("谈话日期", db_index=True)
    person_name = models.CharField("谈话对象", max_length=50)
    person_position = models.CharField("职务", max_length=100, blank=True)
    person_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    talker = models.CharField("谈话人", max_length=100)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="对象所在区划")
    summary = models.TextField("谈话要点")
    origin = models.CharField("关联来源", max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_field = "region__code"
    scope_roles = ORG_DEPT_ROLES

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "谈话"
