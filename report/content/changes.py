"""What changed since last year's report: assignments and indicators, and where each indicator stands."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from report.data import schema
from report.data.model import Assignment, Dataset, Indicator, IndicatorValue

DONE = ("Levert", "Avsluttet")
VERDICTS = ("bedre", "verre", "uendret", "uten retning")


@dataclass(frozen=True)
class AssignmentChanges:
    new: list[Assignment]
    done: list[tuple[Assignment, str | None]]  # (this year, last year's status; None if new)
    status: list[tuple[Assignment, str, str]]  # (this year, from, to), not counting `done`
    colour: list[tuple[Assignment, str | None, str | None]]


@dataclass(frozen=True)
class IndicatorMove:
    indicator: Indicator
    previous: IndicatorValue
    latest: IndicatorValue

    @property
    def movement(self) -> str:
        """'økte', 'sank' or 'uendret'."""
        if self.latest.value == self.previous.value:
            return "uendret"
        return "økte" if self.latest.value > self.previous.value else "sank"

    @property
    def verdict(self) -> str:
        """One of VERDICTS: the way the value moved against the indicator's desired direction.
        An indicator without a desired direction is never 'bedre' or 'verre'."""
        if self.indicator.higher_is_better is None:
            return "uten retning"
        if self.movement == "uendret":
            return "uendret"
        return "bedre" if (self.movement == "økte") == self.indicator.higher_is_better else "verre"


def assignment_changes(dataset: Dataset, year: int) -> AssignmentChanges:
    before = {a.id: a for a in dataset.assignments_for(year - 1)}
    now = dataset.assignments_for(year)
    new = [a for a in now if a.id not in before]
    done, status, colour = [], [], []
    for a in now:
        old = before.get(a.id)
        if a.status in DONE and (old is None or old.status not in DONE):
            done.append((a, old.status if old else None))
        elif old is not None and old.status != a.status:
            status.append((a, old.status, a.status))
        if old is not None and old.colour != a.colour:
            colour.append((a, old.colour, a.colour))
    return AssignmentChanges(new, done, status, colour)


def national(dataset: Dataset, indicator_id: str) -> list[IndicatorValue]:
    """The indicator's values for the whole country, oldest period first."""
    return [v for v in dataset.values_for(indicator_id) if v.geo_level == "land"]


def indicator_move(dataset: Dataset, indicator: Indicator) -> IndicatorMove | None:
    """The latest national value against the period before it; None with fewer than two."""
    values = national(dataset, indicator.id)
    return IndicatorMove(indicator, values[-2], values[-1]) if len(values) >= 2 else None


def indicator_moves(dataset: Dataset) -> list[IndicatorMove]:
    return [m for i in dataset.indicators.values() if (m := indicator_move(dataset, i))]


def count_verdicts(moves: list[IndicatorMove]) -> Counter:
    """How many moves had each verdict; 'med_retning' counts those with a desired direction."""
    counts = Counter(m.verdict for m in moves)
    counts["med_retning"] = len(moves) - counts["uten retning"]
    return counts


def regional(dataset: Dataset, indicator_id: str) -> list[IndicatorValue]:
    """The values below the national level in their latest period, on the first level (RHF,
    helsefellesskap, …) that has any; empty when there are none."""
    below = [v for v in dataset.values_for(indicator_id) if v.geo_level != "land"]
    if not below:
        return []
    latest = max(v.period.sort_key for v in below)
    level = next(g for g in schema.GEO_LEVELS if any(v.geo_level == g for v in below if v.period.sort_key == latest))
    return [v for v in below if v.period.sort_key == latest and v.geo_level == level]
