"""Test helper: valid workbooks written with the project's writer, then broken one way at a time."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl

from report.data import schema
from report.data.workbooks import write_workbook

CREATED = dt.datetime(2022, 10, 19)


def assignment(**over) -> dict:
    row = dict(id="SAM-01", year=2022, title="Utskrivningsprosessen", area="samhandling", type="opprinnelig",
               deadline=dt.date(2022, 9, 15), status="Levert", colour="grønn", trend="bedre",
               responsible="Avdeling spesialisthelsetjenester", status_text="Rapport levert.\n- punkt en\n- punkt to",
               estimated_completion="1. kvartal 2023")
    return {**row, **over}


def valid_rows() -> dict[str, list[dict]]:
    return {
        "Oppdrag": [assignment(), assignment(id="SAM-02", title="Veileder", status="I rute", colour="gul")],
        "Katalog": [dict(id="C02", name="Hjerneslag: funksjonsvurdering innen 7 dager", unit="prosent",
                         area="akuttmedisin", source="Norsk hjerneslagregister", target=80.0,
                         direction="høyere er bedre", decimals=1)],
        "Verdier": [dict(indicator_id="C02", period="2021 T1", geo_level="land", geo="Norge", value=80.4),
                    dict(indicator_id="C02", period="2022", geo_level="helsefellesskap",
                         geo="Helsefellesskap Agder", value=81.0)],
        "Helsefellesskap": [dict(number=6, name="Helsefellesskap Agder", health_trust="Sørlandet sykehus HF",
                                 rhf="Helse Sør-Øst", municipalities=25, first_meeting="januar 2020")],
        "Status": [dict(year=2022, partnership="Helsefellesskap Agder", established=True, secretariat=True,
                        status_text="Seks samhandlingsråd.")],
    }


def write_data(folder: Path, rows: dict[str, list[dict]] | None = None) -> Path:
    rows = rows or valid_rows()
    folder.mkdir(parents=True, exist_ok=True)
    for book in schema.WORKBOOKS:
        write_workbook(folder / book.filename, book, {s.name: rows[s.name] for s in book.sheets}, created=CREATED)
    return folder


def edit(path: Path, sheet: str, **cells) -> None:
    """Set cells (A1-style keyword names) in one sheet of a workbook."""
    wb = openpyxl.load_workbook(path)
    for address, value in cells.items():
        wb[sheet][address] = value
    wb.save(path)


def add_sheet(path: Path, title: str, state: str = "visible") -> None:
    wb = openpyxl.load_workbook(path)
    wb.create_sheet(title).sheet_state = state
    wb.save(path)


def rewrite_member(path: Path, member: str, transform) -> None:
    """Replace one zip member of a workbook by `transform` of its bytes."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, transform(data) if info.filename == member else data)


def sheet_member(path: Path, title: str) -> str:
    """The zip member holding the worksheet called `title`."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb[title]._worksheet_path.lstrip("/")
    finally:
        wb.close()
