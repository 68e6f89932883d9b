"""What changed since last year's report: assignments and indicators."""

from __future__ import annotations

from dataclasses import dataclass

from report.model import Assignment, Dataset, Indicator, IndicatorValue

DONE = ("Levert", "Avsluttet")


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
    def better(self) -> bool | None:
        """True when the value moved the good way (toward the target), None when unchanged."""
        if self.latest.value == self.previous.value:
            return None
        rose = self.latest.value > self.previous.value
        return rose == self.indicator.higher_is_better


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


def indicator_moves(dataset: Dataset) -> list[IndicatorMove]:
    """Per indicator, the latest national value against the period before it."""
    moves = []
    for indicator in dataset.indicators.values():
        national = [v for v in dataset.values_for(indicator.id) if v.geo_level == "land"]
        if len(national) >= 2:
            moves.append(IndicatorMove(indicator, national[-2], national[-1]))
    return moves
