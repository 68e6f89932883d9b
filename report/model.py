"""The validated data the report is computed from. Built only by `report.load`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from report.periods import Period

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
    row: int = 0  # worksheet row, for messages


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    area: str
    source: str
    target: float | None
    direction: str  # "høyere er bedre" | "lavere er bedre"
    decimals: int
    description: str = ""

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "høyere er bedre"


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


@dataclass
class Dataset:
    assignments: list[Assignment] = field(default_factory=list)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    values: list[IndicatorValue] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    partnership_status: list[PartnershipStatus] = field(default_factory=list)

    def assignments_for(self, year: int) -> list[Assignment]:
        return [a for a in self.assignments if a.year == year]

    def values_for(self, indicator_id: str) -> list[IndicatorValue]:
        return sorted(
            (v for v in self.values if v.indicator_id == indicator_id),
            key=lambda v: (v.period.sort_key, v.geo_level, v.geo),
        )

    def status_for(self, year: int) -> list[PartnershipStatus]:
        return [s for s in self.partnership_status if s.year == year]
