"""Reading the economy's forms into service arguments. Money is typed in yuan (`parse_yuan`),
rates in percent (`services.parse_rate`); problems come back in Chinese, one per field."""

from django import forms

from sanwu.core.errors import Invalid
from sanwu.core.money import MoneyError, fen_to_decimal, parse_yuan

from . import rules as R
from . import services
from .models import MEASURES
from .rules import Tier

MONEY_FIELDS = [
    ("hollow_line", "空壳村线（元）", "指标为0或以下、或低于此线为空壳村；0 表示只看是否为0"),
    ("weak_line", "薄弱村线（元）", "低于此线为薄弱村（默认15万元）"),
    ("strong_line", "强村线（元）", "达到此线为强村（默认50万元）"),
    ("increment_step", "增量奖：每增长（元）", "指标比上年每增长这么多……"),
    ("increment_award", "增量奖：奖励（元）", "……奖励这么多"),
    ("increment_cap", "增量奖：每村上限（元）", "0 为不设上限"),
    ("cadre_cap", "村干部奖励：每村上限（元）", "默认10万元"),
]
TIER_ROWS = 5


def settings_initial(s) -> dict:
    """Form values (yuan text) from a settings row."""
    data = {"measure": s.measure, "tier_measure": s.tier_measure, "roles": s.role_list, "cadre_rate": R.rate_text(s.cadre_rate_bp).rstrip("%")}
    for f, _, _ in MONEY_FIELDS:
        data[f] = str(fen_to_decimal(getattr(s, f)))
    tiers = list(s.tiers.order_by("threshold"))
    data["tiers"] = [
        {"threshold": str(fen_to_decimal(t.threshold)), "target": str(t.target), "award": str(fen_to_decimal(t.volume_award))} for t in tiers
    ] + [{"threshold": "", "target": "", "award": ""}] * max(1, TIER_ROWS - len(tiers))
    return data


def read_settings(post) -> tuple[dict, dict, list[Tier], list[str]]:
    """(form echo, values for `update_settings`, tiers, problems) from a POST."""
    echo = {"measure": post.get("measure", ""), "roles": post.getlist("roles"), "cadre_rate": post.get("cadre_rate", "").strip()}
    values: dict = {"measure": echo["measure"], "operating_roles": ",".join(r for r in R.OPERATING_ROLE_CHOICES if r in echo["roles"])}
    if "tier_measure" in post:
        echo["tier_measure"] = values["tier_measure"] = post.get("tier_measure", "")
    for r in echo["roles"]:
        if r not in R.OPERATING_ROLE_CHOICES:
            values["operating_roles"] += f",{r}"  # the service names it
    problems: list[str] = []
    for f, label, _ in MONEY_FIELDS:
        raw = post.get(f, "").strip()
        echo[f] = raw
        try:
            values[f] = parse_yuan(raw)
        except MoneyError as exc:
            problems.append(f"「{label}」：{exc}")
            values[f] = None
    try:
        values["cadre_rate_bp"] = services.parse_rate(echo["cadre_rate"])
    except Invalid as exc:
        problems.extend(exc.messages)
        values["cadre_rate_bp"] = None
    tiers: list[Tier] = []
    echo["tiers"] = []
    thresholds, targets, awards = post.getlist("tier_threshold"), post.getlist("tier_target"), post.getlist("tier_award")
    for i in range(max(len(thresholds), len(targets), len(awards))):
        th = (thresholds[i] if i < len(thresholds) else "").strip()
        tg = (targets[i] if i < len(targets) else "").strip()
        aw = (awards[i] if i < len(awards) else "").strip()
        echo["tiers"].append({"threshold": th, "target": tg, "award": aw})
        if not th and not tg and not aw:
            continue  # an empty row: no tier
        try:
            t_fen = parse_yuan(th)
            a_fen = parse_yuan(aw) if aw else 0
            if not tg.isdigit():
                raise MoneyError(f"目标村数「{tg}」应为整数")
            tiers.append(Tier(t_fen, int(tg), a_fen))
        except MoneyError as exc:
            problems.append(f"「档次目标」第{i + 1}行：{exc}")
    while len(echo["tiers"]) < TIER_ROWS:
        echo["tiers"].append({"threshold": "", "target": "", "award": ""})
    return echo, values, tiers, problems


MEASURE_CHOICES = MEASURES


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False)
