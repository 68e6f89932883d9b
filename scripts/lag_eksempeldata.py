"""Writes the sample workbooks in data/ from the CSV files in scripts/eksempeldata/.

    .venv/bin/python scripts/lag_eksempeldata.py [MAPPE]   (standard: data/)

The sample holds real figures from the 2022 report (../shared/domain); every invented
value says «illustrativ» in its source or text. Overwrites the workbooks in MAPPE:
run it only to reset the sample, never on a folder with writers' edits.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report.data import schema  # noqa: E402
from report.data.config import load_config  # noqa: E402
from report.data.periods import parse_period  # noqa: E402
from report.data.schema import Kind  # noqa: E402
from report.data.workbooks import write_workbook  # noqa: E402

SOURCES = {
    "Oppdrag": "oppdrag.csv",
    "Katalog": "indikatorer-katalog.csv",
    "Verdier": "indikatorer-verdier.csv",
    "Helsefellesskap": "helsefellesskap.csv",
    "Status": "helsefellesskap-status.csv",
}


def _typed(text: str, column: schema.Column):
    if text == "":
        return None
    if column.kind in (Kind.INT, Kind.YEAR):
        return int(text)
    if column.kind is Kind.NUMBER:
        return float(text)
    if column.kind is Kind.DATE_OR_TEXT:
        period = parse_period(text)
        return period.start if period is not None and period.kind == "date" else text
    return text


def sample_rows(sheet: schema.Sheet) -> list[dict]:
    path = ROOT / "scripts" / "eksempeldata" / SOURCES[sheet.name]
    with path.open(encoding="utf-8", newline="") as f:
        return [{c.field: _typed(row[c.field], c) for c in sheet.columns} for row in csv.DictReader(f)]


def write_sample(folder: Path) -> None:
    created = dt.datetime.combine(load_config(ROOT).date, dt.time())
    folder.mkdir(parents=True, exist_ok=True)
    for book in schema.WORKBOOKS:
        rows = {sheet.name: sample_rows(sheet) for sheet in book.sheets}
        write_workbook(folder / book.filename, book, rows, created=created)


if __name__ == "__main__":
    write_sample(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data")
