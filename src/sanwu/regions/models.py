import hashlib

from django.conf import settings
from django.db import models

from sanwu.core import crypto
from sanwu.core.codes import LEVEL_LABELS, LEVEL_NAME_ENDINGS, LEVELS, id_birth_date, normalize_id_number
from sanwu.core.scope import ROLES, ScopedManager, ScopedQuerySet

from . import masking


class Region(models.Model):
    """A node of the administrative tree, keyed by its statistical code (a group adds 3 digits)."""

    code = models.CharField("区划代码", max_length=15, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=[(lv, LEVEL_LABELS[lv]) for lv in LEVELS], db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级")

    objects = ScopedManager()
    scope_field = "code"

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def display_name(self) -> str:
        """The name for pages and pickers: 岳西县 alone (its name says its level), never
        岳西县（县（区、市））; a name that does not say it carries its level: 城南（乡镇（街道））."""
        if self.name.endswith(LEVEL_NAME_ENDINGS.get(self.level, ())):
            return self.name
        return f"{self.name}（{self.level_label}）"

    def ancestors(self) -> list["Region"]:
        """From the top of the tree down to the parent."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=32, choices=list(ROLES.items()))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="区划")

    objects = ScopedManager()
    scope_field = "region__code"
    scope_roles = {"city_admin", "county_supervisor", "township_supervisor", "auditor"}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "region"], name="unique_role_assignment")]
        verbose_name = "角色授权"

    def __str__(self) -> str:
        return f"{self.user} {ROLES.get(self.role, self.role)} @ {self.region_id}"


class PersonQuerySet(ScopedQuerySet):
    def with_id_number(self, number: str):
        """People with this ID number (by keyed hash; nothing is decrypted)."""
        return self.filter(id_number_hash=crypto.lookup_hash(normalize_id_number(number)))


PersonManager = models.Manager.from_queryset(PersonQuerySet)


class Person(models.Model):
    """The person register (村民/成员): masked by default; full values only to REVEAL_ROLES, audited."""

    GENDERS = [("M", "男"), ("F", "女")]

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="people", verbose_name="所属村/组")
    name = models.CharField("姓名", max_length=50)
    # The ID number is stored encrypted (core.crypto), found by its keyed hash, shown masked;
    # `person.id_number` decrypts, and setting it (also as a constructor argument) fills all three.
    id_number_encrypted = models.TextField("身份证号（加密）")
    id_number_hash = models.CharField(max_length=64, unique=True)
    id_number_masked = models.CharField("身份证号（脱敏）", max_length=18)
    gender = models.CharField("性别", max_length=1, choices=GENDERS)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("电话", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonManager()
    scope_field = "region__code"

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = "人员"

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    @id_number.setter
    def id_number(self, number: str) -> None:
        number = normalize_id_number(number)
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_hash = crypto.lookup_hash(number)
        self.id_number_masked = masking.mask_id_number(number)
        self.birth_date = id_birth_date(number)

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return masking.mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return self.id_number_masked

    @property
    def masked_phone(self) -> str:
        return masking.mask_phone(self.phone)



class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
