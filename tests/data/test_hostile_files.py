"""Hostile and broken workbooks: a clear message, bounded time and memory, no traceback."""

import io
import zipfile

from helpers.commands import rapport
from helpers.project import ROOT
from helpers.workbook_factory import rewrite_member as _rewrite_member, write_data
from openpyxl import Workbook

from report.data.load import load_dataset


def _errors_for(folder, file="oppdrag.xlsx"):
    _, problems = load_dataset(folder)
    return [str(p) for p in problems.errors if p.file == file]


def test_not_a_zip(tmp_path):
    write_data(tmp_path)
    (tmp_path / "oppdrag.xlsx").write_text("ID;År;Tittel\n", encoding="utf-8")
    assert _errors_for(tmp_path) == [
        "oppdrag.xlsx: er ikke en Excel-arbeidsbok (.xlsx). Åpne filen i Excel og lagre den som «Excel-arbeidsbok (.xlsx)»"
    ]


def test_truncated_zip(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    path.write_bytes(path.read_bytes()[:3000])
    assert len(_errors_for(tmp_path)) == 1
    assert _errors_for(tmp_path)[0].startswith("oppdrag.xlsx: ")


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/bomb.bin", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, a few hundred kB packed
                f.write(chunk)
    assert path.stat().st_size < 2_000_000
    assert _errors_for(tmp_path) == [
        "oppdrag.xlsx: filen blir 300 MB når den pakkes ut; grensen er 200 MB. Er dette riktig fil?"
    ]


def test_xml_entity_expansion_is_refused(tmp_path):
    write_data(tmp_path)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')

    def inject(data):
        body = data.split(b"?>", 1)[-1]
        return laughs + body.replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row>', 1)

    _rewrite_member(tmp_path / "oppdrag.xlsx", "xl/worksheets/sheet2.xml", inject)
    assert _errors_for(tmp_path) == [
        "oppdrag.xlsx: filen inneholder XML som ikke er tillatt (entiteter/DTD). Lagre den på nytt fra Excel"
    ]


def test_old_xls_and_encrypted_workbooks(tmp_path):
    write_data(tmp_path)
    # Both an .xls and a password-protected .xlsx are OLE2 compound files.
    (tmp_path / "oppdrag.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    assert _errors_for(tmp_path) == [
        "oppdrag.xlsx: er en gammel .xls-fil eller er beskyttet med passord. "
        "Fjern passordet og lagre som «Excel-arbeidsbok (.xlsx)»"
    ]


def test_macros_are_not_run_and_values_are_read(tmp_path):
    write_data(tmp_path)
    with zipfile.ZipFile(tmp_path / "oppdrag.xlsx", "a") as z:
        z.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"Module1\"\nSub Auto_Open()\nShell \"touch pwned\"\nEnd Sub")
    ds, problems = load_dataset(tmp_path)
    assert problems.errors == []
    assert len(ds.assignments) == 2
    assert not (tmp_path / "pwned").exists()


def test_excel_lock_files_are_ignored(tmp_path):
    write_data(tmp_path)
    (tmp_path / "~$oppdrag.xlsx").write_bytes(b"\x00locked by someone")
    _, problems = load_dataset(tmp_path)
    assert problems.items == []


def test_a_thousand_columns_give_one_compact_message(tmp_path):
    write_data(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Oppdrag"
    ws.append([f"Kolonne {i}" for i in range(1000)])
    buffer = io.BytesIO()
    wb.save(buffer)
    (tmp_path / "oppdrag.xlsx").write_bytes(buffer.getvalue())
    errors = _errors_for(tmp_path)
    assert errors[0].startswith("oppdrag.xlsx › Oppdrag › A1: 1000 ukjente kolonner (A1–ALL1)")
    assert len(errors) == 1 + 19  # the compact line, then each of the 19 missing columns


def test_a_hundred_thousand_rows_load_and_report_the_far_cell(tmp_path):
    write_data(tmp_path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Verdier")
    ws.append(["Indikator-ID", "Periode", "Geografinivå", "Geografi", "Verdi", "Merknad", "Kilde"])
    for i in range(100_000):
        ws.append(["C02", "2022", "land", "Norge", i, None, None])
    ws.append(["C02", "2022", "land", "Norge", "mange", None, None])
    cat = wb.create_sheet("Katalog")
    cat.append(["ID", "Navn", "Enhet", "Område", "Kilde", "Mål", "Retning", "Desimaler", "Beskrivelse"])
    cat.append(["C02", "Hjerneslag", "prosent", "akuttmedisin", "NPR", 80, "høyere er bedre", 1, None])
    wb.save(tmp_path / "indikatorer.xlsx")
    ds, problems = load_dataset(tmp_path)
    assert [str(p) for p in problems.errors] == ["indikatorer.xlsx › Verdier › E100002: «mange» er ikke et tall"]
    assert len(ds.values) == 100_000


def test_sjekk_reports_a_broken_file_without_traceback(tmp_path):
    import shutil

    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(ROOT / "rapport.toml", project)
    write_data(project / "data")
    (project / "data" / "oppdrag.xlsx").write_bytes(b"PK\x03\x04 broken")
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    assert "oppdrag.xlsx" in result.stderr
    assert "Traceback" not in result.stderr


def test_xml_entities_are_refused_in_any_member_and_in_utf16(tmp_path):
    write_data(tmp_path)
    bomb = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>'
    with zipfile.ZipFile(tmp_path / "oppdrag.xlsx", "a") as z:
        z.writestr("xl/custom/part.dat", bomb.encode("utf-16-le"))
    assert _errors_for(tmp_path) == [
        "oppdrag.xlsx: filen inneholder XML som ikke er tillatt (entiteter/DTD). Lagre den på nytt fra Excel"
    ]
