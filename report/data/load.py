"""The workbooks as one validated dataset: records built from the typed tables, checked against
each other (unique IDs, known indicators and partnerships), every problem reported at once."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report.data import schema
from report.data.cells import column_letter
from report.data.messages import choice_noun, did_you_mean, msg
from report.data.model import Assignment, Dataset, Indicator, IndicatorValue, Partnership, PartnershipStatus
from report.data.problems import Problems
from report.data.schema import Sheet
from report.data.sheets import ReadWorkbook, Table, read_workbook

if TYPE_CHECKING:
    from report.data.cache import WorkbookCache

PART_LENGTH = 100  # a delivery's name is short: it names the row in messages and the innspill round

__all__ = ["ReadWorkbook", "load_assignments", "load_dataset", "read_workbook"]


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
            return f"{column_letter(table.columns[field])}{r}"

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

    for r, at, rec in unique(schema.ASSIGNMENTS, lambda x: (x["id"], x["year"], x["part"] or ""), "id", "ID",
                            lambda x: f" for {x['year']}" + (f" med delleveransen «{x['part']}»" if x["part"] else "")):
        if rec["part"] and len(rec["part"]) > PART_LENGTH:
            problems.error(files[schema.ASSIGNMENTS.name], schema.ASSIGNMENTS.name, at("part"),
                           msg("too_long", header="Delleveranse", length=len(rec["part"]), most=PART_LENGTH))
            continue
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
            problems.error(*where, at("indicator_id"), msg("unknown_indicator", value=rec["indicator_id"],
                                                                hint=did_you_mean(rec["indicator_id"], ds.indicators)))
            continue
        if rec["geo_level"] == "helsefellesskap" and names and rec["geo"] not in names:
            problems.error(*where, at("geo"), msg("unknown_partnership", value=rec["geo"], hint=did_you_mean(rec["geo"], names)))
            continue
        if rec["geo_level"] == "RHF" and rec["geo"] not in schema.RHFS:
            problems.error(*where, at("geo"),
                           msg("choice", value=rec["geo"], noun=choice_noun("RHF"), choices=", ".join(schema.RHFS),
                               hint=did_you_mean(rec["geo"], schema.RHFS)))
            continue
        ds.values.append(IndicatorValue(**{**rec, "note": rec["note"] or "", "source": rec["source"] or ""}))

    sheet = schema.PARTNERSHIP_STATUS
    for _, at, rec in unique(sheet, lambda x: (x["partnership"], x["year"]), "partnership", "Helsefellesskapet",
                             lambda x: f" for {x['year']}"):
        if names and rec["partnership"] not in names:
            problems.error(files[sheet.name], sheet.name, at("partnership"),
                           msg("unknown_partnership", value=rec["partnership"],
                               hint=did_you_mean(rec["partnership"], names)))
            continue
        ds.partnership_status.append(PartnershipStatus(**{**rec, "status_text": rec.get("status_text") or ""}))
    return ds


def _default(field: str) -> Any:
    return None if field in ("deadline", "colour", "trend", "estimated_completion") else ""
