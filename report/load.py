"""Reading the writers' workbooks into validated records, reporting every problem at once.

Each problem names file › sheet › cell, the value found and what is expected.
Hostile or broken files (not a zip, zip bombs, XML entities, old .xls, encrypted)
are refused with a message before openpyxl parses them.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter

from report import schema
from report.messages import choice_noun, msg
from report.model import Assignment, Dataset, Indicator, IndicatorValue, Partnership, PartnershipStatus
from report.periods import parse_period, period_from_date
from report.problems import Problems
from report.schema import Column, Kind, Sheet

MAX_UNPACKED_MB = 200
MAX_RATIO = 200  # uncompressed/compressed, per zip member
MAX_ROWS = 1_000_000
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")  # IDs name files: never a path
_FORMULA = re.compile(rb"<f[ >/]")
_MERGED = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_DATE_TEXT = re.compile(r"^\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})$")

Row = tuple[int, dict[str, Any]]  # worksheet row number, field → typed value


def load_dataset(data_dir: Path) -> tuple[Dataset, Problems]:
    problems = Problems()
    tables: dict[str, list[Row]] = {}
    for book in schema.WORKBOOKS:
        for name, rows in _read_workbook(Path(data_dir) / book.filename, book, problems).items():
            tables[name] = rows
    files = {s.name: b.filename for b in schema.WORKBOOKS for s in b.sheets}
    dataset = _build(tables, problems, files)
    return dataset, problems


def load_assignments(path: Path) -> tuple[list[Assignment], Problems]:
    """The Oppdrag sheet of any workbook in its layout (an innspill workbook), validated alone."""
    problems = Problems()
    tables = _read_workbook(Path(path), schema.ASSIGNMENTS_BOOK, problems)
    dataset = _build(tables, problems, {schema.ASSIGNMENTS.name: Path(path).name})
    return dataset.assignments, problems


def _read_workbook(path: Path, book: schema.Workbook, problems: Problems) -> dict[str, list[Row]]:
    file = path.name
    if not path.is_file():
        problems.error(file, None, None, msg("missing_file"))
        return {}
    if not _safe_container(path, problems):
        return {}
    try:
        values = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as e:  # defusedxml refuses entity declarations; broken parts fail to parse
        problems.error(file, None, None, msg("xml_attack" if _is_defused(e) else "broken_zip"))
        return {}
    for ws in values.worksheets:
        if ws.sheet_state != "visible":
            problems.warning(file, ws.title, None, msg("hidden_sheet"))
    tables = {}
    with zipfile.ZipFile(path) as z:
        for sheet in book.sheets:
            if sheet.name not in values.sheetnames or values[sheet.name].sheet_state != "visible":
                problems.error(file, None, None, msg("missing_sheet", sheet=sheet.name))
                continue
            ws = values[sheet.name]
            xml = z.read(ws._worksheet_path)
            tables[sheet.name] = _read_sheet(file, ws, _formulas(path, sheet.name, xml), xml, sheet, problems)
    values.close()
    return tables


def _formulas(path: Path, sheet: str, xml: bytes) -> dict[tuple[int, int], str]:
    """Formula cells by (row, column); the second read only happens when the sheet has any."""
    if not _FORMULA.search(xml):
        return {}
    wb = openpyxl.load_workbook(path, data_only=False, read_only=True)
    try:
        return {(c.row, c.column): c.value for r in wb[sheet].iter_rows(min_row=2) for c in r
                if getattr(c, "data_type", None) == "f"}
    finally:
        wb.close()


def _is_defused(error: BaseException | None) -> bool:
    """openpyxl wraps parse errors: look down the chain for defusedxml's refusal."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _safe_container(path: Path, problems: Problems) -> bool:
    file = path.name
    with path.open("rb") as f:
        head = f.read(8)
    if head == _OLE_SIGNATURE:
        problems.error(file, None, None, msg("ole"))
        return False
    if not zipfile.is_zipfile(path):
        problems.error(file, None, None, msg("not_xlsx"))
        return False
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            total = sum(m.file_size for m in members)
            ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
            if total > MAX_UNPACKED_MB * 2**20 or ratio > MAX_RATIO and total > 10 * 2**20:
                problems.error(file, None, None, msg("too_big", mb=total // 2**20, limit=MAX_UNPACKED_MB))
                return False
            if z.testzip() is not None:
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, OSError, EOFError):
        problems.error(file, None, None, msg("broken_zip"))
        return False
    return True


def _read_sheet(file: str, ws, formula_cells: dict, xml: bytes, sheet: Sheet, problems: Problems) -> list[Row]:
    where = (file, sheet.name)
    if (ws.max_row or 0) > MAX_ROWS:
        problems.error(*where, None, msg("too_many_rows", rows=ws.max_row, limit=MAX_ROWS))
        return []
    for merged in _MERGED.findall(xml):
        coord = merged.decode()
        problems.error(*where, coord.split(":")[0], msg("merged", range=coord))
    columns = _map_columns(file, ws, sheet, problems)
    rows: list[Row] = []
    for r, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        record: dict[str, Any] = {"_cells": {}}
        for column, index in columns.items():
            raw = cells[index] if index < len(cells) else None
            address = f"{get_column_letter(index + 1)}{r}"
            record["_cells"][column.field] = address
            if raw is None and (r, index + 1) in formula_cells:
                problems.error(*where, address, msg("formula_no_value", formula=formula_cells[(r, index + 1)]))
                continue
            record[column.field] = _parse(raw, column, (*where, address), problems)
        for column in sheet.columns:
            record.setdefault(column.field, None)
        rows.append((r, record))
    return rows


def _map_columns(file: str, ws, sheet: Sheet, problems: Problems) -> dict[Column, int]:
    where = (file, sheet.name)
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    by_name = {c.header.casefold(): c for c in sheet.columns}
    expected = ", ".join(sheet.headers)
    found: dict[Column, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, value in enumerate(header):
        if value is None or not str(value).strip():
            continue
        column = by_name.get(str(value).strip().casefold())
        address = f"{get_column_letter(index + 1)}1"
        if column is None:
            unknown.append((index, str(value)))
        elif column in found:
            other = f"{get_column_letter(found[column] + 1)}1"
            problems.error(*where, address, msg("duplicate_column", header=column.header, other=other))
        else:
            found[column] = index
    if len(unknown) > 5:
        first, last = (f"{get_column_letter(unknown[i][0] + 1)}1" for i in (0, -1))
        problems.error(*where, first, msg("unknown_columns", count=len(unknown), first=first, last=last, expected=expected))
    else:
        for index, value in unknown:
            problems.error(*where, f"{get_column_letter(index + 1)}1", msg("unknown_column", header=value, expected=expected))
    for column in sheet.columns:
        if column not in found:
            problems.error(*where, "rad 1", msg("missing_column", header=column.header))
    return found


def _parse(raw: Any, column: Column, where: tuple, problems: Problems) -> Any:
    """The typed value of one cell, or None (with a problem when it is wrong)."""
    if isinstance(raw, str):
        raw = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        if raw == "":
            raw = None
    if raw is None:
        if column.required:
            problems.error(*where, msg("required", header=column.header))
        return None
    kind = column.kind
    if kind in (Kind.TEXT, Kind.ID):
        text = str(raw) if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
        if kind is Kind.ID and not _ID.match(text):
            problems.error(*where, msg("id", value=text))
            return None
        return text
    if kind in (Kind.CHOICE, Kind.YES_NO):
        value = str(raw)
        if value in column.choices:
            return value == "ja" if kind is Kind.YES_NO else value
        folded = {c.casefold(): c for c in column.choices}
        normal = folded.get(" ".join(value.split()).casefold())
        if normal is None:
            problems.error(*where, msg("choice", value=value, noun=choice_noun(column.header), choices=", ".join(column.choices)))
            return None
        problems.warning(*where, msg("normalised", value=value, normal=normal))
        return normal == "ja" if kind is Kind.YES_NO else normal
    if kind in (Kind.NUMBER, Kind.INT, Kind.YEAR):
        number = _number(raw)
        if number is None:
            problems.error(*where, msg("number", value=raw))
            return None
        if kind is Kind.NUMBER:
            return number
        if not float(number).is_integer() or (kind is Kind.YEAR and not 1900 <= number <= 2100):
            problems.error(*where, msg("year" if kind is Kind.YEAR else "integer", value=raw))
            return None
        return int(number)
    if kind is Kind.DATE_OR_TEXT:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = str(raw)
        if _DATE_TEXT.match(text):
            day, month, year = text.split(".")
            parsed = parse_period(f"{day}.{month}.{'20' + year if len(year) == 2 else year}")
            if parsed is None:
                problems.error(*where, msg("date", value=text))
                return None
            return parsed.start
        return text
    if kind is Kind.PERIOD:
        if isinstance(raw, (dt.date, dt.datetime)):
            return period_from_date(raw.date() if isinstance(raw, dt.datetime) else raw)
        period = parse_period(str(int(raw)) if isinstance(raw, (int, float)) else str(raw))
        if period is None:
            problems.error(*where, msg("period", value=raw))
        return period
    raise AssertionError(kind)


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


def _fields(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k != "_cells"}


def _build(tables: dict[str, list[Row]], problems: Problems, files: dict[str, str]) -> Dataset:
    """Records from the sheets in `tables`; `files` names the file each sheet was read from."""
    ds = Dataset()

    def complete(sheet: Sheet) -> list[Row]:
        """Rows whose required fields all parsed; the others already have a problem."""
        need = [c.field for c in sheet.columns if c.required]
        return [(r, rec) for r, rec in tables.get(sheet.name, []) if all(rec.get(f) is not None for f in need)]


    def unique(sheet: Sheet, key, field: str, what: str, scope=lambda rec: "") -> list[Row]:
        seen: dict = {}
        kept = []
        for r, rec in complete(sheet):
            k = key(rec)
            if k in seen:
                problems.error(files[sheet.name], sheet.name, rec["_cells"][field],
                               msg("duplicate_id", what=what, value=rec[field], scope=scope(rec),
                                   other=seen[k]))
                continue
            seen[k] = rec["_cells"][field]
            kept.append((r, rec))
        return kept

    for r, rec in unique(schema.ASSIGNMENTS, lambda x: (x["id"], x["year"]), "id", "ID",
                         lambda x: f" for {x['year']}"):
        ds.assignments.append(Assignment(**{k: v if v is not None else _default(k) for k, v in _fields(rec).items()}, row=r))
    for _, rec in unique(schema.INDICATOR_CATALOGUE, lambda x: x["id"], "id", "ID"):
        ds.indicators[rec["id"]] = Indicator(
            **{**_fields(rec), "decimals": rec.get("decimals") or 0, "description": rec.get("description") or ""})
    for _, rec in unique(schema.PARTNERSHIPS, lambda x: x["name"], "name", "Helsefellesskapet"):
        ds.partnerships.append(Partnership(**{**_fields(rec), "note": rec.get("note") or ""}))
    names = {p.name for p in ds.partnerships}

    sheet = schema.INDICATOR_VALUES
    for r, rec in complete(sheet):
        where = (files[sheet.name], sheet.name)
        if ds.indicators and rec["indicator_id"] not in ds.indicators:
            problems.error(*where, rec["_cells"]["indicator_id"], msg("unknown_indicator", value=rec["indicator_id"]))
            continue
        if rec["geo_level"] == "helsefellesskap" and names and rec["geo"] not in names:
            problems.error(*where, rec["_cells"]["geo"], msg("unknown_partnership", value=rec["geo"]))
            continue
        if rec["geo_level"] == "RHF" and rec["geo"] not in schema.RHFS:
            problems.error(*where, rec["_cells"]["geo"],
                           msg("choice", value=rec["geo"], noun=choice_noun("RHF"), choices=", ".join(schema.RHFS)))
            continue
        ds.values.append(IndicatorValue(**{**_fields(rec), "note": rec.get("note") or "", "source": rec.get("source") or ""}))

    sheet = schema.PARTNERSHIP_STATUS
    for r, rec in unique(sheet, lambda x: (x["partnership"], x["year"]), "partnership", "Helsefellesskapet",
                         lambda x: f" for {x['year']}"):
        if names and rec["partnership"] not in names:
            problems.error(files[sheet.name], sheet.name, rec["_cells"]["partnership"],
                           msg("unknown_partnership", value=rec["partnership"]))
            continue
        ds.partnership_status.append(PartnershipStatus(**{**_fields(rec), "status_text": rec.get("status_text") or ""}))
    return ds


def _default(field: str) -> Any:
    return None if field in ("deadline", "colour", "trend", "estimated_completion") else ""
