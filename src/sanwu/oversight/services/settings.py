"""The county's warning parameters (预警参数): a county without its own row uses the defaults
(`rules.DEFAULTS`); a county supervisor sets them, audited with the old and new values."""

from collections.abc import Iterable
from dataclasses import replace

from django.db import connection, transaction

from sanwu.core import audit, permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.ledger.services import december_close_by
from sanwu.regions.models import Region
from sanwu.regions.services import registered_county

from .. import rules
from ..models import RuleSettings
from ..rules import Params

SETTINGS_ROLES = {"county_supervisor"}


def _params_of(row: RuleSettings | None) -> Params:
    if row is None:
        return rules.DEFAULTS
    return Params(
        cash_limit=row.cash_limit, large_amount=row.large_amount, duplicate_days=row.duplicate_days,
        round_min=row.round_min, round_unit=row.round_unit, close_day=row.close_day, response_days=row.response_days,
        disabled=frozenset(r for r in row.disabled_rules.split(",") if r),
    )


def counties_offered(user) -> list[Region]:
    """The counties whose parameters the user is shown (`permissions.counties_for`: a township's
    or village's own county too). Whether they may change them is `may` in `update_params`."""
    return permissions.county_regions(user)


def county_offered(user, county_code: str) -> Region:
    """One of `counties_offered`, or `NotFound` (the refusal audited when the county exists)."""
    return permissions.county_offered(user, county_code, what="oversight.settings")


_PARAM_COLUMNS = ("cash_limit", "large_amount", "duplicate_days", "round_min", "round_unit", "close_day", "response_days", "disabled_rules")


def params_for(county_code: str) -> Params:
    """One county's parameters. Plain SQL: the posting hook asks for them at every posting, and
    the ORM spent longer building the query than SQLite answering it."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {', '.join(qn(c) for c in _PARAM_COLUMNS)} FROM {qn(RuleSettings._meta.db_table)} WHERE county_id = %s", [county_code]
        )
        row = cur.fetchone()
    return _params_of(RuleSettings(county_id=county_code, **dict(zip(_PARAM_COLUMNS, row))) if row else None)


def params_by_county(codes: Iterable[str]) -> dict[str, Params]:
    codes = set(codes)
    rows = {r.county_id: r for r in RuleSettings.objects.filter(county_id__in=codes)}
    return {c: _params_of(rows.get(c)) for c in codes}


def closing_params_by_county(codes: Iterable[str]) -> dict[str, Params]:
    """`params_by_county` with each county's deadline for December from its book settings
    (`ledger.services.december_close_by`): what the closing rule and the overdue closings read."""
    params = params_by_county(codes)
    december = december_close_by(params)
    return {c: replace(p, december_close_by=december[c]) for c, p in params.items()}


PARAM_FIELDS = ("cash_limit", "large_amount", "duplicate_days", "round_min", "round_unit", "close_day", "response_days")


def update_params(user, county_code: str, **values) -> Params:
    """A county supervisor sets the county's parameters (audited, old and new values)."""
    county = registered_county(county_code)
    permissions.require(
        user, SETTINGS_ROLES, county_code, "修改该县的预警参数",
        object_type="oversight.settings", object_id=county_code,
    )
    unknown = set(values) - set(PARAM_FIELDS) - {"disabled"}
    if unknown:
        raise Invalid([Problem(f"未知参数「{k}」") for k in sorted(unknown)])
    with transaction.atomic():
        row = RuleSettings.objects.select_for_update().filter(county=county).first()
        old = _params_of(row)
        merged = {f: values.get(f, getattr(old, f)) for f in PARAM_FIELDS}
        disabled = frozenset(values.get("disabled", old.disabled))
        new = Params(**merged, disabled=disabled)
        problems = rules.params_errors(new)
        if problems:
            raise Invalid([Problem(p) for p in problems])
        if row is None:
            row = RuleSettings(county=county)
        for f in PARAM_FIELDS:
            setattr(row, f, merged[f])
        row.disabled_rules = ",".join(sorted(disabled))
        row.updated_by = user
        row.save()
        audit.record(
            "oversight.settings.update", row, actor=user, region_code=county_code,
            old=_params_dict(old), new=_params_dict(new),
        )
    return new


def _params_dict(p: Params) -> dict:
    return {**{f: getattr(p, f) for f in PARAM_FIELDS}, "disabled": sorted(p.disabled)}
