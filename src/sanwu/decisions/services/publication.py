"""What of a matter reaches the public: texts with personal data masked, and the published
matters of a village for the public village page (system level: no user, no personal data)."""

from sanwu.core.masking import Names, scrub
from sanwu.regions.services import registered_names

from .. import rules
from ..models import Matter, StageRecord
from ..rules import CATEGORIES, CHANNELS, DECIDED_STAGES, MEETING_TYPES, STAGE_KEYS, STAGE_LABELS, STATUS_LABELS

def mask_text(text: str, village_code: str, names: Names | None = None) -> str:
    """A text fit for the public: ID, phone and account numbers dropped, the names of people in
    the county's person register masked (张*明) wherever they appear, longest names first."""
    return scrub(text, registered_names(village_code) if names is None else names)


def published_for_village(village_code: str) -> list[dict]:
    """For the public village page: only matters whose resolution was published, newest first.

    Each item is flat (strings, numbers, dates, booleans, and `steps`, a list of strings): the
    title, category, amount, dates, the meetings' head counts, and the resolution and result
    texts as frozen at publication — personal data masked (registered names 张*明; ID, phone and
    account numbers dropped). Never who attended or recorded, nor minutes, sign-in sheets or
    photos. Keys:

    id, title, category, category_label, amount_fen, year, status, status_label, stage,
    stage_label, merged_first_steps, decided_on, completed_on, steps,
    {proposal,committees,members_meeting,villagers_meeting}_date,
    {committees,members_meeting,villagers_meeting}_{entitled,present,for,against,abstain},
    villagers_meeting_type_label,
    {resolution,result} (text, "" if none), {resolution,result}_date, _channel_label,
    _corrected, _hash.
    """
    matters = list(Matter.objects.filter(village_id=village_code, stage__in=DECIDED_STAGES).order_by("-decided_on", "-id"))
    if not matters:
        return []
    by_matter: dict[int, dict[str, StageRecord]] = {}
    for r in StageRecord.objects.filter(matter__in=matters).order_by("matter_id", "stage", "version"):
        by_matter.setdefault(r.matter_id, {})[r.stage] = r
    names = registered_names(village_code)
    out = []
    for m in matters:
        records = by_matter.get(m.pk, {})
        item = {
            "id": m.pk,
            "title": mask_text(m.title, village_code, names),
            "category": m.category,
            "category_label": CATEGORIES[m.category],
            "amount_fen": m.amount,
            "year": m.year,
            "status": m.status,
            "status_label": STATUS_LABELS[m.status],
            "stage": m.stage,
            "stage_label": STAGE_LABELS[m.stage],
            "merged_first_steps": m.merged_first_steps,
            "decided_on": m.decided_on,
            "completed_on": m.completed_on,
        }
        steps = []
        for key in STAGE_KEYS:
            r = records.get(key)
            if key in rules.MEETING_STAGES:
                item[f"{key}_date"] = r.date if r else None
            if key in rules.VOTE_STAGES:
                for field, attr in (("entitled", "entitled"), ("present", "present"), ("for", "votes_for"), ("against", "votes_against"), ("abstain", "votes_abstain")):
                    item[f"{key}_{field}"] = getattr(r, attr) if r else None
            if r is not None:
                steps.append(f"{r.date:%Y-%m-%d} {STAGE_LABELS[key]}")
            elif key == "proposal" and m.merged_first_steps:
                steps.append(f"{STAGE_LABELS[key]}（“一肩挑”，与“两委”会议商议合并）")
        v = records.get("villagers_meeting")
        item["villagers_meeting_type_label"] = MEETING_TYPES.get(v.meeting_type, "") if v else ""
        item["steps"] = steps
        for key, prefix in (("resolution_published", "resolution"), ("result_published", "result")):
            r = records.get(key)
            # Frozen at publication; masked again in case someone was registered since.
            item[prefix] = mask_text(r.public_text, village_code, names) if r else ""
            item[f"{prefix}_date"] = r.date if r else None
            item[f"{prefix}_channel_label"] = CHANNELS.get(r.channel, "") if r else ""
            item[f"{prefix}_corrected"] = bool(r and r.version > 1)
            item[f"{prefix}_hash"] = r.content_hash if r else ""
        out.append(item)
    return out
