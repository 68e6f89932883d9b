"""One cell's value, typed by its column: text, IDs, choices, numbers, dates and periods, with a
problem naming file › sheet › cell, the value found and what is expected."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from report.data.messages import choice_noun, did_you_mean, msg
from report.data.periods import parse_period, period_from_date
from report.data.problems import Problems
from report.data.schema import Column, Kind

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")  # IDs name files: never a path
# Dates typed as text: 31.12.2023, 31.12.23, 31/12/2023, 31-12-2023 (spaces allowed around the
# separators) and 2023-12-31. Other text of digits and separators (2023-12, 31.12) looks like a
# date but is not one: it is kept as text, with a warning; a span of years (2023-2024) is not.
_DATE_DMY = re.compile(r"^(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
_DATE_ISO = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})$")
_DATE_LIKE = re.compile(r"^(?!\d{4}\s*[-–]\s*\d{4}$)[\d\s]*\d\s*[./-]\s*\d[\d\s./-]*$")
_EXACT_INT = 2**53  # floats below this that are whole numbers are ints, as Excel writes them


def cell(raw: Any) -> Any:
    """A calamine value as openpyxl reads it: None for empty, whole numbers as int, dates as datetime."""
    kind = type(raw)
    if kind is str:
        return raw or None
    if kind is float:
        return int(raw) if raw.is_integer() and -_EXACT_INT < raw < _EXACT_INT else raw
    if kind is dt.date:
        return dt.datetime(raw.year, raw.month, raw.day)
    return raw


def column_letter(index: int) -> str:
    """A 0-based column index as Excel's letters: 0 → A, 27 → AB (openpyxl is slow to import)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def at(where: tuple) -> tuple[str, str, str]:
    """(file, sheet, column index, row) → (file, sheet, A1 address): made only when a problem needs it."""
    file, sheet, index, row = where
    return file, sheet, f"{column_letter(index)}{row}"


def parse(raw: Any, column: Column, where: tuple, problems: Problems) -> Any:
    """The typed value of one cell, or None (with a problem when it is wrong).

    `where` is (file, sheet, column index, row).
    """
    if isinstance(raw, str):
        raw = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        if raw == "":
            raw = None
    if raw is None:
        if column.required:
            problems.error(*at(where), msg("required", header=column.header))
        return None
    kind = column.kind
    if kind in (Kind.TEXT, Kind.ID):
        text = _as_text(raw)
        if kind is Kind.ID and not _ID.match(text):
            problems.error(*at(where), msg("id", value=text))
            return None
        return text
    if kind in (Kind.CHOICE, Kind.YES_NO):
        value = str(raw)
        if value in column.choices:
            return value == "ja" if kind is Kind.YES_NO else value
        folded = {alias.casefold(): c for alias, c in column.aliases} | {c.casefold(): c for c in column.choices}
        normal = folded.get(" ".join(value.split()).casefold())
        if normal is None:
            problems.error(*at(where), msg("choice", value=value, noun=choice_noun(column.header), choices=", ".join(column.choices),
                                           hint=_more_than_a_choice(value, column.choices) or did_you_mean(value, column.choices)))
            return None
        problems.warning(*at(where), msg("normalised", value=value, normal=normal))
        return normal == "ja" if kind is Kind.YES_NO else normal
    if kind in (Kind.NUMBER, Kind.INT, Kind.YEAR):
        number = _number(raw)
        if number is None:
            problems.error(*at(where), msg("number", value=raw))
            return None
        if kind is Kind.NUMBER:
            return number
        if not float(number).is_integer() or (kind is Kind.YEAR and not 1900 <= number <= 2100):
            problems.error(*at(where), msg("year" if kind is Kind.YEAR else "integer", value=raw))
            return None
        return int(number)
    if kind is Kind.DATE_OR_TEXT:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = str(raw)
        if m := _DATE_DMY.match(text):
            day, month, year = int(m[1]), int(m[3]), int(m[4]) + (2000 if len(m[4]) == 2 else 0)
        elif m := _DATE_ISO.match(text):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
        else:
            if _DATE_LIKE.match(text):
                problems.warning(*at(where), msg("date_text", value=text))
            return text
        try:
            return dt.date(year, month, day)
        except ValueError:
            problems.error(*at(where), msg("date", value=text))
            return None
    if kind is Kind.PERIOD:
        if isinstance(raw, (dt.date, dt.datetime)):
            return period_from_date(raw.date() if isinstance(raw, dt.datetime) else raw)
        period = parse_period(str(int(raw)) if isinstance(raw, (int, float)) else str(raw))
        if period is None:
            problems.error(*at(where), msg("period", value=raw))
        return period
    raise AssertionError(kind)


def _as_text(raw: Any) -> str:
    """A cell in a text column as the reader should see it: what Excel made of what was typed
    (a date, a number, TRUE) written as text, never as Python writes it («2022-09-01 00:00:00»,
    «44.0», «2.5», «True»)."""
    if isinstance(raw, bool):
        return "Ja" if raw else "Nei"
    if isinstance(raw, (dt.datetime, dt.date)):
        return f"{raw:%d.%m.%Y}"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else str(raw).replace(".", ",")
    return str(raw)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return raw
    text = str(raw).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("−", "-")
    text = text.replace(",", ".")
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return None


def _more_than_a_choice(value: str, choices: tuple[str, ...]) -> str:
    """A choice followed by more words («Levert (avsluttet etter kartlegging)», «Levert – oppfølging
    nevnt under», as the 2022 report wrote its statuses): what to write here, and where the rest goes."""
    for choice in sorted(choices, key=len, reverse=True):
        rest = value.strip()[len(choice):]
        if value.strip().casefold().startswith(choice.casefold()) and rest[:1] and not rest[:1].isalnum():
            rest = rest.strip(" –-—;:,.")
            return msg("choice_and_more", normal=choice, rest=rest) if rest else ""
    return ""
