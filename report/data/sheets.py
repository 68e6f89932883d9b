"""Reading one workbook's sheets into tables of typed cells: the header row mapped to the schema's
columns, every problem found in the file alone reported at once. Cell values are read with
calamine (fast, little memory); openpyxl is used only for the rare sheets that hold formulas
or error cells, to name a formula that has no stored value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import python_calamine

from report.data import schema
from report.data.cells import at, cell, column_letter, parse
from report.data.container import safe_container
from report.data.messages import did_you_mean, msg
from report.data.problems import Problem, Problems
from report.data.schema import Column, Sheet

MAX_ROWS = 1_000_000


class Table(NamedTuple):
    """One sheet's rows: values in the order of `Sheet.columns`, and where each field's column is."""

    columns: dict[str, int]  # field → 0-based worksheet column, for the fields found in row 1
    rows: list[tuple[int, tuple]]  # (worksheet row number, values)


@dataclass(frozen=True)


class ReadWorkbook:
    """What one workbook holds before the workbooks are checked against each other."""

    tables: dict[str, Table]
    problems: tuple[Problem, ...]


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
    special = safe_container(path, problems)
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
        # a sheet whose name differs only in case or spaces at the ends («oppdrag ») is read, with a warning
        in_order = [m.name for m in sheets if m.name in visible]
        folded = {name.strip().casefold(): name for name in reversed(in_order)}  # the first wins
        names = {s.name: s.name if s.name in visible else folded.get(s.name.strip().casefold()) for s in book.sheets}
        cells = _special_cells(path, [n for n in names.values() if n], special)
        for sheet in book.sheets:
            name = names[sheet.name]
            if name is None:
                present = ", ".join(f"«{n}»" for n in in_order) or "ingen synlige ark"
                problems.error(file, None, None, msg("missing_sheet", sheet=sheet.name, present=present,
                                                     hint=did_you_mean(sheet.name, visible)))
                continue
            if name != sheet.name:
                problems.warning(file, name, None, msg("sheet_name", sheet=sheet.name))
            ws = workbook.get_sheet_by_name(name)
            tables[sheet.name] = _read_sheet(file, name, ws, cells.get(name, ({}, {})), sheet, problems)
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


def _blank(cells: list) -> bool:
    """Whether a row of calamine values holds nothing but empty cells and spaces."""
    for v in cells:
        if v != "" and (type(v) is not str or v.strip()):
            return False
    return True


def _read_sheet(file: str, name: str, ws, special: tuple[dict, dict], sheet: Sheet, problems: Problems) -> Table:
    """The sheet `name` in the file, read as `sheet` describes it."""
    where = (file, name)
    height = ws.end[0] + 1 if ws.end else 0
    if height > MAX_ROWS:
        problems.error(*where, None, msg("too_many_rows", rows=height, limit=MAX_ROWS))
        return Table({}, [])
    for (top, left), (bottom, right) in sorted(ws.merged_cell_ranges or []):
        first = f"{column_letter(left)}{top + 1}"
        problems.error(*where, first, msg("merged", range=f"{first}:{column_letter(right)}{bottom + 1}"))
    grid = ws.to_python(skip_empty_area=False)
    if (moved := _header_row(grid, sheet)) is not None:  # one message, not one per column
        problems.error(*where, f"A{moved + 1}", msg("header_row", row=moved + 1))
        return Table({}, [])
    header = [cell(v) for v in grid[0]] if grid else []
    columns = _map_columns(file, name, header, sheet, problems)
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
            raw = cell(cells[index]) if index < len(cells) else None
            if (r, index + 1) in errors:
                raw = errors[(r, index + 1)]
            if raw is None and (r, index + 1) in formulas:
                problems.error(*at((*where, index, r)), msg("formula_no_value", formula=formulas[(r, index + 1)]))
                values.append(None)
                continue
            # A value seen before in the column without a problem parses the same again: the
            # parsed value is shared (less memory, and most columns repeat a few values).
            key = (type(raw), raw)
            if key in seen:
                values.append(seen[key])
                continue
            count = len(problems.items)
            value = parse(raw, column, (*where, index, r), problems)
            if len(problems.items) == count:
                seen[key] = value
            values.append(value)
        rows.append((r, tuple(values)))
    del grid
    return Table({c.field: i for c, i in columns.items()}, rows)


def _header_row(grid: list[list], sheet: Sheet) -> int | None:
    """The row (from 0) that holds the sheet's headers when it is not the first (rows above it,
    a title typed over the table), or None."""
    headers = {h.casefold() for h in sheet.headers}

    def matches(row: list) -> int:
        return sum(1 for v in row if isinstance(v, str) and v.strip().casefold() in headers)

    if not grid or matches(grid[0]):
        return None
    return next((i for i, row in enumerate(grid[1:10], start=1) if matches(row) >= min(2, len(headers))), None)


def _map_columns(file: str, name: str, header: list, sheet: Sheet, problems: Problems) -> dict[Column, int]:
    where = (file, name)
    by_name = {c.header.casefold(): c for c in sheet.columns}
    expected = ", ".join(sheet.headers)
    found: dict[Column, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, value in enumerate(header):
        if value is None or not str(value).strip():
            continue
        column = by_name.get(str(value).strip().casefold())
        address = f"{column_letter(index)}1"
        if column is None:
            unknown.append((index, str(value)))
        elif column in found:
            other = f"{column_letter(found[column])}1"
            problems.error(*where, address, msg("duplicate_column", header=column.header, other=other))
        else:
            found[column] = index
    if len(unknown) > 5:
        first, last = (f"{column_letter(unknown[i][0])}1" for i in (0, -1))
        problems.error(*where, first, msg("unknown_columns", count=len(unknown), first=first, last=last, expected=expected))
    else:
        for index, value in unknown:
            problems.error(*where, f"{column_letter(index)}1", msg("unknown_column", header=value, expected=expected))
    for column in sheet.columns:
        if column not in found and column.added:
            problems.warning(*where, "rad 1", msg("missing_added_column", header=column.header))
        elif column not in found:
            problems.error(*where, "rad 1", msg("missing_column", header=column.header))
    return found
