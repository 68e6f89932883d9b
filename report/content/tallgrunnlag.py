"""The numbers behind the report: `tallgrunnlag-YEAR.xlsx`, one sheet per figure and generated table.

Laid out as the UK Analysis Function's guidance for releasing statistics in spreadsheets
(the practice the `gptables` library encodes): a cover sheet, a contents sheet linking to
every sheet, and one table per sheet with its title, unit, source and notes in the rows
above it; a single bold header row, frozen below and marked as an Excel table; no merged
cells; numbers stored as numbers and dates as dates. Written with openpyxl rather than
gptables, which turns "[text](url)" in any cell into a live link and writes dates as bare
serial numbers: here spreadsheet text stays data, and text starting with "=", "+", "-" or
"@" is stored as text with Excel's quote prefix, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo

from report.content import palette
from report.content.blocks import by_area
from report.content.figures import shown_series, source_line
from report.content.norsk import format_date_short, format_value
from report.data import schema
from report.data.config import Config
from report.data.files import write_atomically
from report.data.model import Dataset, Indicator
from report.data.problems import DataError, Problems
from report.data.workbooks import workbook_bytes

COVER, CONTENTS = "Forside", "Innhold"
DATE_FORMAT = "DD.MM.YYYY"
MAX_WIDTH = 60  # characters; longer text wraps
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_YES_NO = {True: "ja", False: "nei", None: None}


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None  # for a column of numbers
    fills: dict[str, str] = field(default_factory=dict)  # cell value → fill colour (the word stays)


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str  # also the sheet's line in the contents
    notes: list[str]  # the lines between the title and the table: unit, source, what a row is
    columns: list[Column]
    rows: list[list]


def sheet_name(indicator_id: str) -> str:
    """The sheet holding the numbers of the figure of `indicator_id`: 'A10' → 'Figur A10'."""
    return f"Figur {indicator_id}"[:31]  # Excel's limit; IDs hold only letters, digits and '-'


def write_tallgrunnlag(dataset: Dataset, config: Config, indicators: list[Indicator], path: Path) -> None:
    """Write the workbook with a sheet for each of `indicators` (the figures the report shows)
    to `path`, replacing it atomically; the same data gives the same bytes."""
    _check_unique_names(indicators)
    sheets = [_figure_sheet(i, dataset) for i in indicators]
    sheets += [_overview_sheet(dataset, config.year), _partnership_sheet(dataset, config.year),
               _appendix7_sheet(dataset, config.year)]
    wb = Workbook()
    _write_cover(wb.active, dataset, config, indicators)
    _write_sheet(wb.create_sheet(CONTENTS), _contents(sheets))
    for sheet in sheets:
        _write_sheet(wb.create_sheet(sheet.name), sheet)
    for ws in wb.worksheets:  # printed: landscape, every column on the page
        _fit_row_heights(ws)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = f"Tallgrunnlag {config.year}: {config.title}"
    wb.properties.creator = wb.properties.lastModifiedBy = config.author
    wb.properties.language = "nb-NO"
    write_atomically(path, workbook_bytes(wb, dt.datetime.combine(config.date, dt.time())))


def _check_unique_names(indicators: list[Indicator]) -> None:
    """Excel compares sheet names without case, and cuts them at 31 characters."""
    seen: dict[str, str] = {}
    problems = Problems()
    for ind in indicators:
        other = seen.setdefault(sheet_name(ind.id).casefold(), ind.id)
        if other != ind.id:
            problems.error(schema.INDICATORS_BOOK.filename, schema.INDICATOR_CATALOGUE.name, None,
                           f"indikatorene «{other}» og «{ind.id}» får samme ark i tallgrunnlaget "
                           f"(«{sheet_name(ind.id)}»). ID-ene må være ulike i de første 25 tegnene, "
                           "uten hensyn til store og små bokstaver.")
    if problems.errors:
        raise DataError(problems)


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _figure_sheet(ind: Indicator, dataset: Dataset) -> Sheet:
    values = dataset.values_for(ind.id)
    shown, selection = shown_series(values)
    in_figure = {id(v) for series in shown.values() for v in series}
    notes = [f"Enhet: {ind.unit}.", source_line(ind, values)]
    if ind.target is not None:
        notes.append(f"Mål i planen: {format_value(ind.target, ind.decimals, ind.unit)} ({ind.direction}).")
    if ind.description:
        notes.append(ind.description)
    notes += [selection, "Én rad per periode og geografi. Kolonnen «Vist i figuren» sier hvilke verdier "
                         "figuren i rapporten viser."]
    columns = [Column("Periode"), Column("Fra", DATE_FORMAT), Column("Til", DATE_FORMAT), Column("Geografinivå"),
               Column("Geografi"), Column(f"Verdi ({ind.unit})", _number_format(ind.decimals)),
               Column("Vist i figuren"), Column("Merknad"), Column("Kilde")]
    rows = [[v.period.label, v.period.start, v.period.end, v.geo_level, v.geo, v.value,
             _YES_NO[id(v) in in_figure], v.note, v.source or ind.source] for v in values]
    return Sheet(sheet_name(ind.id), ind.name, [n for n in notes if n], columns, rows)


def _overview_sheet(dataset: Dataset, year: int) -> Sheet:
    notes = [f"Kilde: Helsedirektoratet ({schema.ASSIGNMENTS_BOOK.filename}).",
             f"Én rad per oppdrag i {year}, ordnet etter område som i oversikten i kapitlet om oppdragene. "
             "Fremdrift er en farge (grønn, gul, rød) og trenden fremover; tom celle betyr ikke oppgitt."]
    columns = [Column("Område"), Column("ID"), Column("Oppdrag"), Column("Type"),
               Column("Status", fills=palette.STATUS_FILLS), Column("Frist", DATE_FORMAT),
               Column("Fremdrift", fills=palette.COLOUR_FILLS), Column("Trend"), Column("Ansvarlig")]
    rows = [[area, a.id, a.shown_title, a.type, a.status, a.deadline, a.colour, a.trend, a.responsible]
            for area, items in by_area(dataset.assignments_for(year)) for a in items]
    return Sheet("Oppdrag", f"Oversikt over oppdragene {year}", notes, columns, rows)


def _partnership_sheet(dataset: Dataset, year: int) -> Sheet:
    status = {s.partnership: s for s in dataset.status_for(year)}
    notes = [f"Kilde: Helsedirektoratet ({schema.PARTNERSHIPS_BOOK.filename}).",
             f"Én rad per helsefellesskap, ordnet etter RHF som i vedlegg 2. Status per {year}."]
    columns = [Column("RHF"), Column("Nr", "0"), Column("Helsefellesskap"), Column("Helseforetak"),
               Column("Antall kommuner", "0"), Column("Formelt etablert"), Column("Kommunalt sekretariat"),
               Column(f"Status {year}")]
    order = {rhf: n for n, rhf in enumerate(schema.RHFS)}
    rows = []
    for p in sorted(dataset.partnerships, key=lambda p: (order[p.rhf], p.number)):
        s = status.get(p.name)
        rows.append([p.rhf, p.number, p.name, p.health_trust, p.municipalities,
                     _YES_NO[s.established if s else None], _YES_NO[s.secretariat if s else None],
                     s.status_text if s else None])
    return Sheet("Vedlegg 2", f"Status per helsefellesskap {year} (vedlegg 2)", notes, columns, rows)


def _appendix7_sheet(dataset: Dataset, year: int) -> Sheet:
    notes = [f"Kilde: Helsedirektoratet ({schema.ASSIGNMENTS_BOOK.filename}).",
             f"Én rad per oppdrag i {year} (og én per delleveranse), med tekstene fra tabellene i vedlegg 7."]
    columns = [Column("ID"), Column("Oppdrag"), Column("Område")]
    columns += [Column(h, DATE_FORMAT if f == "estimated_completion" else None) for h, f in schema.APPENDIX7_TEXTS]
    rows = [[a.id, a.shown_title, area, *(getattr(d, f) for _, f in schema.APPENDIX7_TEXTS)]
            for area, items in by_area(dataset.assignments_for(year)) for a in items for d in dataset.deliveries(a)]
    return Sheet("Vedlegg 7", f"Rapportering på enkeltoppdrag {year} (vedlegg 7)", notes, columns, rows)


def _contents(sheets: list[Sheet]) -> Sheet:
    notes = ["Én rad per ark. Klikk på et arknavn for å gå til arket."]
    return Sheet(CONTENTS, "Innhold", notes, [Column("Ark"), Column("Innhold")],
                 [[s.name, s.title] for s in sheets])


def _write_cover(ws, dataset: Dataset, config: Config, indicators: list[Indicator]) -> None:
    ws.title = COVER
    sources = sorted({v.source or i.source for i in indicators for v in dataset.values_for(i.id)})
    real = [s for s in sources if "illustrativ" not in s]
    basis = (f"Indikatorene: {', '.join(real)}. " if real else "") + f"Oppdrag og helsefellesskap: {config.author}."
    notes = [
        f"Arbeidsboken har tallene bak figurene og tabellene i rapporten for {config.year}, ett ark per figur "
        f"eller tabell. Arket «{CONTENTS}» lenker til hvert ark.",
        "Hvert ark har én tabell. Over tabellen står enhet, kilde og hva en rad er.",
        "Tallene er lagret med full presisjon; rapporten viser dem avrundet.",
        "Tom celle betyr at verdien ikke er oppgitt.",
    ]
    if len(real) < len(sources):
        notes.append("Verdier der kolonnen Kilde sier «illustrativ», er eksempeldata, ikke offisielle tall.")
    _text(ws.cell(1, 1), f"Tallgrunnlag: {config.title}").font = Font(bold=True, size=14)
    lines = [("Rapporteringsår", config.year), ("Utgiver", config.author), ("Dato", config.date),
             ("Kilder", basis)] + ([("Kontakt", config.contact)] if config.contact else [])
    lines += [("Merknader" if n == 0 else None, note) for n, note in enumerate(notes)]
    for row, (label, value) in enumerate(lines, start=3):
        if label:
            _text(ws.cell(row, 1), label).font = Font(bold=True)
            ws.cell(row, 1).alignment = Alignment(vertical="top")
        cell = _text(ws.cell(row, 2), value)
        cell.alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 90


def _write_sheet(ws, sheet: Sheet) -> None:
    _text(ws.cell(1, 1), sheet.title).font = Font(bold=True, size=13)
    for row, note in enumerate(sheet.notes, start=2):
        _text(ws.cell(row, 1), note)
    header = len(sheet.notes) + 2
    for col, column in enumerate(sheet.columns, start=1):
        _text(ws.cell(header, col), column.header).font = Font(bold=True)
    for r, values in enumerate(sheet.rows, start=header + 1):
        for col, (column, value) in enumerate(zip(sheet.columns, values), start=1):
            cell = _text(ws.cell(r, col), value)
            if column.number_format and isinstance(value, (int, float, dt.date)):
                cell.number_format = column.number_format
            if isinstance(value, str) and value in column.fills:
                cell.fill = PatternFill("solid", fgColor=column.fills[value])
            wrap = isinstance(value, str) and ("\n" in value or len(value) > MAX_WIDTH)
            cell.alignment = Alignment(wrap_text=wrap, vertical="top")
    if sheet.name == CONTENTS:
        for r, (name, _) in enumerate(sheet.rows, start=header + 1):
            ws.cell(r, 1).hyperlink = Hyperlink(ref=f"A{r}", location=f"'{name}'!A1", display=name)
            ws.cell(r, 1).style = "Hyperlink"
    last_col = get_column_letter(len(sheet.columns))
    last_row = header + max(len(sheet.rows), 1)  # an Excel table holds at least one row
    table = Table(displayName=f"Tabell_{sheet.name.replace(' ', '_').replace('-', '_')}",
                  ref=f"A{header}:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)
    ws.freeze_panes = f"A{header + 1}"
    for col, column in enumerate(sheet.columns, start=1):
        texts = [column.header] + [_shown(row[col - 1]) for row in sheet.rows]
        longest = max(len(line) for text in texts for line in text.split("\n"))
        ws.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 8), MAX_WIDTH)


def _fit_row_heights(ws) -> None:
    """Rows tall enough for their wrapped text: LibreOffice does not fit them when it opens a file."""
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                width = max(int(ws.column_dimensions[cell.column_letter].width) - 2, 1)
                lines = max(lines, sum(math.ceil(max(len(part), 1) / width) for part in cell.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * lines


def _shown(value) -> str:
    """Roughly the text a cell shows, for its column's width."""
    if value is None:
        return ""
    return format_date_short(value) if isinstance(value, dt.date) else str(value)


def _text(cell, value):
    """Set `cell` to `value`; text is always stored as text, never as a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)  # control characters XML cannot hold
    cell.value = value if value != "" else None
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True  # as Excel stores text typed after an apostrophe
    return cell
