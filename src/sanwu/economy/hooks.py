"""Where the apps above the economy plug their figures into its overview and its brief
(registered in their AppConfig's ready()).

- `register_figures(key, build)`: `build(region_code, year)` returns a `Figures` (cards for the
  overview page and, when there is something to say, a sentence and a table for the brief) or
  None when the region has nothing for it. The cooperative adds its members, households, shares
  quantified and distributions paid as `coop`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sanwu.core.tables import Table


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class Figures:
    key: str
    title: str
    cards: list[Card] = field(default_factory=list)
    text: str = ""  # the brief's sentence ("" leaves the brief alone)
    table: Table | None = None  # the brief's table beside the sentence


_builders: dict[str, Callable] = {}


def register_figures(key: str, build: Callable) -> None:
    _builders[key] = build


def figures_for(region_code: str, year: int) -> list[Figures]:
    out = []
    for build in list(_builders.values()):
        f = build(region_code, year)
        if f is not None:
            out.append(f)
    return out
