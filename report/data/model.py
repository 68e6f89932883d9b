"""The validated data the report is computed from. Built only by `report.load`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from report.data.periods import Period

DateOrText = dt.date | str  # a real date, or text such as "1. kvartal 2023"


@dataclass(frozen=True)
class Assignment:
    id: str
    year: int
    title: str
    area: str
    type: str
    deadline: DateOrText | None
    status: str
    colour: str | None
    trend: str | None
    responsible: str
    user_involvement: str = ""
    working_group: str = ""
    status_text: str = ""
    estimated_completion: DateOrText | None = None
    deliverable: str = ""
    effect: str = ""
    measured: str = ""
    uncertainty: str = ""
    dependencies: str = ""
    part: str = ""  # Delleveranse: one of several rows of one assignment and year
    reference: str = ""  # the ministry's, e.g. TB2022-44
    overall_status: str = ""
    row: int = 0  # worksheet row, for messages

    @property
    def shown_title(self) -> str:
        """The title as readers see it: with the ministry's reference after it, when there is one."""
        return f"{self.title} ({self.reference})" if self.reference else self.title

    @property
    def key(self) -> str:
        """Names the row among the year's rows: the ID, and the delivery when it has one."""
        return f"{self.id} – {self.part}" if self.part else self.id


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    area: str
    source: str
    target: float | None
    direction: str  # "høyere er bedre" | "lavere er bedre" | "ingen"
    decimals: int
    description: str = ""

    @property
    def higher_is_better(self) -> bool | None:
        """None when the indicator has no desired direction (a cut made on purpose, a count)."""
        return {"høyere er bedre": True, "lavere er bedre": False}.get(self.direction)

    def target_met(self, value: float) -> bool | None:
        """Whether `value` meets the target; None without a target or a desired direction."""
        if self.target is None or self.higher_is_better is None:
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


@dataclass(frozen=True)
class IndicatorValue:
    indicator_id: str
    period: Period
    geo_level: str
    geo: str
    value: float
    note: str = ""
    source: str = ""  # empty: the catalogue's source


@dataclass(frozen=True)
class Partnership:
    number: int
    name: str
    health_trust: str
    rhf: str
    municipalities: int | None
    first_meeting: DateOrText | None
    note: str = ""


@dataclass(frozen=True)
class PartnershipStatus:
    year: int
    partnership: str
    established: bool
    secretariat: bool
    status_text: str = ""
    strategic_council: bool | None = None  # strategisk samarbeidsutvalg; None: not given
    professional_councils: bool | None = None  # faglige samarbeidsutvalg
    website: str | None = None


@dataclass
class Dataset:
    assignments: list[Assignment] = field(default_factory=list)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    values: list[IndicatorValue] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    partnership_status: list[PartnershipStatus] = field(default_factory=list)
    # values per indicator, sorted; made on first use and again when `values` grows
    _by_indicator: dict[str, list[IndicatorValue]] | None = field(default=None, init=False, repr=False, compare=False)
    _indexed: int = field(default=0, init=False, repr=False, compare=False)

    def assignments_for(self, year: int) -> list[Assignment]:
        """One row per assignment: its row without a Delleveranse, else its first row."""
        chosen: dict[str, Assignment] = {}
        for a in self.rows_for(year):
            if a.id not in chosen or (chosen[a.id].part and not a.part):
                chosen[a.id] = a
        return list(chosen.values())

    def rows_for(self, year: int) -> list[Assignment]:
        """Every row of the year, deliveries included, in the sheet's order."""
        return [a for a in self.assignments if a.year == year]

    def deliveries(self, assignment: Assignment) -> list[Assignment]:
        """All rows of one assignment's year: the assignment's own first, then its deliveries."""
        rows = [a for a in self.rows_for(assignment.year) if a.id == assignment.id]
        return sorted(rows, key=lambda a: bool(a.part))

    def values_for(self, indicator_id: str) -> list[IndicatorValue]:
        """The indicator's values by period, level and place (a new list each call)."""
        if self._by_indicator is None or self._indexed != len(self.values):
            index: dict[str, list[IndicatorValue]] = {}
            for v in self.values:
                index.setdefault(v.indicator_id, []).append(v)
            for values in index.values():
                values.sort(key=lambda v: (v.period.sort_key, v.geo_level, v.geo))
            self._by_indicator, self._indexed = index, len(self.values)
        return list(self._by_indicator.get(indicator_id, ()))

    def status_for(self, year: int) -> list[PartnershipStatus]:
        return [s for s in self.partnership_status if s.year == year]
