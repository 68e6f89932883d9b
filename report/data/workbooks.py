"""Writing workbooks in the layout of `report.schema`: the sample data and innspill workbooks,
and changing cells in place in a writer's workbook (`update_rows`).

Every data sheet gets a bold, frozen header row and Excel data validation on the
controlled columns (drop-down lists), so a writer in Excel cannot type an invalid
value there; a first sheet `Veiledning` explains every column. The same input gives
the same bytes (fixed timestamps), so regenerated files do not show as changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import warnings
import zipfile
from pathlib import Path
from typing import Callable

import openpyxl
from openpyxl import Workbook as XlWorkbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.writer.excel import ExcelWriter

from report.data import schema
from report.data.files import write_atomically
from report.data.schema import Kind

VALIDATED_ROWS = 5000
_WIDTH = {Kind.TEXT: 50, Kind.ID: 10, Kind.YEAR: 8, Kind.INT: 10, Kind.NUMBER: 12, Kind.YES_NO: 12}


def write_workbook(path: Path, book: schema.Workbook, rows: dict[str, list[dict]], *, created: dt.datetime,
                   properties: dict[str, str] | None = None, locked: tuple[str, ...] = ()) -> None:
    """Write `rows` (per sheet name, dicts keyed by Column.field) to `path`, replacing it atomically.

    `properties` become custom document properties (Excel keeps them when a file is saved again).
    With `locked` fields, the data sheets are protected (no password): those columns and the
    header cannot be changed, nor rows added or deleted; the other cells stay editable.
    """
    wb = XlWorkbook()
    guide = wb.active
    guide.title = schema.GUIDE_SHEET
    _write_guide(guide, book)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        _write_sheet(ws, sheet, rows.get(sheet.name, []))
        if locked:
            _protect(ws, sheet, locked)
    wb.properties.creator = "Helsedirektoratet"
    for name, value in (properties or {}).items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    write_atomically(path, workbook_bytes(wb, created))


# openpyxl's warnings about what it drops, in the writer's words
_DROPPED = {"Data Validation": "nedtrekkslister av nyere Excel-typen", "Conditional Formatting": "betinget formatering",
            "Slicer": "slicere"}


class Unkept(Exception):
    """A workbook holds something openpyxl would drop when it saves the file again."""


def update_rows(path: Path, sheet: schema.Sheet, rows: dict[int, dict], *, properties: dict[str, str],
                check: Callable[[Path], None]) -> None:
    """Set cells of `sheet` in the workbook at `path` (worksheet row → field → value) and custom
    document properties, keeping everything else: other sheets, comments, fills, widths,
    validations, charts and images. The result is written beside `path` and checked with
    `check` (which raises to abandon it) before it replaces `path`. Raises Unkept, writing
    nothing, when the workbook holds what openpyxl cannot keep (shapes, Excel 2010 extensions).
    """
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        wb = openpyxl.load_workbook(path)
    dropped = sorted({next((words for key, words in _DROPPED.items() if key in str(w.message)), "Excel-utvidelser")
                      for w in seen if "will be removed" in str(w.message)})
    if dropped:
        raise Unkept(", ".join(dropped))
    ws = wb[sheet.name]
    by_header = {str(c.value).strip().casefold(): c.column for c in ws[1] if c.value is not None}
    columns = {c.field: by_header[c.header.casefold()] for c in sheet.columns}
    for row, values in rows.items():
        for field, value in values.items():
            cell = ws.cell(row, columns[field])
            cell.value = _cell_value(value, next(c for c in sheet.columns if c.field == field))
            if cell.data_type == "f":  # text that starts with "=" is text, never a formula
                cell.data_type = "s"
            if isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    for name, value in properties.items():
        if name in wb.custom_doc_props.names:
            del wb.custom_doc_props[name]
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    buffer = io.BytesIO()
    wb.save(buffer)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")  # calamine knows a workbook by its suffix
    try:
        tmp.write_bytes(buffer.getvalue())
        if _shapes(tmp) < _shapes(path):
            raise Unkept("figurer eller tekstbokser")
        check(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _shapes(path: Path) -> int:
    """How many drawn shapes (text boxes, arrows, groups) the workbook's drawings hold."""
    with zipfile.ZipFile(path) as z:
        return sum(z.read(n).count(tag) for n in z.namelist() if n.startswith("xl/drawings/") and n.endswith(".xml")
                   for tag in (b"<xdr:sp>", b"<xdr:sp ", b"<xdr:cxnSp", b"<xdr:grpSp"))


def as_row(record) -> dict:
    """A model record (Assignment, …) as a row for `write_workbook`: its fields, without `row`."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name != "row"}


def _write_sheet(ws, sheet: schema.Sheet, rows: list[dict]) -> None:
    ws.append(sheet.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([_cell_value(row.get(c.field), c) for c in sheet.columns])
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _WIDTH.get(column.kind, 18)
        if column.kind is Kind.TEXT:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.kind is Kind.DATE_OR_TEXT:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD.MM.YYYY"
        validation = _validation(column)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")


def _protect(ws, sheet: schema.Sheet, locked: tuple[str, ...]) -> None:
    editable = Protection(locked=False)
    for index, column in enumerate(sheet.columns, start=1):
        if column.field not in locked:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.protection = editable
    # Writers may still resize and format rows and columns, but not insert or delete them.
    ws.protection = SheetProtection(sheet=True, formatCells=False, formatColumns=False, formatRows=False)


def _cell_value(value, column: schema.Column):
    if column.kind is Kind.YES_NO and isinstance(value, bool):
        return "ja" if value else "nei"
    if hasattr(value, "label"):  # a Period
        return value.label
    return value


def _validation(column: schema.Column) -> DataValidation | None:
    common = dict(showErrorMessage=True, errorTitle="Ugyldig verdi", allow_blank=not column.required)
    if column.kind in (Kind.CHOICE, Kind.YES_NO):
        return DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                              error=f"Velg en av: {', '.join(column.choices)}", **common)
    if column.kind in (Kind.YEAR, Kind.INT):
        low, high = (1900, 2100) if column.kind is Kind.YEAR else (0, 10**9)
        return DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                              error="Skriv et heltall.", **common)
    if column.kind is Kind.NUMBER:
        return DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                              error="Skriv et tall.", **common)
    return None


def _write_guide(ws, book: schema.Workbook) -> None:
    ws.append([book.help])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Fyll ut arkene med én rad per linje som beskrevet. Kolonner med nedtrekksliste godtar bare verdiene i listen."])
    for sheet in book.sheets:
        ws.append([])
        ws.append([f"Arket «{sheet.name}»: {sheet.help}"])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(["Kolonne", "Påkrevd", "Type", "Tillatte verdier", "Forklaring"])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for c in sheet.columns:
            ws.append([c.header, "ja" if c.required else "nei", c.kind.value, ", ".join(c.choices), c.help])
    for letter, width in zip("ABCDE", (28, 9, 10, 40, 90)):
        ws.column_dimensions[letter].width = width


def workbook_bytes(wb: XlWorkbook, when: dt.datetime) -> bytes:
    """The workbook as .xlsx bytes dated `when` throughout, so equal content gives equal bytes
    (openpyxl's own save stamps the modified time with the current time)."""
    wb.properties.created = wb.properties.modified = when
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip_times(buffer.getvalue(), when)


def _fixed_zip_times(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the zip with every entry dated `when`, so equal content gives equal bytes."""
    out = io.BytesIO()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
