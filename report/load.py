"""Reading the writers' workbooks into validated records, reporting every problem at once.

Each problem names file › sheet › cell, the value found and what is expected.
Hostile or broken files (not a zip, zip bombs, XML entities, old .xls, encrypted)
are refused with a message before any XML in them is parsed. Cell values are read
with calamine (fast, little memory); openpyxl is used only for the rare sheets that
hold formulas or error cells, to name a formula that has no stored value.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import python_calamine

from report import schema
from report.messages import choice_noun, msg
from report.model import Assignment, Dataset, Indicator, IndicatorValue, Partnership, PartnershipStatus
from report.periods import parse_period, period_from_date
from report.problems import Problem, Problems
from report.schema import Column, Kind, Sheet

if TYPE_CHECKING:
    from report.workbook_cache import WorkbookCache

MAX_UNPACKED_MB = 200
MAX_RATIO = 200  # uncompressed/compressed, per zip member
MAX_ROWS = 1_000_000
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")  # IDs name files: never a path
# What defusedxml refuses: entity declarations, in the encodings an XML part may have.
_ENTITY = tuple("<!ENTITY".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))
# A formula (<f>, or <x:f> with a namespace prefix) or an error value: plain substrings, as a
# regular expression starting with "<" is slow on XML. A false match only costs a slower read.
_SPECIAL = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/", b' t="e"', b" t='e'")
# Dates typed as text: 31.12.2023, 31.12.23, 31/12/2023, 31-12-2023 (spaces allowed around the
# separators) and 2023-12-31. Other text of digits and separators (2023-12, 31.12) looks like a
# date but is not one: it is kept as text, with a warning; a span of years (2023-2024) is not.
_DATE_DMY = re.compile(r"^(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
_DATE_ISO = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})$")
_DATE_LIKE = re.compile(r"^(?!\d{4}\s*[-–]\s*\d{4}$)[\d\s]*\d\s*[./-]\s*\d[\d\s./-]*$")
_EXACT_INT = 2**53  # floats below this that are whole numbers are ints, as Excel writes them


class Table(NamedTuple):
    """One sheet's rows: values in the order of `Sheet.columns`, and where each field's column is."""

    columns: dict[str, int]  # field → 0-based worksheet column, for the fields found in row 1
    rows: list[tuple[int, tuple]]  # (worksheet row number, values)


@dataclass(frozen=True)
class ReadWorkbook:
    """What one workbook holds before the workbooks are checked against each other."""

    tables: dict[str, Table]
    problems: tuple[Problem, ...]


def load_dataset(data_dir: Path, cache: WorkbookCache | None = None) -> tuple[Dataset, Problems]:
    """The validated dataset; with a cache, an unchanged workbook is taken from it instead of read."""
    problems = Problems()
    tables: dict[str, Table] = {}
    for book in schema.WORKBOOKS:
        path = Path(data_dir) / book.filename
        result = cache.read(path, book, read_workbook) if cache else read_workbook(path, book)
        problems.items.extend(result.problems)
        tables.update(result.tables)
    files = {s.name: b.filename for b in schema.WORKBOOKS for s in b.sheets}
    dataset = _build(tables, problems, files)
    return dataset, problems


def load_assignments(path: Path) -> tuple[list[Assignment], Problems]:
    """The Oppdrag sheet of any workbook in its layout (an innspill workbook), validated alone."""
    problems = Problems()
    result = read_workbook(Path(path), schema.ASSIGNMENTS_BOOK)
    problems.items.extend(result.problems)
    dataset = _build(result.tables, problems, {schema.ASSIGNMENTS.name: Path(path).name})
    return dataset.assignments, problems


def read_workbook(path: Path, book: schema.Workbook) -> ReadWorkbook:
    """The sheets of `book` in one file, each cell typed, with the problems found in the file alone."""
    problems = Problems()
    tables = _read_workbook(Path(path), book, problems)
    return ReadWorkbook(tables, tuple(problems.items))


def _read_workbook(path: Path, book: schema.Workbook, problems: Problems) -> dict[str, Table]:
    file = path.name
    if not path.is_file():
        problems.error(file, None, None, msg("missing_file"))
        return {}
    special = _safe_container(path, problems)
    if special is None:
        return {}
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.CalamineError:
        problems.error(file, None, None, msg("broken_zip"))
        return {}
    try:
        sheets = [m for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        visible = {m.name for m in sheets if m.visible == python_calamine.SheetVisibleEnum.Visible}
        for m in sheets:
            if m.name not in visible:
                problems.warning(file, m.name, None, msg("hidden_sheet"))
        tables = {}
        wanted = [s for s in book.sheets if s.name in visible]
        cells = _special_cells(path, [s.name for s in wanted], special)
        for sheet in book.sheets:
            if sheet not in wanted:
                problems.error(file, None, None, msg("missing_sheet", sheet=sheet.name))
                continue
            ws = workbook.get_sheet_by_name(sheet.name)
            tables[sheet.name] = _read_sheet(file, ws, cells.get(sheet.name, ({}, {})), sheet, problems)
    except (python_calamine.CalamineError, _Unreadable):  # XML that is not well formed, a part missing
        problems.items.clear()  # what was found before the break would only confuse
        problems.error(file, None, None, msg("broken_zip"))
        return {}
    finally:
        workbook.close()
    return tables


class _Unreadable(Exception):
    """openpyxl could not read a part of a workbook that calamine could open."""


def _special_cells(path: Path, sheets: list[str], special: set[str]) -> dict[str, tuple[dict, dict]]:
    """Per sheet, its error values and formulas by (row, column); read only for sheets that hold any.

    calamine shows an error value (#N/A) and a formula without a stored value both as an
    empty cell; openpyxl tells them apart and names the formula.
    """
    if not special:
        return {}
    import openpyxl  # only for this rare case

    def cells(ws, data_type: str) -> dict:
        return {(c.row, c.column): c.value for r in ws.iter_rows(min_row=2) for c in r
                if getattr(c, "data_type", None) == data_type}

    result = {}
    try:
        values = openpyxl.load_workbook(path, data_only=True, read_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
        for name in sheets:
            if values[name]._worksheet_path.lstrip("/") in special:
                result[name] = (cells(values[name], "e"), cells(formulas[name], "f"))
        values.close()
        formulas.close()
    except Exception as e:  # openpyxl raises many kinds for a broken part
        raise _Unreadable from e
    return result


def _safe_container(path: Path, problems: Problems) -> set[str] | None:
    """None (with a problem) for a file that must not be parsed; else the worksheet parts
    holding formulas or error values. Every member is unpacked once, which checks its CRC."""
    file = path.name
    with path.open("rb") as f:
        head = f.read(8)
    if head == _OLE_SIGNATURE:
        problems.error(file, None, None, msg("ole"))
        return None
    if not zipfile.is_zipfile(path):
        problems.error(file, None, None, msg("not_xlsx"))
        return None
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            total = sum(m.file_size for m in members)
            ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
            if total > MAX_UNPACKED_MB * 2**20 or ratio > MAX_RATIO and total > 10 * 2**20:
                problems.error(file, None, None, msg("too_big", mb=total // 2**20, limit=MAX_UNPACKED_MB))
                return None
            special = set()
            for member in members:
                found = _scan_member(z, member)
                if found is None:
                    problems.error(file, None, None, msg("xml_attack"))
                    return None
                if found and member.filename.startswith("xl/worksheets/"):
                    special.add(member.filename)
            return special
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        problems.error(file, None, None, msg("broken_zip"))
        return None


def _scan_member(z: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool | None:
    """Unpack one member in chunks: None when it declares XML entities, else whether it holds
    formulas or error values. Every member is scanned, whatever its name: a part's name need
    not end in .xml. A chunk keeps the end of the one before, so no mark is split."""
    found, tail = False, b""
    with z.open(member) as f:
        while chunk := f.read(1 << 20):
            text = tail + chunk
            if any(mark in text for mark in _ENTITY):
                return None
            found = found or any(mark in text for mark in _SPECIAL)
            tail = text[-16:]
    return found


def _cell(raw: Any) -> Any:
    """A calamine value as openpyxl reads it: None for empty, whole numbers as int, dates as datetime."""
    kind = type(raw)
    if kind is str:
        return raw or None
    if kind is float:
        return int(raw) if raw.is_integer() and -_EXACT_INT < raw < _EXACT_INT else raw
    if kind is dt.date:
        return dt.datetime(raw.year, raw.month, raw.day)
    return raw


def _blank(cells: list) -> bool:
    """Whether a row of calamine values holds nothing but empty cells and spaces."""
    for v in cells:
        if v != "" and (type(v) is not str or v.strip()):
            return False
    return True


def _read_sheet(file: str, ws, special: tuple[dict, dict], sheet: Sheet, problems: Problems) -> Table:
    where = (file, sheet.name)
    height = ws.end[0] + 1 if ws.end else 0
    if height > MAX_ROWS:
        problems.error(*where, None, msg("too_many_rows", rows=height, limit=MAX_ROWS))
        return Table({}, [])
    for (top, left), (bottom, right) in sorted(ws.merged_cell_ranges or []):
        first = f"{_column(left)}{top + 1}"
        problems.error(*where, first, msg("merged", range=f"{first}:{_column(right)}{bottom + 1}"))
    grid = ws.to_python(skip_empty_area=False)
    header = [_cell(v) for v in grid[0]] if grid else []
    columns = _map_columns(file, header, sheet, problems)
    errors, formulas = special
    found = [(columns.get(c), c, {}) for c in sheet.columns]
    rows: list[tuple[int, tuple]] = []
    for r, cells in enumerate(grid[1:], start=2):
        if _blank(cells):
            continue
        values = []
        for index, column, seen in found:
            if index is None:
                values.append(None)
                continue
            raw = _cell(cells[index]) if index < len(cells) else None
            if (r, index + 1) in errors:
                raw = errors[(r, index + 1)]
            if raw is None and (r, index + 1) in formulas:
                problems.error(*_at((*where, index, r)), msg("formula_no_value", formula=formulas[(r, index + 1)]))
                values.append(None)
                continue
            # A value seen before in the column without a problem parses the same again: the
            # parsed value is shared (less memory, and most columns repeat a few values).
            key = (type(raw), raw)
            if key in seen:
                values.append(seen[key])
                continue
            count = len(problems.items)
            value = _parse(raw, column, (*where, index, r), problems)
            if len(problems.items) == count:
                seen[key] = value
            values.append(value)
        rows.append((r, tuple(values)))
    del grid
    return Table({c.field: i for c, i in columns.items()}, rows)


def _column(index: int) -> str:
    """A 0-based column index as Excel's letters: 0 → A, 27 → AB (openpyxl is slow to import)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _at(where: tuple) -> tuple[str, str, str]:
    """(file, sheet, column index, row) → (file, sheet, A1 address): made only when a problem needs it."""
    file, sheet, index, row = where
    return file, sheet, f"{_column(index)}{row}"


def _map_columns(file: str, header: list, sheet: Sheet, problems: Problems) -> dict[Column, int]:
    where = (file, sheet.name)
    by_name = {c.header.casefold(): c for c in sheet.columns}
    expected = ", ".join(sheet.headers)
    found: dict[Column, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, value in enumerate(header):
        if value is None or not str(value).strip():
            continue
        column = by_name.get(str(value).strip().casefold())
        address = f"{_column(index)}1"
        if column is None:
            unknown.append((index, str(value)))
        elif column in found:
            other = f"{_column(found[column])}1"
            problems.error(*where, address, msg("duplicate_column", header=column.header, other=other))
        else:
            found[column] = index
    if len(unknown) > 5:
        first, last = (f"{_column(unknown[i][0])}1" for i in (0, -1))
        problems.error(*where, first, msg("unknown_columns", count=len(unknown), first=first, last=last, expected=expected))
    else:
        for index, value in unknown:
            problems.error(*where, f"{_column(index)}1", msg("unknown_column", header=value, expected=expected))
    for column in sheet.columns:
        if column not in found and column.added:
            problems.warning(*where, "rad 1", msg("missing_added_column", header=column.header))
        elif column not in found:
            problems.error(*where, "rad 1", msg("missing_column", header=column.header))
    return found


def _parse(raw: Any, column: Column, where: tuple, problems: Problems) -> Any:
    """The typed value of one cell, or None (with a problem when it is wrong).

    `where` is (file, sheet, column index, row).
    """
    if isinstance(raw, str):
        raw = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        if raw == "":
            raw = None
    if raw is None:
        if column.required:
            problems.error(*_at(where), msg("required", header=column.header))
        return None
    kind = column.kind
    if kind in (Kind.TEXT, Kind.ID):
        text = str(raw) if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
        if kind is Kind.ID and not _ID.match(text):
            problems.error(*_at(where), msg("id", value=text))
            return None
        return text
    if kind in (Kind.CHOICE, Kind.YES_NO):
        value = str(raw)
        if value in column.choices:
            return value == "ja" if kind is Kind.YES_NO else value
        folded = {c.casefold(): c for c in column.choices}
        normal = folded.get(" ".join(value.split()).casefold())
        if normal is None:
            problems.error(*_at(where), msg("choice", value=value, noun=choice_noun(column.header), choices=", ".join(column.choices)))
            return None
        problems.warning(*_at(where), msg("normalised", value=value, normal=normal))
        return normal == "ja" if kind is Kind.YES_NO else normal
    if kind in (Kind.NUMBER, Kind.INT, Kind.YEAR):
        number = _number(raw)
        if number is None:
            problems.error(*_at(where), msg("number", value=raw))
            return None
        if kind is Kind.NUMBER:
            return number
        if not float(number).is_integer() or (kind is Kind.YEAR and not 1900 <= number <= 2100):
            problems.error(*_at(where), msg("year" if kind is Kind.YEAR else "integer", value=raw))
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
                problems.warning(*_at(where), msg("date_text", value=text))
            return text
        try:
            return dt.date(year, month, day)
        except ValueError:
            problems.error(*_at(where), msg("date", value=text))
            return None
    if kind is Kind.PERIOD:
        if isinstance(raw, (dt.date, dt.datetime)):
            return period_from_date(raw.date() if isinstance(raw, dt.datetime) else raw)
        period = parse_period(str(int(raw)) if isinstance(raw, (int, float)) else str(raw))
        if period is None:
            problems.error(*_at(where), msg("period", value=raw))
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


def _build(tables: dict[str, Table], problems: Problems, files: dict[str, str]) -> Dataset:
    """Records from the sheets in `tables`; `files` names the file each sheet was read from."""
    ds = Dataset()

    def complete(sheet: Sheet):
        """(row, address of a field, record) for rows whose required fields all parsed; the others
        already have a problem."""
        table = tables.get(sheet.name)
        if table is None:
            return
        fields = [c.field for c in sheet.columns]
        need = [i for i, c in enumerate(sheet.columns) if c.required]

        def address(r: int, field: str) -> str:
            return f"{_column(table.columns[field])}{r}"

        for r, values in table.rows:
            if all(values[i] is not None for i in need):
                yield r, functools.partial(address, r), dict(zip(fields, values))

    def unique(sheet: Sheet, key, field: str, what: str, scope=lambda rec: ""):
        seen: dict = {}
        for r, at, rec in complete(sheet):
            k = key(rec)
            if k in seen:
                problems.error(files[sheet.name], sheet.name, at(field),
                               msg("duplicate_id", what=what, value=rec[field], scope=scope(rec), other=seen[k]))
                continue
            seen[k] = at(field)
            yield r, at, rec

    for r, _, rec in unique(schema.ASSIGNMENTS, lambda x: (x["id"], x["year"]), "id", "ID",
                            lambda x: f" for {x['year']}"):
        ds.assignments.append(Assignment(**{k: v if v is not None else _default(k) for k, v in rec.items()}, row=r))
    for _, _, rec in unique(schema.INDICATOR_CATALOGUE, lambda x: x["id"], "id", "ID"):
        ds.indicators[rec["id"]] = Indicator(
            **{**rec, "decimals": rec.get("decimals") or 0, "description": rec.get("description") or ""})
    for _, _, rec in unique(schema.PARTNERSHIPS, lambda x: x["name"], "name", "Helsefellesskapet"):
        ds.partnerships.append(Partnership(**{**rec, "note": rec.get("note") or ""}))
    names = {p.name for p in ds.partnerships}

    sheet = schema.INDICATOR_VALUES
    where = (files.get(sheet.name), sheet.name)
    for _, at, rec in complete(sheet):
        if ds.indicators and rec["indicator_id"] not in ds.indicators:
            problems.error(*where, at("indicator_id"), msg("unknown_indicator", value=rec["indicator_id"]))
            continue
        if rec["geo_level"] == "helsefellesskap" and names and rec["geo"] not in names:
            problems.error(*where, at("geo"), msg("unknown_partnership", value=rec["geo"]))
            continue
        if rec["geo_level"] == "RHF" and rec["geo"] not in schema.RHFS:
            problems.error(*where, at("geo"),
                           msg("choice", value=rec["geo"], noun=choice_noun("RHF"), choices=", ".join(schema.RHFS)))
            continue
        ds.values.append(IndicatorValue(**{**rec, "note": rec["note"] or "", "source": rec["source"] or ""}))

    sheet = schema.PARTNERSHIP_STATUS
    for _, at, rec in unique(sheet, lambda x: (x["partnership"], x["year"]), "partnership", "Helsefellesskapet",
                             lambda x: f" for {x['year']}"):
        if names and rec["partnership"] not in names:
            problems.error(files[sheet.name], sheet.name, at("partnership"),
                           msg("unknown_partnership", value=rec["partnership"]))
            continue
        ds.partnership_status.append(PartnershipStatus(**{**rec, "status_text": rec.get("status_text") or ""}))
    return ds


def _default(field: str) -> Any:
    return None if field in ("deadline", "colour", "trend", "estimated_completion") else ""
