"""Where the apps above the disclosure plug into it (registered in their AppConfig's ready()).

- `register_section(key, build, figures, label=…)`: a further section of a disclosure's
  snapshot. `build(book, year, month_from, month_to)` returns plain JSON (money in fen) or None
  when the village has nothing for the period; it is frozen with the disclosure under `key`.
  `figures(section)` picks out what must stay equal to the books, for verification (the budgets
  app adds its budget-to-actual table as `budget`).
- `register_public_section(key, build, template, version)`: a further section of the public
  village page. `build(village_code)` returns what `template` shows (as `section`) or None when
  the village has nothing for it; `version(village_code)` is a cheap value that changes whenever
  the section would, and becomes part of the page's frozen version (`services.versions`). The
  cooperative adds its share totals as `coop`.
- `register_publish_gate(key, problems, freeze)`: a condition of publishing. `problems(disclosure)`
  returns what stops it (Chinese sentences; publishing is refused while any remain), and
  `freeze(disclosure)` what is frozen into the published snapshot under `key` (the cooperative's
  supervisory committee: each month's 民主理财 signed, its remarks shown with the disclosure).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    build: Callable
    figures: Callable
    label: str


_sections: dict[str, Section] = {}


def register_section(key: str, build: Callable, figures: Callable, *, label: str) -> Section:
    section = Section(key, build, figures, label)
    _sections[key] = section
    return section


def build_sections(book, year: int, month_from: int, month_to: int) -> dict:
    out = {}
    for s in list(_sections.values()):
        data = s.build(book, year, month_from, month_to)
        if data is not None:
            out[s.key] = data
    return out


def section_figures(snapshot: dict) -> dict:
    """The figures of the sections the snapshot holds."""
    return {s.key: s.figures(snapshot[s.key]) for s in _sections.values() if s.key in snapshot}


def section_labels() -> dict[str, str]:
    return {s.key: s.label for s in _sections.values()}


@dataclass(frozen=True)
class PublicSection:
    key: str
    build: Callable
    template: str
    version: Callable


_public_sections: dict[str, PublicSection] = {}


def register_public_section(key: str, build: Callable, template: str, version: Callable) -> PublicSection:
    section = PublicSection(key, build, template, version)
    _public_sections[key] = section
    return section


def public_sections(village_code: str) -> list[dict]:
    """The sections the village page shows below its own, in the order registered."""
    out = []
    for s in list(_public_sections.values()):
        data = s.build(village_code)
        if data is not None:
            out.append({"key": s.key, "template": s.template, "data": data})
    return out


def public_versions(village_code: str) -> tuple:
    return tuple((s.key, s.version(village_code)) for s in list(_public_sections.values()))


@dataclass(frozen=True)
class PublishGate:
    key: str
    problems: Callable
    freeze: Callable


_gates: dict[str, PublishGate] = {}


def register_publish_gate(key: str, problems: Callable, freeze: Callable) -> PublishGate:
    gate = PublishGate(key, problems, freeze)
    _gates[key] = gate
    return gate


def publish_problems(disclosure) -> list[str]:
    return [p for g in list(_gates.values()) for p in g.problems(disclosure)]


def publish_freeze(disclosure) -> dict:
    return {g.key: g.freeze(disclosure) for g in list(_gates.values())}
