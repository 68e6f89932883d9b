"""The numbers behind the report: tallgrunnlag-YEAR.xlsx read back as an analyst (and LibreOffice) would."""

import dataclasses
import datetime as dt
import os
import re
import subprocess
import zipfile

import openpyxl
import pytest
from helpers.clients import needs

from report.build import build
from report.content import palette
from report.content.figures import shown_series
from report.content.references import find_references
from report.content.tallgrunnlag import sheet_name, write_tallgrunnlag
from report.data.config import load_config
from report.data.load import load_dataset
from report.data.model import IndicatorValue
from report.data.periods import parse_period
from report.data.problems import DataError
from report.publish.documents import workbook_name

HOSTILE = ['=HYPERLINK("http://example.com","klikk")', "+1+1", "-2+3", "@SUM(1)", "=1+1",
           "[lenke](http://example.com)", "{{< env HOME >}}"]


@pytest.fixture
def sample(project):
    config = load_config(project)
    dataset, problems = load_dataset(config.data_dir)
    assert problems.errors == []
    return dataset, config


def _write(dataset, config):
    """The workbook with a sheet for each figure the chapters show, as the build makes it."""
    used = {r.name for r in find_references(config.root) if r.kind == "blokk"}
    shown = [i for i in dataset.indicators.values() if f"figur-{i.id}" in used and dataset.values_for(i.id)]
    path = config.root / workbook_name(config.year)
    write_tallgrunnlag(dataset, config, shown, path)
    return path


def test_the_build_writes_it_with_a_sheet_for_every_figure(project):
    result = build(project)
    wb = openpyxl.load_workbook(project / "_generert" / "tallgrunnlag-2022.xlsx")
    assert result.figures
    assert {sheet_name(name.removeprefix("figur-")) for name in result.figures} <= set(wb.sheetnames)
    assert {"Forside", "Innhold", "Oppdrag", "Vedlegg 2", "Vedlegg 7"} <= set(wb.sheetnames)


def _table(ws) -> tuple[int, list[dict]]:
    """The header row number of the sheet's one Excel table, and its rows as {header: cell}."""
    table = next(iter(ws.tables.values()))
    (first, last), = [table.ref.split(":")]
    cells = list(ws[f"{first}:{last}"])
    headers = [c.value for c in cells[0]]
    return cells[0][0].row, [dict(zip(headers, row)) for row in cells[1:]]


def test_every_figure_shows_its_latest_values_as_numbers_in_its_sheet(sample):
    dataset, config = sample
    wb = openpyxl.load_workbook(_write(dataset, config))
    figures = sorted(r.name.removeprefix("figur-") for r in find_references(config.root)
                     if r.kind == "blokk" and r.name.startswith("figur-"))
    assert len(figures) == 8
    assert sorted(n for n in wb.sheetnames if n.startswith("Figur ")) == sorted(f"Figur {i}" for i in figures)
    for ind_id in figures:
        ind = dataset.indicators[ind_id]
        values = dataset.values_for(ind_id)
        _, rows = _table(wb[sheet_name(ind_id)])
        assert len(rows) == len(values)
        value_header = f"Verdi ({ind.unit})"
        series, _ = shown_series(values)
        for geo, shown in series.items():
            latest = shown[-1]
            (row,) = [r for r in rows if r["Periode"].value == latest.period.label and r["Geografi"].value == geo]
            assert row[value_header].data_type == "n" and row[value_header].value == latest.value, (ind_id, geo)
            assert row["Vist i figuren"].value == "ja"
            assert row["Fra"].is_date and row["Fra"].value.date() == latest.period.start
        rows_above = [c.value for c in wb[sheet_name(ind_id)]["A"][:6]]
        assert f"Enhet: {ind.unit}." in rows_above
        assert any(str(v).startswith("Kilde: ") for v in rows_above)


def test_a_figure_of_many_geographies_marks_the_rows_it_shows(sample):
    dataset, config = sample
    dataset.values.extend(IndicatorValue("A10", parse_period(year), "helsefellesskap", f"Helsefellesskap {k:02d}",
                                         30.0 + k + int(year) % 10)
                          for year in ("2020", "2021") for k in range(19))
    ws = openpyxl.load_workbook(_write(dataset, config))["Figur A10"]
    _, rows = _table(ws)
    shown = {r["Geografi"].value for r in rows if r["Vist i figuren"].value == "ja"}
    assert shown == {"Norge", "Helsefellesskap 00", "Helsefellesskap 01", "Helsefellesskap 16",
                     "Helsefellesskap 17", "Helsefellesskap 18"}
    assert sum(r["Vist i figuren"].value == "nei" for r in rows) == 2 * 14
    notes = [c.value for c in ws["A"][1:8]]
    assert "Figuren viser Norge og de 2 laveste og 3 høyeste av 19 helsefellesskap etter siste verdi." in notes


def test_overview_has_one_row_per_assignment_with_status_colour_and_fill(sample):
    dataset, config = sample
    ws = openpyxl.load_workbook(_write(dataset, config))["Oppdrag"]
    _, rows = _table(ws)
    expected = sorted((a.id, a.status, a.colour) for a in dataset.assignments_for(2022))
    assert len(expected) == 18
    assert sorted((r["ID"].value, r["Status"].value, r["Fremdrift"].value) for r in rows) == expected
    for r in rows:
        assert r["Status"].fill.fgColor.rgb == "00" + palette.STATUS_FILLS[r["Status"].value]
        if r["Fremdrift"].value:
            assert r["Fremdrift"].fill.fgColor.rgb == "00" + palette.COLOUR_FILLS[r["Fremdrift"].value]
    deadlines = {a.id: a.deadline for a in dataset.assignments_for(2022)}
    dated = [r for r in rows if isinstance(deadlines[r["ID"].value], dt.date)]
    assert dated and all(r["Frist"].is_date and r["Frist"].value.date() == deadlines[r["ID"].value] for r in dated)


def test_appendix_sheets_hold_every_partnership_and_assignment(sample):
    dataset, config = sample
    wb = openpyxl.load_workbook(_write(dataset, config))
    _, partnerships = _table(wb["Vedlegg 2"])
    assert [r["Nr"].value for r in partnerships if r["RHF"].value == "Helse Sør-Øst"][:3] == [1, 2, 3]
    assert len(partnerships) == 19 and all(r["Nr"].data_type == "n" for r in partnerships)
    assert sum(r["Formelt etablert"].value == "ja" for r in partnerships) == 18
    _, assignments = _table(wb["Vedlegg 7"])
    by_key = {a.key: a for a in dataset.rows_for(2022)}  # every delivery its own row
    assert any(a.part for a in by_key.values())
    keys = [r["ID"].value + (f" – {r['Delleveranse'].value}" if r["Delleveranse"].value else "") for r in assignments]
    assert sorted(keys) == sorted(by_key)
    for r, key in zip(assignments, keys):
        assert r["Status"].value == (by_key[key].status_text or None)
        assert r["Overordnet status"].value == (by_key[key].overall_status or None)
    multiline = [r for r in assignments if "\n" in (r["Status"].value or "")]
    assert multiline and all(r["Status"].alignment.wrap_text for r in multiline)
    for r in multiline:  # rows tall enough to show the text (LibreOffice does not fit them)
        assert wb["Vedlegg 7"].row_dimensions[r["ID"].row].height >= 15 * (r["Status"].value.count("\n") + 1)


def test_every_sheet_has_one_table_under_a_bold_frozen_header_and_no_merged_cells(sample):
    dataset, config = sample
    wb = openpyxl.load_workbook(_write(dataset, config))
    assert wb.sheetnames[:2] == ["Forside", "Innhold"]
    assert wb.sheetnames[-3:] == ["Oppdrag", "Vedlegg 2", "Vedlegg 7"]
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
        assert len(ws.title) <= 31 and not re.search(r"[\[\]:*?/\\]", ws.title)
        if ws.title == "Forside":
            assert not ws.tables
            continue
        assert len(ws.tables) == 1, ws.title
        header, rows = _table(ws)
        assert rows, ws.title
        assert all(isinstance(c, str) and c for c in rows[0]), ws.title
        assert all(c.font.b for c in ws[header] if c.value is not None), ws.title
        assert ws.freeze_panes == f"A{header + 1}", ws.title
        assert all(ws.cell(r, 1).value is not None for r in range(1, header)), "no blank rows above the table"
        for letter in {c.column_letter for c in ws[header]}:
            assert ws.column_dimensions[letter].width >= 8, (ws.title, letter)


def test_cover_and_contents(sample):
    dataset, config = sample
    wb = openpyxl.load_workbook(_write(dataset, config))
    cover = {row[0].value: row[1] for row in wb["Forside"].iter_rows(min_row=2) if row[0].value}
    assert config.title in wb["Forside"]["A1"].value
    assert cover["Rapporteringsår"].value == 2022 and cover["Rapporteringsår"].data_type == "n"
    assert cover["Dato"].is_date and cover["Dato"].value.date() == dt.date(2022, 10, 19)
    assert cover["Utgiver"].value == "Helsedirektoratet"
    assert "NPR" in cover["Kilder"].value and "illustrativ" not in cover["Kilder"].value
    assert cover["Kontakt"].value == config.contact == "Helsedirektoratet, postmottak@helsedir.no"
    assert cover["Merknader"].value
    _, rows = _table(wb["Innhold"])
    assert [r["Ark"].value for r in rows] == wb.sheetnames[2:]
    for r in rows:
        assert r["Ark"].hyperlink.location == f"'{r['Ark'].value}'!A1"
        assert r["Innhold"].value == wb[r["Ark"].value]["A1"].value
    assert rows[0]["Innhold"].value == dataset.indicators["A10"].name


def _hostile(dataset):
    """Formula-like and markup-like text in the fields the workbook shows."""
    assignments = dataset.assignments_for(2022)
    for n, text in enumerate(HOSTILE):
        a = assignments[n]
        dataset.assignments[dataset.assignments.index(a)] = dataclasses.replace(
            a, title=text, status_text=text, uncertainty="Noe\x0bmer")
    return dataset


def test_text_that_looks_like_a_formula_stays_text(sample):
    dataset, config = sample
    path = _write(_hostile(dataset), config)
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(re.search(r"<(\w+:)?f[ >]", xml) for xml in sheets), "no formula in any sheet"
    wb = openpyxl.load_workbook(path)
    _, rows = _table(wb["Oppdrag"])
    titles = {r["Oppdrag"].value: r["Oppdrag"] for r in rows}
    for text in HOSTILE:
        cell = titles[text]
        assert cell.data_type == "s" and cell.hyperlink is None
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@"))
    _, rows = _table(wb["Vedlegg 7"])
    assert {r["Status"].value for r in rows} >= set(HOSTILE)
    assert "Noe mer" in {r["Usikkerhet"].value for r in rows}  # a control character XML cannot hold


def test_same_data_gives_the_same_bytes_and_nothing_is_left_half_written(sample, monkeypatch):
    dataset, config = sample
    path = _write(dataset, config)
    first = path.read_bytes()
    properties = openpyxl.load_workbook(path).properties
    assert properties.created == properties.modified == dt.datetime(2022, 10, 19)
    path.unlink()
    assert _write(dataset, config).read_bytes() == first

    def broken(source, target):
        raise OSError("disken er full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        _write(dataset, config)
    assert path.read_bytes() == first
    assert [p.name for p in config.root.glob("*tallgrunnlag*")] == [path.name]


def test_indicator_ids_that_give_the_same_sheet_name_are_named(sample):
    dataset, config = sample
    long_id = "HJERNESLAG-VURDERING-INNEN-7"
    for ind_id in (long_id + "-DAGER", long_id + "-DOGN"):
        dataset.indicators[ind_id] = dataclasses.replace(dataset.indicators["C02"], id=ind_id)
        dataset.values.append(IndicatorValue(ind_id, parse_period("2022"), "land", "Norge", 80.0))
        with (config.root / "chapters" / "akuttmedisin.qmd").open("a", encoding="utf-8") as chapter:
            chapter.write(f"\n{{{{< blokk figur-{ind_id} >}}}}\n")
    with pytest.raises(DataError) as error:
        _write(dataset, config)
    (problem,) = error.value.problems.errors
    assert str(problem).startswith("indikatorer.xlsx › Katalog: indikatorene «HJERNESLAG-VURDERING-INNEN-7-DAGER» og "
                                   "«HJERNESLAG-VURDERING-INNEN-7-DOGN» får samme ark")
    assert not list(config.root.glob("*tallgrunnlag*"))
    assert sheet_name("A10") == "Figur A10"


@needs("soffice")
def test_libreoffice_opens_every_sheet_and_computes_no_formula(sample, tmp_path):
    dataset, config = sample
    path = _write(_hostile(dataset), config)
    # CSV filter options: comma, quote, UTF-8, from line 1, …, and -1 at the end: one file per sheet
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(tmp_path / "csv"), str(path)],
                   check=True, capture_output=True, timeout=180)
    wb = openpyxl.load_workbook(path)
    csv = {p.stem.removeprefix(path.stem + "-"): p.read_text(encoding="utf-8") for p in (tmp_path / "csv").iterdir()}
    assert sorted(csv) == sorted(wb.sheetnames)
    assert "Helse Vest,9.1,ja" in csv["Figur A15"]
    oppdrag = csv["Oppdrag"]
    for text in HOSTILE:
        assert text.replace('"', '""') in oppdrag
    assert ",2,opprinnelig" not in oppdrag and ",4,opprinnelig" not in oppdrag  # =1+1, -2+3 … not computed
