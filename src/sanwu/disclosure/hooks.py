"""Where the apps above the disclosure plug into it (registered in their AppConfig's ready()).

- `register_section(key, build, figures, label=…)`: a further section of a disclosure's
  snapshot. `build(book, year, month_from, month_to)` returns plain JSON (money in fen) or None
  when the village has nothing for the period; it is frozen with the disclosure under `key`.
  `figures(section)` picks out what must stay equal to the books, for verification (the budgets
  app adds its budget-to-actual table as `budget`).
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
