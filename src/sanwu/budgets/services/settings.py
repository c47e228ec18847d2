"""The county's rule for over-budget spending (on `ledger.CountyLedgerSettings.over_budget`):
flagged (a warning after posting, the default) or refused at posting."""

from django.db import transaction

from sanwu.core import audit
from sanwu.core.errors import Invalid, Problem
from sanwu.core.permissions import county_offered, require
from sanwu.ledger.models import CountyLedgerSettings

from ..rules import MODES
from .permissions import SETTING_ROLES


def set_over_budget(user, county_code: str, mode: str) -> CountyLedgerSettings:
    county = county_offered(user, county_code, SETTING_ROLES)
    require(user, SETTING_ROLES, county.code, "设置超预算支出的处理", object_type="budgets.setting", object_id=county.code)
    if mode not in MODES:
        raise Invalid(Problem(f"超预算支出的处理应为 {'、'.join(f'{k}（{v}）' for k, v in MODES.items())}，而不是「{mode}」", field="over_budget"))
    with transaction.atomic():
        row, _ = CountyLedgerSettings.objects.select_for_update().get_or_create(county=county)
        old = row.over_budget
        row.over_budget, row.updated_by = mode, user if getattr(user, "pk", None) else None
        row.save()
        audit.record("budget.setting", row, actor=user, region_code=county.code, old={"over_budget": old}, new={"over_budget": mode})
    return row
