"""The October cycle on a copy of the project: innspill lag → edited workbooks → innspill les → nytt-aar."""

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from commands import rapport as _run
from report.load import load_dataset
from report.model import Assignment

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
                row[headers.index(header)].value = value
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
    files = sorted(p.name for p in sent.iterdir())
    assert len(files) == len(by_department) == 6
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
    changed = {(a.id, a.year): a for a in after}
    assert changed["SAM-01", 2022].status == "Levert"
    assert changed["SAM-01", 2022].status_text == "- Veilederen er publisert"
    assert changed["TEK-02", 2022].trend == "bedre"
    untouched = [(b, a) for b, a in zip(before, after) if (a.id, a.year) not in {("SAM-01", 2022), ("TEK-02", 2022)}]
    assert all(_same(b, a) for b, a in untouched)
    backups = list((project / "data" / "sikkerhetskopi").glob("oppdrag-*.xlsx"))
    assert len(backups) == 1
    again = _run(project, "innspill", "les", str(FOLDER))  # reading the same workbooks twice is harmless
    assert again.returncode == 0 and "Ingen nye endringer" in again.stdout, again.stderr

    rolled = _run(project, "nytt-aar", "2023")
    assert rolled.returncode == 0, rolled.stderr
    assert _run(project, "sjekk").returncode == 0
    carried = {a.id: a for a in _assignments(project) if a.year == 2023}
    assert "SAM-01" not in carried  # delivered in 2022's innspill
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
    final = {(a.id, a.year): a for a in _assignments(project)}
    assert final[first, 2023].status_text == "Ny tekst for 2023"
    assert all(final[i, 2023].status_text == "" for i in texts if i != first)
    assert _run(project, "sjekk").returncode == 0


def _same(a: Assignment, b: Assignment) -> bool:
    return {**a.__dict__, "row": 0} == {**b.__dict__, "row": 0}


def test_two_workbooks_changing_one_assignment_is_a_conflict(project, sent):
    data = (project / "data" / "oppdrag.xlsx").read_bytes()
    shutil.copy(sent / SPECIALIST, sent / "kopi-fra-kollega.xlsx")
    _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    _edit(sent / "kopi-fra-kollega.xlsx", "SAM-01", Status="I rute")
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")  # a good change is not merged either
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert ("SAM-01 er endret i flere innspillsark: Status «I rute» i kopi-fra-kollega.xlsx, "
            f"«Levert» i {SPECIALIST}. Bestem hvilken endring som gjelder") in result.stderr
    assert "kopi-fra-kollega.xlsx" in result.stderr and SPECIALIST in result.stderr
    assert (project / "data" / "oppdrag.xlsx").read_bytes() == data
    assert not (project / "data" / "sikkerhetskopi").exists()


def test_row_changed_in_data_since_the_workbooks_were_made_is_a_conflict(project, sent):
    oppdrag = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(oppdrag)
    ws = wb["Oppdrag"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "SAM-01" and r[1].value == 2022)
    row[8].value = "verre"  # the editor changed Trend meanwhile
    wb.save(oppdrag)
    data = oppdrag.read_bytes()
    line = _edit(sent / SPECIALIST, "SAM-01", Status="Levert")
    result = _run(project, "innspill", "les", str(FOLDER))
    assert result.returncode == 1
    assert (f"{SPECIALIST} › Oppdrag › rad {line}: SAM-01 er endret både i arket og i data/oppdrag.xlsx etter at "
            "arket ble laget: Status «Levert» i arket, «Forsinket» i data/oppdrag.xlsx; Trend «uendret» i arket, "
            "«verre» i data/oppdrag.xlsx. Endringer i data/oppdrag.xlsx skrives aldri over") in result.stderr
    assert oppdrag.read_bytes() == data


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


CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


@pytest.mark.skipif(not (shutil.which("soffice") and CALC.exists()), reason="LibreOffice Calc er ikke installert")
def test_workbooks_saved_again_by_a_spreadsheet_program_keep_their_marks(project, sent, tmp_path):
    _edit(sent / E_HEALTH, "TEK-02", Trend="bedre")
    saved = tmp_path / "lagret"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(saved), *map(str, sorted(sent.iterdir()))],
                   check=True, capture_output=True, timeout=180)
    assert len(list(saved.iterdir())) == 6
    result = _run(project, "innspill", "les", str(saved))
    assert result.returncode == 0, result.stderr
    assert "Trend: «uendret» → «bedre»" in result.stdout
    assert "Oppdatert 1 oppdrag" in result.stdout  # every other row still matches what was sent


def test_a_failure_midway_leaves_no_workbook_behind(project, monkeypatch):
    from report import innspill

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
