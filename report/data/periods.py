"""Reporting periods: year, tertial, half-year, quarter, month, date or a span of years."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PATTERNS = [
    ("year", re.compile(r"^(\d{4})$")),
    ("tertial", re.compile(r"^(\d{4})\s*T([1-3])$", re.I)),
    ("half", re.compile(r"^(\d{4})\s*H([12])$", re.I)),
    ("quarter", re.compile(r"^(\d{4})\s*K([1-4])$", re.I)),
    ("month", re.compile(r"^(\d{4})-(\d{1,2})$")),
    ("span", re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")),
    ("date", re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")),
    ("isodate", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
]


@dataclass(frozen=True)
class Period:
    kind: str  # year | tertial | half | quarter | month | span | date
    start: dt.date
    end: dt.date
    label: str  # how the report writes it: "2022", "2022 T1", "15.09.2022", "2019–2021"

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.end, self.start)

    @property
    def midpoint(self) -> float:
        """The middle of the period as a fractional year (2022 → 2022.5, 15.09.2022 at noon):
        where a time axis places it."""
        middle = (self.start.toordinal() + self.end.toordinal() + 1) / 2
        year = dt.date.fromordinal(int(middle)).year
        first, next_first = dt.date(year, 1, 1).toordinal(), dt.date(year + 1, 1, 1).toordinal()
        return year + (middle - first) / (next_first - first)

    def __str__(self) -> str:
        return self.label


def _months(year: int, first: int, count: int) -> tuple[dt.date, dt.date]:
    last = first + count - 1
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def period_from_date(d: dt.date) -> Period:
    return Period("date", d, d, d.strftime("%d.%m.%Y"))


def parse_period(text: str) -> Period | None:
    """Parse a period as writers type it; None when it is not a period."""
    s = str(text).strip()
    for kind, pattern in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        try:
            if kind == "year":
                return Period(kind, dt.date(g[0], 1, 1), dt.date(g[0], 12, 31), f"{g[0]}")
            if kind == "tertial":
                return Period(kind, *_months(g[0], 4 * (g[1] - 1) + 1, 4), f"{g[0]} T{g[1]}")
            if kind == "half":
                return Period(kind, *_months(g[0], 6 * (g[1] - 1) + 1, 6), f"{g[0]} H{g[1]}")
            if kind == "quarter":
                return Period(kind, *_months(g[0], 3 * (g[1] - 1) + 1, 3), f"{g[0]} K{g[1]}")
            if kind == "month":
                return Period(kind, *_months(g[0], g[1], 1), f"{g[0]}-{g[1]:02d}")
            if kind == "span":
                if g[1] <= g[0]:
                    return None
                return Period(kind, dt.date(g[0], 1, 1), dt.date(g[1], 12, 31), f"{g[0]}–{g[1]}")
            if kind == "date":
                return period_from_date(dt.date(g[2], g[1], g[0]))
            if kind == "isodate":
                return period_from_date(dt.date(g[0], g[1], g[2]))
        except ValueError:
            return None
    return None
