"""`rapport nytt-aar YEAR`: roll the project forward to a new reporting year.

Every assignment that is not Levert or Avsluttet gets a row for YEAR (and so does each of its
deliveries not yet delivered) with its ID, title, area, type, deadline and responsible
department kept, and its status texts, colour and trend emptied for the writers; helsefellesskap status rows likewise. Every file changed is
backed up first, and nothing is written when there is any problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from report.content.changes import DONE
from report.content.norsk import format_date
from report.data import schema
from report.data.config import CONFIG_FILE, load_config
from report.data.load import load_dataset
from report.data.problems import DataError
from report.data.workbooks import as_row, write_workbook
from report.workflow.backup import back_up, refuse_open
from report.workflow.release import keep_release


class RolloverError(Exception):
    pass


def roll_over(root: Path, year: int, date: dt.date | None = None, now: dt.datetime | None = None) -> list[str]:
    """Roll forward to `year`; `date` (in that year) is the new report's date, else it is left
    for the editor to set (and `rapport sjekk` warns until it is)."""
    config = load_config(root)
    if year != config.year + 1:
        raise RolloverError(f"Rapporteringsåret er {config.year}; neste år er {config.year + 1}, ikke {year}.")
    if date is not None and date.year != year:
        raise RolloverError(f"Datoen {date:%d.%m.%Y} er ikke i {year}. Ingenting er endret.")
    dataset, problems = load_dataset(config.data_dir)
    if problems.errors:
        raise DataError(problems)
    if dataset.assignments_for(year) or dataset.status_for(year):
        raise RolloverError(f"Det finnes allerede rader for {year} i data/. Ingenting er endret.")
    going_on = {a.id for a in dataset.assignments_for(config.year) if a.status not in DONE}
    carried = [dataclasses.replace(a, year=year, status_text="", overall_status="", colour=None, trend=None)
               for a in dataset.rows_for(config.year) if a.id in going_on and (a.status not in DONE or not a.part)]
    status = [dataclasses.replace(s, year=year, status_text="") for s in dataset.status_for(config.year)]

    changed = [config.data_dir / "oppdrag.xlsx", config.data_dir / "helsefellesskap.xlsx", root / CONFIG_FILE]
    refuse_open(changed)
    kept = keep_release(root, config.year)  # this year's numbers, for next year's «rapport endringer»
    backup, stamp = back_up(config.data_dir, changed, now)

    created = dt.datetime.combine(config.date, dt.time())
    write_workbook(config.data_dir / "oppdrag.xlsx", schema.ASSIGNMENTS_BOOK,
                   {"Oppdrag": [as_row(a) for a in dataset.assignments + carried]}, created=created)
    write_workbook(config.data_dir / "helsefellesskap.xlsx", schema.PARTNERSHIPS_BOOK,
                   {"Helsefellesskap": [as_row(p) for p in dataset.partnerships],
                    "Status": [as_row(s) for s in dataset.partnership_status + status]}, created=created)
    settings = root / CONFIG_FILE
    text = re.sub(r"(?m)^aar\s*=\s*\d{4}", f"aar = {year}", settings.read_text(encoding="utf-8"))
    if date is not None:
        text = re.sub(r"(?m)^dato\s*=\s*\S+", f"dato = {date.isoformat()}", text)
    settings.write_text(text, encoding="utf-8")
    when = (f"Rapporten dateres {format_date(date)}." if date else
            f"Sett datoen rapporten leveres i {CONFIG_FILE} (dato = ÅÅÅÅ-MM-DD); til da står fjorårets dato, "
            "og «rapport sjekk» minner deg på det.")
    return [
        f"Rapporteringsåret er nå {year} (i {CONFIG_FILE}). {when}",
        f"{len(going_on)} oppdrag som ikke er levert eller avsluttet, har fått en rad for {year} "
        "med tom statustekst, farge og trend" + (f" (og {len(carried) - len(going_on)} delleveranser som ikke er "
                                                 "levert, hver sin rad)." if len(carried) > len(going_on) else "."),
        f"{len(status)} helsefellesskap har fått en statusrad for {year} med tom statustekst.",
        f"Sikkerhetskopier av filene som ble endret, ligger i {backup.relative_to(config.root)}/ (merket {stamp}).",
        kept,
    ]
