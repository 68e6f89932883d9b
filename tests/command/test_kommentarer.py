"""`rapport kommentarer` as a writer runs it: the installed command in a copy of the project, on
the reviewed files in tests/fixtures/kommentarer and, where Quarto is installed, on a fresh build
that LibreOffice and pypdf annotate."""

import re
import shutil

import openpyxl
import pypdf
import pytest
from docx import Document
from helpers.clients import needs
from helpers.commands import rapport
from helpers.project import FIXTURES
from helpers.reviewed import resave_with_libreoffice, review_docx, review_pdf

DOCX = FIXTURES / "kommentarer" / "kari-libreoffice.docx"
PDF = FIXTURES / "kommentarer" / "ola-acrobat.pdf"


@pytest.fixture
def reviewed(project):
    folder = project / "innkommet"
    folder.mkdir()
    shutil.copy(DOCX, folder / "kari.docx")
    shutil.copy(PDF, folder / "ola.pdf")
    return project


def _no_traceback(result):
    assert "Traceback" not in result.stderr + result.stdout


@needs("pdftotext")
def test_every_comment_is_listed_with_its_place_and_counted(reviewed):
    result = rapport(reviewed, "kommentarer", "innkommet/kari.docx", "innkommet/ola.pdf")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "kari.docx: Word-fil fra utkastet 30.11.2026 03:26 · d202b22a75, 7 kommentarer" in out
    assert "ola.pdf: PDF fra utkastet 30.11.2026 03:26 · d202b22a75, 6 kommentarer" in out
    assert ("— «tverrfaglig spesialisert rusbehandling» — Kari Nordmann (13.10.2022): Bør vi si noe om ventetiden "
            "for barn og unge her?  [kari.docx]") in out
    assert "    ↳ Ola Nordmann (13.10.2022): Ja, vi legger til en setning." in out
    assert "data/oppdrag.xlsx › Oppdrag › " in out and "[variabel: indikator.A10.siste (data/indikatorer.xlsx › Verdier › " in out
    assert "nær overskriften «8.2 Utviklingen i tall»" in out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("Fant 13 kommentarer og 2 svar i 2 filer (utkast 30.11.2026 03:26 · d202b22a75); ")
    assert "11 plassert i kapitler eller regneark, 2 ved nærmeste overskrift." in summary
    # the hostile note: control characters escaped, markup literal, cut with «…»
    assert "\x1b" not in out and "\x07" not in out
    assert "Mallory\\x1b]0;pwned\\x07" in out and "<img src=x onerror=alert(1)> {{< var aar >}}" in out
    assert max(map(len, out.splitlines())) < 900


def test_a_changed_chapter_is_said_to_have_moved_on_since_the_draft(reviewed):
    chapter = reviewed / "chapters" / "psykisk-helse.qmd"
    chapter.write_text(re.sub(r"spesialisert\s+", "", chapter.read_text(encoding="utf-8")), encoding="utf-8")
    result = rapport(reviewed, "kommentarer", "innkommet/kari.docx")
    assert result.returncode == 0, result.stderr
    assert "kildene er endret siden dette utkastet" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "Bør vi si noe om" in x)
    assert line.startswith("nær overskriften «8. Psykisk helsevern»")
    assert "(teksten finnes ikke lenger i kildene: endret siden utkastet)" in line


@needs("pdftotext")
def test_the_list_is_written_to_a_workbook_the_same_each_time_and_keeps_what_was_done(reviewed):
    args = ("kommentarer", "innkommet/kari.docx", "innkommet/ola.pdf", "--til", "kommentarer.xlsx")
    assert rapport(reviewed, *args).returncode == 0
    ws = openpyxl.load_workbook(reviewed / "kommentarer.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("Kilde", "Kapittel", "Sitert tekst", "Kommentar") and rows[0][-1] == "Gjort"
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert len(rows) == 14 and {r[8] for r in rows[1:]} == {"kari.docx", "ola.pdf"}
    chapters = [r[1] for r in rows[1:] if r[1]]
    assert chapters.index(next(c for c in chapters if "sammendrag" in c)) < chapters.index(
        next(c for c in chapters if "vedlegg-1" in c))  # sorted by the book's chapters
    ws.cell(2, 12, "Rettet i kapittelet")
    ws.parent.save(reviewed / "kommentarer.xlsx")
    assert rapport(reviewed, *args).returncode == 0
    again = list(openpyxl.load_workbook(reviewed / "kommentarer.xlsx").active.iter_rows(values_only=True))
    assert [r[:11] for r in again] == [r[:11] for r in rows]
    assert again[1][11] == "Rettet i kapittelet"


def test_a_data_workbook_is_never_the_target(reviewed):
    before = (reviewed / "data" / "oppdrag.xlsx").read_bytes()
    for target in ("data/liste.xlsx", "oppdrag.xlsx", "innkommet/kari.docx"):
        result = rapport(reviewed, "kommentarer", "innkommet/kari.docx", "--til", target)
        assert result.returncode == 1 and result.stderr.strip(), target
        _no_traceback(result)
    assert (reviewed / "data" / "oppdrag.xlsx").read_bytes() == before
    assert not (reviewed / "data" / "liste.xlsx").exists()


def test_bad_input_gets_a_message_in_bokmaal_and_a_failing_exit(reviewed, tmp_path):
    folder = reviewed / "innkommet"
    (folder / "notat.txt").write_text("Kommentar på e-post", encoding="utf-8")
    (folder / "skadet.docx").write_bytes(DOCX.read_bytes()[:4000])
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(PDF))
    writer.encrypt("hemmelig", algorithm="RC4-128")
    writer.write(folder / "kryptert.pdf")
    other = Document()
    other.add_paragraph("Årsrapport for et helt annet foretak, med tekst som ikke står i denne rapporten.")
    other.save(folder / "annen.docx")
    for name, words in [("notat.txt", "verken en Word-fil (.docx) eller en PDF"), ("skadet.docx", "skadet"),
                        ("kryptert.pdf", "kryptert"), ("annen.docx", "ikke ut til å være et utkast av denne")]:
        result = rapport(reviewed, "kommentarer", f"innkommet/{name}")
        assert result.returncode == 1, name
        assert words in result.stderr, (name, result.stderr)
        _no_traceback(result)
    mixed = rapport(reviewed, "kommentarer", "innkommet/kari.docx", "innkommet/notat.txt", "--til", "liste.xlsx")
    assert mixed.returncode == 1 and "kari.docx: Word-fil" in mixed.stdout
    assert not (reviewed / "liste.xlsx").exists()


@needs("soffice", "pdftotext")
def test_a_fresh_build_reviewed_in_libreoffice_and_a_pdf_reader_is_placed(rendered, tmp_path):
    project, result = rendered
    assert result.returncode == 0, result.stderr
    stamp = __import__("json").loads((project / "_bok" / "tall.json").read_text(encoding="utf-8"))["stamp"]
    edited = tmp_path / "kari.docx"
    review_docx(project / "_bok" / "NHSP-statusrapport-2022.docx", edited, stamp)
    saved = resave_with_libreoffice(edited, tmp_path / "lo")
    pdf = tmp_path / "ola.pdf"
    review_pdf(project / "_bok" / "NHSP-statusrapport-2022.pdf", pdf, stamp)
    listed = rapport(project, "kommentarer", str(saved), str(pdf))
    assert listed.returncode == 0, listed.stderr
    assert f"(utkast {stamp})" in listed.stdout
    assert "11 plassert i kapitler eller regneark, 2 ved nærmeste overskrift." in listed.stdout
    assert "kildene er endret" not in listed.stdout
