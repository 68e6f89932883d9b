"""The October cycle on a copy of the project: innspill lag → edited workbooks → innspill les → nytt-aar."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from helpers.clients import needs
from helpers.commands import rapport as _run

from report.data.load import load_dataset
from report.data.model import Assignment

FOLDER = Path("innspill") / "2022"
SPECIALIST = "innspill-2022-avdeling-spesialisthelsetjenester.xlsx"
E_HEALTH = "innspill-2022-avdeling-e-helse.xlsx"


def _edit(path: Path, assignment_id: str, **values) -> int:
    """Set cells (by header) on the row of `assignment_id`, as a writer in Excel would; return the row."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Oppdrag"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == assignment_id:
            for header, value in values.items():
                cell = row[headers.index(header)]
                cell.value = value
                if cell.data_type == "f":  # text starting with "=", typed as '=… in Excel
                    cell.data_type = "s"
            wb.save(path)
            return row[0].row
    raise KeyError(assignment_id)


def _assignments(project) -> list[Assignment]:
    dataset, problems = load_dataset(project / "data")
    assert problems.errors == []
    return dataset.assignments


@pytest.fixture
def sent(project) -> Path:
    result = _run(project, "innspill", "lag")
    assert result.returncode == 0, result.stderr
    assert f"kjør «rapport innspill les {FOLDER}»" in result.stdout  # as typed in the project folder
    return project / FOLDER


def test_one_workbook_per_department_with_only_its_assignments(project, sent):
    by_department: dict[str, list[str]] = {}
    for a in _assignments(project):
        if a.year == 2022:
            by_department.setdefault(a.responsible, []).append(a.id)
    files = sorted(p.name for p in sent.iterdir() if not p.name.startswith("."))
    assert len(files) == len(by_department) == 6
    # the base for the three-way merge, hidden beside them: data/oppdrag.xlsx as it was
    assert (sent / ".grunnlag-oppdrag.xlsx").read_bytes() == (project / "data" / "oppdrag.xlsx").read_bytes()
    wb = openpyxl.load_workbook(sent / SPECIALIST)
    assert wb.sheetnames == ["Veiledning", "Oppdrag"]
    assert "Avdeling spesialisthelsetjenester" in wb["Veiledning"]["A1"].value
    ws = wb["Oppdrag"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == by_department["Avdeling spesialisthelsetjenester"]
    assert {r[1] for r in ws.iter_rows(min_row=2, values_only=True)} == {2022}
    assert ws.protection.sheet and ws.protection.insertRows and ws.protection.deleteRows
    assert ws["A2"].protection.locked and ws["B2"].protection.locked  # ID and År
    assert not any(ws.cell(2, c).protection.locked for c in range(3, 20))
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["G2"] == '"Ikke startet,I rute,Forsinket,Levert,Avsluttet"'
    # Running it again never overwrites the workbooks that were sent out.
    before = (sent / SPECIALIST).read_bytes()
    again = _run(project, "innspill", "lag")
    assert again.returncode == 1 and "allerede innspillsark" in again.stderr
    assert (sent / SPECIALIST).read_bytes() == before


def test_full_cycle_merges_edits_keeps_every_row_then_rolls_over(project, sent):
    before = _assignments(project)
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert", Farge="grønn", Statusbeskrivelse="- Veilederen er publisert")
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")
    data = (project / "data" / "oppdrag.xlsx").read_bytes()
    preview = _run(project, "innspill", "les", str(FOLDER), "--bare-vis")
    assert preview.returncode == 0, preview.stderr
    assert "Status: «Forsinket» → «Levert»" in preview.stdout and "Ingenting er skrevet" in preview.stdout
    assert (project / "data" / "oppdrag.xlsx").read_bytes() == data
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 0, result.stderr
    assert "SAM-01" in result.stdout and "Status: «Forsinket» → «Levert»" in result.stdout
    assert "Farge: «gul» → «grønn»" in result.stdout
    assert "Trend: «uendret» → «bedre»" in result.stdout
    assert "Oppdatert 2 oppdrag" in result.stdout
    after = _assignments(project)
    assert [(a.id, a.year) for a in after] == [(a.id, a.year) for a in before]  # no row lost or added
    changed = {(a.key, a.year): a for a in after}
    assert changed["SAM-01", 2022].status == "Levert"
    assert changed["SAM-01", 2022].status_text == "- Veilederen er publisert"
    assert changed["TEK-02", 2022].trend == "bedre"
    untouched = [(b, a) for b, a in zip(before, after) if (a.key, a.year) not in {("SAM-01", 2022), ("TEK-02", 2022)}]
    assert all(_same(b, a) for b, a in untouched)
    backups = list((project / "data" / "sikkerhetskopi").glob("oppdrag-*.xlsx"))
    assert len(backups) == 1
    again = _run(project, "innspill", "les", str(FOLDER))  # reading the same workbooks twice is harmless
    assert again.returncode == 0 and "Ingen nye endringer" in again.stdout, again.stderr

    rolled = _run(project, "nytt-aar", "2023")
    assert rolled.returncode == 0, rolled.stderr
    assert _run(project, "sjekk").returncode == 0
    carried = {a.key: a for a in _assignments(project) if a.year == 2023}
    assert "SAM-01" not in carried  # delivered in 2022's innspill
    # an assignment going on keeps its deliveries not yet delivered, each with its own row
    assert "TEK-02 – Video" in carried and "TEK-02 – Råd og veiledning" not in carried  # that one was Levert
    assert carried["TEK-02 – Video"].status_text == "" and carried["TEK-02"].overall_status == ""
    assert len(_assignments(project)) == len(after) + len(carried)

    # Next October: the workbooks carry last year's status text for the writers to rewrite.
    made = _run(project, "innspill", "lag")
    assert made.returncode == 0, made.stderr
    folder = project / "innspill" / "2023"
    ws = openpyxl.load_workbook(folder / "innspill-2023-avdeling-spesialisthelsetjenester.xlsx")["Oppdrag"]
    texts = {r[0]: r[12] for r in ws.iter_rows(min_row=2, values_only=True)}
    last_year = {a.id: a.status_text for a in after if a.year == 2022}
    assert texts and all(texts[i] == last_year[i] for i in texts)
    first = next(iter(texts))
    _edit(folder / "innspill-2023-avdeling-spesialisthelsetjenester.xlsx", first, Statusbeskrivelse="Ny tekst for 2023")
    merged = _run(project, "innspill", "les", "innspill/2023")
    assert merged.returncode == 0, merged.stderr
    assert "Oppdatert 1 oppdrag" in merged.stdout
    # Rows returned as sent are not merged: last year's text never survives silently.
    assert "ikke endret i arket, så fjorårets statusbeskrivelse er ikke tatt inn" in merged.stdout
    final = {(a.key, a.year): a for a in _assignments(project)}
    assert final[first, 2023].status_text == "Ny tekst for 2023"
    assert all(final[i, 2023].status_text == "" for i in texts if i != first)
    assert _run(project, "sjekk").returncode == 0


def _same(a: Assignment, b: Assignment) -> bool:
    return {**a.__dict__, "row": 0} == {**b.__dict__, "row": 0}


def test_two_workbooks_changing_one_assignment_is_a_conflict_and_the_rest_is_merged(project, sent):
    shutil.copy(sent / SPECIALIST, sent / "kopi-fra-kollega.xlsx")
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    _edit(sent / "kopi-fra-kollega.xlsx", "SAM-01", Status="I rute")
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")  # a change without conflict is merged
    for args in (["--bare-vis"], []):
        result = _run(project, "innspill", "les", str(FOLDER), *args)
        assert result.returncode == 1
        assert "1 oppdrag har en konflikt og er ikke endret" in result.stderr
        assert (f"SAM-01 er endret i flere innspillsark: Status «Levert» i {SPECIALIST}, "
                "«I rute» i kopi-fra-kollega.xlsx. Bestem hvilken endring som gjelder") in result.stderr
        assert "TEK-02" in result.stdout and "Trend: «uendret» → «bedre»" in result.stdout
    assert "Oppdatert 1 oppdrag i data/oppdrag.xlsx fra 7 innspillsark (16 oppdrag uendret)" in result.stdout
    rows = {(a.key, a.year): a for a in _assignments(project)}
    assert rows["TEK-02", 2022].trend == "bedre"
    assert rows["SAM-01", 2022].status == "Forsinket"  # the conflict left as it was


def _edit_data(project, assignment_id: str, **cells):
    """The editor changes the assignment's 2022 row in data/oppdrag.xlsx (cells by column index)."""
    oppdrag = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(oppdrag)
    row = next(r for r in wb["Oppdrag"].iter_rows(min_row=2) if r[0].value == assignment_id and r[1].value == 2022)
    for index, value in cells.items():
        row[int(index.removeprefix("c"))].value = value
    wb.save(oppdrag)


def test_fields_changed_on_one_side_each_are_merged_field_by_field(project, sent):
    _edit_data(project, "SAM-01", c8="verre")  # the editor changed Trend meanwhile
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 0, result.stderr
    rows = {(a.key, a.year): a for a in _assignments(project)}
    assert (rows["SAM-01", 2022].status, rows["SAM-01", 2022].trend) == ("Levert", "verre")


def test_the_same_value_typed_on_both_sides_is_no_conflict(project, sent):
    _edit_data(project, "SAM-01", c6="Levert")  # the editor set Status, as the department did
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert", Statusbeskrivelse="Veilederen er levert.")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 0, result.stderr
    rows = {(a.key, a.year): a for a in _assignments(project)}
    assert (rows["SAM-01", 2022].status, rows["SAM-01", 2022].status_text) == ("Levert", "Veilederen er levert.")


def test_a_field_changed_differently_on_both_sides_is_a_conflict(project, sent):
    _edit_data(project, "SAM-01", c6="I rute", c8="verre")  # the editor: Status and Trend
    data_row = {(a.key, a.year): a for a in _assignments(project)}["SAM-01", 2022]
    line = _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert (f"{SPECIALIST} › Oppdrag › rad {line}: SAM-01 er endret både i arket og i data/oppdrag.xlsx etter at "
            "arket ble laget: Status «Levert» i arket, «I rute» i data/oppdrag.xlsx. Endringer i data/oppdrag.xlsx "
            "skrives aldri over") in result.stderr  # only the field in conflict, not Trend
    rows = {(a.key, a.year): a for a in _assignments(project)}
    assert _same(rows["SAM-01", 2022], data_row)
    assert rows["TEK-02", 2022].trend == "bedre"


def test_without_the_base_copy_any_change_on_both_sides_is_a_conflict(project, sent):
    """Workbooks made before the base copy was kept: the row as a whole decides."""
    (sent / ".grunnlag-oppdrag.xlsx").unlink()
    _edit_data(project, "SAM-01", c8="verre")
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert ("Status «Levert» i arket, «Forsinket» i data/oppdrag.xlsx; Trend «uendret» i arket, «verre» i "
            "data/oppdrag.xlsx") in result.stderr


def test_invalid_workbook_names_file_sheet_and_cell_and_writes_nothing(project, sent):
    data = (project / "data" / "oppdrag.xlsx").read_bytes()
    line = _edit(sent / SPECIALIST, "SAM-01", Status="Ferdig")
    _edit(sent / E_HEALTH, "TEK-01", Tittel=None)
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert f"{SPECIALIST} › Oppdrag › G{line}: «Ferdig» er ikke en gyldig status" in result.stderr
    assert f"{E_HEALTH} › Oppdrag › C" in result.stderr and "«Tittel» må fylles ut" in result.stderr
    assert (project / "data" / "oppdrag.xlsx").read_bytes() == data


def test_added_row_is_refused_and_removed_row_is_kept(project, sent):
    wb = openpyxl.load_workbook(sent / E_HEALTH)
    ws = wb["Oppdrag"]
    ws.append(["NY-99", 2022, "Et nytt oppdrag", "teknologi", "opprinnelig", None, "I rute", None, None,
               "Avdeling e-helse"])
    wb.save(sent / E_HEALTH)
    added = _run(project, "innspill", "les", str(FOLDER))
    assert added.returncode == 1 and "oppdraget NY-99 ble ikke sendt ut i dette arket" in added.stderr

    wb = openpyxl.load_workbook(sent / E_HEALTH)
    ws = wb["Oppdrag"]
    ws.delete_rows(2, ws.max_row)  # the department deleted every row
    wb.save(sent / E_HEALTH)
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    before = _assignments(project)
    kept = _run(project, "innspill", "les", str(FOLDER))
    assert kept.returncode == 0, kept.stderr
    assert "mangler i arket; raden i data/oppdrag.xlsx beholdes uendret" in kept.stdout
    assert [(a.id, a.year) for a in _assignments(project)] == [(a.id, a.year) for a in before]


def test_workbook_not_made_by_the_tool_is_refused(project, sent):
    shutil.copy(project / "data" / "oppdrag.xlsx", sent / "oppdrag.xlsx")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert "oppdrag.xlsx: arket er ikke laget med «rapport innspill lag»" in result.stderr


needs_calc = needs("calc")


def _save_with_libreoffice(paths: list[Path], folder: Path, to: str = "xlsx:Calc MS Excel 2007 XML") -> None:
    """Open each file in LibreOffice Calc and save it in `folder` in the format `to`, as a writer would."""
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder.parent}/lo", "--convert-to",
                    to, "--outdir", str(folder), *map(str, paths)], check=True, capture_output=True, timeout=180)


@needs_calc
def test_workbooks_saved_again_by_a_spreadsheet_program_keep_their_marks(project, sent, tmp_path):
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")
    saved = tmp_path / "lagret"
    _save_with_libreoffice(sorted(sent.glob("innspill-*.xlsx")), saved)
    assert len(list(saved.iterdir())) == 6
    result = _run(project, "innspill", "les", str(saved))
    assert result.returncode == 0, result.stderr
    assert "Trend: «uendret» → «bedre»" in result.stdout
    assert "Oppdatert 1 oppdrag" in result.stdout  # every other row still matches what was sent


def test_a_failure_midway_leaves_no_workbook_behind(project, monkeypatch):
    from report.workflow import innspill

    calls = []
    real = innspill.write_workbook

    def fail_on_third(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disken er full")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(innspill, "write_workbook", fail_on_third)
    with pytest.raises(OSError):
        innspill.make(project)
    assert list((project / FOLDER).iterdir()) == []


def test_merge_waits_while_oppdrag_is_open_in_libreoffice(project, sent):
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    (project / "data" / ".~lock.oppdrag.xlsx#").write_text("LibreOffice")
    data = (project / "data" / "oppdrag.xlsx").read_bytes()
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1 and "oppdrag.xlsx er åpen" in result.stderr
    assert (project / "data" / "oppdrag.xlsx").read_bytes() == data


@needs_calc
def test_every_file_that_is_not_an_innspill_workbook_is_named_and_nothing_is_merged(project, sent, tmp_path):
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")
    other = tmp_path / "andre"
    other.mkdir()
    shutil.move(sent / E_HEALTH, other / E_HEALTH)
    _save_with_libreoffice([other / E_HEALTH], sent, "xls:MS Excel 97")  # a reply saved in an old format
    _save_with_libreoffice([other / E_HEALTH], tmp_path / "ods", "ods")
    shutil.copy(tmp_path / "ods" / E_HEALTH.replace(".xlsx", ".ods"), sent / "svar-fra-kollega.ods")
    (sent / "svar.csv").write_text("ID;År;Status\nTEK-02;2022;I rute\n", encoding="utf-8")
    (sent / "følgebrev.pdf").write_bytes(b"%PDF-1.4")
    (sent / f"~${SPECIALIST}").write_bytes(b"Excel")  # lock files, hidden files and folders are not replies
    (sent / f".~lock.{SPECIALIST}#").write_text("LibreOffice")
    (sent / ".DS_Store").write_bytes(b"\0")
    (sent / "behandlet").mkdir()
    data = (project / "data" / "oppdrag.xlsx").read_bytes()
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    xls = E_HEALTH.replace(".xlsx", ".xls")
    assert (f"{xls}: er en gammel Excel-fil (.xls), ikke et innspillsark (.xlsx), og er ikke lest. Åpne filen og "
            "lagre den som «Excel-arbeidsbok (.xlsx)» i denne mappen, og flytt .xls-filen ut av mappen") in result.stderr
    assert "svar-fra-kollega.ods: er en LibreOffice-fil (.ods)" in result.stderr
    assert "svar.csv: er en CSV-fil og er ikke lest" in result.stderr
    assert "følgebrev.pdf: er ikke et innspillsark (.xlsx) og er ikke lest. Flytt filen ut av mappen" in result.stderr
    assert "~$" not in result.stderr and "lock" not in result.stderr and "DS_Store" not in result.stderr
    assert "behandlet" not in result.stderr and result.stdout == ""
    assert (project / "data" / "oppdrag.xlsx").read_bytes() == data
    assert not (project / "data" / "sikkerhetskopi").exists()

    # Saved again as .xlsx and the other files moved out, the reply is read: its marks survived.
    _save_with_libreoffice([sent / xls], sent)
    for name in (xls, "svar-fra-kollega.ods", "svar.csv", "følgebrev.pdf"):
        (sent / name).unlink()
    merged = _run(project, "innspill", "les", str(FOLDER))
    assert merged.returncode == 0, merged.stderr
    assert "Trend: «uendret» → «bedre»" in merged.stdout and "Oppdatert 2 oppdrag" in merged.stdout


def _cells(path: Path) -> dict:
    """Every cell value of every sheet, by (sheet, address)."""
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}


def test_merge_changes_only_the_cells_it_reports_and_keeps_everything_else(project, sent):
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    oppdrag = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(oppdrag)
    ws = wb["Oppdrag"]
    ws["C3"].comment = Comment("Sjekk tittelen med avdelingen", "Redaktør")
    ws["G2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws.column_dimensions["C"].width = 77
    notes = wb.create_sheet("Redaktørens notater")
    notes["A1"], notes["A2"] = "Purret på e-helse 3. oktober", "=1+1"
    check = DataValidation(type="list", formula1='"ja,nei"')
    notes.add_data_validation(check)
    check.add("B1:B10")
    wb.save(oppdrag)
    before = _cells(oppdrag)
    line = _edit(sent / SPECIALIST, "SAM-01", Status="Levert", Statusbeskrivelse="=Levert i september")

    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 0, result.stderr
    assert "Status: «Forsinket» → «Levert»" in result.stdout
    assert "Statusbeskrivelse: endret" in result.stdout
    after = _cells(oppdrag)
    assert {k: v for k, v in after.items() if before.get(k) != v} == {
        ("Oppdrag", "G2"): "Levert", ("Oppdrag", "M2"): "=Levert i september"}
    assert all(after.get(k) == v for k, v in before.items() if k not in {("Oppdrag", "G2"), ("Oppdrag", "M2")})
    wb = openpyxl.load_workbook(oppdrag)
    ws = wb["Oppdrag"]
    assert wb.sheetnames == ["Veiledning", "Oppdrag", "Redaktørens notater"]
    assert ws["C3"].comment.text == "Sjekk tittelen med avdelingen"
    assert ws["G2"].fill.fgColor.rgb == "00FFFF00"
    assert ws.column_dimensions["C"].width == 77
    assert ws["M2"].data_type == "s"  # a department's text is never a formula
    lists = [(str(dv.sqref), dv.formula1) for dv in wb["Redaktørens notater"].data_validations.dataValidation]
    assert lists == [("B1:B10", '"ja,nei"')]
    assert any(str(dv.sqref).startswith("G2") for dv in ws.data_validations.dataValidation)  # the drop-down lists
    assert line == 2 and _run(project, "sjekk").returncode == 0


@needs_calc
def test_a_workbook_that_cannot_be_written_back_exactly_is_left_alone(project, sent, tmp_path):
    oppdrag = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(oppdrag)
    wb["Oppdrag"]["K3"] = '="Brukerråd"&" og pasientorganisasjoner"'  # a formula, its value stored by Calc
    wb.save(oppdrag)
    _save_with_libreoffice([oppdrag], tmp_path / "calc")
    shutil.copy(tmp_path / "calc" / "oppdrag.xlsx", oppdrag)
    assert _run(project, "sjekk").returncode == 0
    data = oppdrag.read_bytes()
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert "data/oppdrag.xlsx ble ikke som ventet da endringene ble skrevet (har arket formler?)" in result.stderr
    assert oppdrag.read_bytes() == data and not list(oppdrag.parent.glob(".*.tmp*"))


def test_a_corrected_copy_after_the_first_reply_was_merged_is_the_newer_answer(project, sent, tmp_path):
    first = tmp_path / "første-svar.xlsx"
    shutil.copy(sent / SPECIALIST, first)
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert", Farge="grønn")
    assert _run(project, "innspill", "les", str(FOLDER)).returncode == 0

    corrected = "innspill-2022-avdeling-spesialisthelsetjenester-korrigert.xlsx"
    shutil.copy(sent / SPECIALIST, sent / corrected)  # the department corrects its reply and sends it again
    _edit(sent / corrected, "SAM-01", Status="I rute")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 0, result.stderr
    assert f"({corrected}; nyere svar som erstatter svaret fra {SPECIALIST}):" in result.stdout
    assert "Status: «Levert» → «I rute»" in result.stdout and "Oppdatert 1 oppdrag" in result.stdout
    rows = {(a.key, a.year): a for a in _assignments(project)}
    assert (rows["SAM-01", 2022].status, rows["SAM-01", 2022].colour) == ("I rute", "grønn")
    # Both replies still in the folder: each was merged once, the newer one stands.
    again = _run(project, "innspill", "les", str(FOLDER))
    assert again.returncode == 0 and "Ingen nye endringer" in again.stdout, again.stderr

    # The editor's own change is never overwritten, not even by a newer copy.
    oppdrag = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(oppdrag)
    wb["Oppdrag"].cell(rows["SAM-01", 2022].row, 9).value = "verre"  # Trend
    wb.save(oppdrag)
    data = oppdrag.read_bytes()
    shutil.copy(sent / corrected, sent / "tredje.xlsx")
    _edit(sent / "tredje.xlsx", "SAM-01", Status="Forsinket")
    conflict = _run(project, "innspill", "les", str(FOLDER))
    assert conflict.returncode == 1
    assert (f"tredje.xlsx › Oppdrag › rad 2: SAM-01 er endret både i arket og i data/oppdrag.xlsx (der svaret fra "
            f"{corrected} er ført inn tidligere) etter at arket ble laget: Status «Forsinket» i arket, «I rute» i "
            "data/oppdrag.xlsx; Trend «uendret» i arket, «verre» i data/oppdrag.xlsx") in conflict.stderr
    assert oppdrag.read_bytes() == data


def test_dates_in_a_returned_sheet_stay_dates_or_say_so(project, sent):
    _edit(sent / SPECIALIST, "SAM-01", Frist="31/12/2023")  # typed as text
    line = _edit(sent / SPECIALIST, "SAM-02", Frist="når budsjettet er klart")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 0, result.stderr
    assert "Frist: 31.03.2023 → 31.12.2023" in result.stdout
    assert (f"{SPECIALIST} › Oppdrag › F{line}: Frist for SAM-02 var datoen 31.12.2022 og er nå teksten «når "
            "budsjettet er klart», som tas inn som tekst.") in result.stdout
    rows = {(a.key, a.year): a for a in _assignments(project)}
    assert rows["SAM-01", 2022].deadline == dt.date(2023, 12, 31)
    assert openpyxl.load_workbook(project / "data" / "oppdrag.xlsx")["Oppdrag"]["F2"].number_format == "DD.MM.YYYY"


def test_a_workbook_with_what_openpyxl_would_drop_is_left_alone(project, sent):
    from helpers.workbook_factory import rewrite_member, sheet_member

    oppdrag = project / "data" / "oppdrag.xlsx"
    # A drop-down list taken from another sheet, as Excel 2010 and later store it (an extension).
    extension = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
                 b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations '
                 b'count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
                 b'type="list"><x14:formula1><xm:f>Veiledning!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>K2:K40'
                 b'</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>')
    rewrite_member(oppdrag, sheet_member(oppdrag, "Oppdrag"), lambda xml: xml.replace(b"</worksheet>", extension))
    data = oppdrag.read_bytes()
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert ("data/oppdrag.xlsx har innhold som ville gått tapt om filen ble skrevet (nedtrekkslister av nyere "
            "Excel-typen). Ingenting er endret.") in result.stderr
    assert oppdrag.read_bytes() == data


def test_sjekk_says_which_assignments_still_lack_a_reply(project, sent):
    before = _run(project, "sjekk")
    assert "Innspillsrunden for 2022: 18 av 18 oppdrag mangler svar" in before.stdout
    assert "  Avdeling e-helse: TEK-01, TEK-02" in before.stdout
    _edit(sent / E_HEALTH, "TEK-01", Status="Levert")
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")
    assert _run(project, "innspill", "les", str(FOLDER)).returncode == 0
    after = _run(project, "sjekk")
    assert "Innspillsrunden for 2022: 16 av 18 oppdrag mangler svar" in after.stdout
    assert "Avdeling e-helse" not in after.stdout


def test_sjekk_says_nothing_of_a_round_not_started(project):
    assert "Innspillsrunden" not in _run(project, "sjekk").stdout


def test_deliveries_go_round_as_their_own_rows_and_come_back_to_them(project, sent):
    ws = openpyxl.load_workbook(sent / E_HEALTH)["Oppdrag"]
    headers = [c.value for c in ws[1]]
    assert "Delleveranse" in headers and "Overordnet status" in headers
    part = headers.index("Delleveranse")
    rows = [r for r in ws.iter_rows(min_row=2) if r[0].value == "TEK-02"]
    assert [r[part].value for r in rows] == [None, "Råd og veiledning", "Video", "Pasientrapporterte data"]
    assert rows[2][part].protection.locked  # the name tells the rows apart: the departments keep it
    wb = openpyxl.load_workbook(sent / E_HEALTH)
    ws = wb["Oppdrag"]
    video = next(r for r in ws.iter_rows(min_row=2) if r[part].value == "Video")
    video[headers.index("Status")].value = "Levert"
    video[headers.index("Overordnet status")].value = "Videoløsningen er tatt i bruk."
    wb.save(sent / E_HEALTH)
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 0, result.stderr
    assert "TEK-02 – Video" in result.stdout and "Status: «Forsinket» → «Levert»" in result.stdout
    assert "Oppdatert 1 oppdrag" in result.stdout
    rows = {a.key: a for a in _assignments(project) if a.year == 2022}
    assert rows["TEK-02 – Video"].status == "Levert"
    assert rows["TEK-02 – Video"].overall_status == "Videoløsningen er tatt i bruk."
    assert rows["TEK-02"].status == "I rute" and rows["TEK-02"].overall_status.startswith("Illustrativ")
