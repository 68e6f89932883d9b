"""Reading what reviewers send back (report.workflow.comments*) and placing it in the sources
(report.workflow.placing), on a Word file LibreOffice saved and a PDF with Acrobat's annotations
(tests/fixtures/kommentarer, see the README there), without Quarto."""

import openpyxl
import pytest
from helpers.clients import needs
from helpers.project import FIXTURES, ROOT

from report.data.config import load_config
from report.workflow.comments import ReviewError, find_stamp, safe
from report.workflow.feedback import read
from report.workflow.placing import Sources

DOCX = FIXTURES / "kommentarer" / "kari-libreoffice.docx"
PDF = FIXTURES / "kommentarer" / "ola-acrobat.pdf"
STAMP = "30.11.2026 03:26 · d202b22a75"


@pytest.fixture(scope="module")
def sources():
    return Sources(ROOT, load_config(ROOT))


def line_of(chapter: str, text: str) -> str:
    """chapter:line of the first line in the chapter holding `text` (the chapters may change)."""
    lines = (ROOT / chapter).read_text(encoding="utf-8").splitlines()
    return f"{chapter}:{next(i for i, line in enumerate(lines, 1) if text in line)}"


def by_text(notes, text):
    return next(n for n in notes if text in n.text or text in n.quote)


def test_word_comments_replies_and_tracked_changes_are_read_with_author_date_and_anchor():
    found = read(DOCX)
    assert found.stamp == STAMP
    kinds = sorted(n.kind for n in found.notes)
    assert kinds == ["erstatning", "innsetting", "kommentar", "kommentar", "kommentar", "kommentar", "sletting"]
    first = by_text(found.notes, "Bør vi si noe om ventetiden")
    assert first.quote == "tverrfaglig spesialisert rusbehandling"
    assert first.author == "Kari Nordmann" and f"{first.date:%d.%m.%Y}" == "13.10.2022"
    assert [(r.author, r.text) for r in first.replies] == [("Ola Nordmann", "Ja, vi legger til en setning.")]
    assert first.chapter == "8. Psykisk helsevern"
    replaced = by_text(found.notes, "svært ulikt langt")
    assert (replaced.kind, replaced.deleted, replaced.author) == ("erstatning", "ulikt langt", "Kari Nordmann")
    inserted = next(n for n in found.notes if n.kind == "innsetting")
    assert inserted.text == " i hele landet" and inserted.quote.endswith("som prioriterte grupper")
    deleted = next(n for n in found.notes if n.kind == "sletting")
    assert deleted.quote.startswith("personer med flere kroniske lidelser") and deleted.author == "Ola Nordmann"


@needs("pdftotext")
def test_pdf_annotations_are_read_with_the_text_under_them_replies_and_replacements():
    found = read(PDF)
    assert found.stamp == STAMP
    highlight = next(n for n in found.notes if n.kind == "markering")
    assert highlight.quote == "tverrfaglig spesialisert rusbehandling"
    assert (highlight.author, f"{highlight.date:%d.%m.%Y}") == ("Kari Nordmann", "14.10.2022")
    assert [r.text for r in highlight.replies] == ["Ja, vi legger til en setning."]
    assert highlight.heading.endswith("Psykisk helsevern") or "Psykisk" in highlight.chapter
    strike = next(n for n in found.notes if n.kind == "overstreking")
    assert strike.quote == "Modellbeskrivelse ferdig;"
    replaced = next(n for n in found.notes if n.kind == "erstatning")
    assert (replaced.text, replaced.quote) == ("svært ulikt langt", "ulikt langt,")
    box = next(n for n in found.notes if n.kind == "tekstboks")
    assert box.text == "Hele kapittelet bør kortes ned." and box.quote == ""
    # the popup windows are not comments of their own; a reply is not listed twice
    assert len(found.notes) == 6


def test_prose_is_placed_at_its_chapter_line_and_names_the_variable_with_its_cell(sources):
    notes = read(DOCX).notes
    place = sources.place(by_text(notes, "Bør vi si noe om"))
    assert place.source == line_of("chapters/psykisk-helse.qmd", "tverrfaglig spesialisert rusbehandling")
    number = sources.place(by_text(notes, "Er dette tallet for 2021 riktig"))
    assert number.source == line_of("chapters/psykisk-helse.qmd", "{{< var indikator.A10.siste >}}")
    [variable] = number.variables
    name, cell = variable.removesuffix(")").split(" (")
    assert name == "indikator.A10.siste"
    path, sheet, address = cell.split(" › ")
    assert (path, sheet) == ("data/indikatorer.xlsx", "Verdier")
    ws = openpyxl.load_workbook(ROOT / path, read_only=True)[sheet]
    assert ws[address].value == pytest.approx(49.6)
    assert ws[f"A{address[1:]}"].value == "A10"


def test_generated_text_is_placed_at_the_workbook_cell_it_came_from(sources):
    place = sources.place(by_text(read(DOCX).notes, "Når ble den publisert"))
    assert place.kind == "regneark"
    path, sheet, address = place.source.split(" › ")
    ws = openpyxl.load_workbook(ROOT / path, read_only=True)[sheet]
    assert "Modellbeskrivelse ferdig" in ws[address].value
    assert place.chapter == "chapters/psykisk-helse.qmd"  # where the activities block stands


def test_tracked_changes_are_placed_by_the_text_they_change(sources):
    notes = read(DOCX).notes
    replaced = sources.place(next(n for n in notes if n.kind == "erstatning"))
    assert replaced.source == line_of("chapters/sammendrag.qmd", "ulikt langt")
    inserted = sources.place(next(n for n in notes if n.kind == "innsetting"))
    assert inserted.source == line_of("chapters/psykisk-helse.qmd", "prioriterte grupper")
    deleted = sources.place(next(n for n in notes if n.kind == "sletting"))
    assert deleted.source == line_of("chapters/vedlegg-1-pasientgrupper.qmd", "flere kroniske lidelser")


def test_what_cannot_be_placed_is_given_the_nearest_heading_never_dropped(sources):
    place = sources.place(by_text(read(DOCX).notes, "<script>"))  # on a figure's source line
    assert place.kind == "overskrift"
    assert place.source.startswith("nær overskriften «8.2 Utviklingen i tall»")
    assert place.chapter == "chapters/psykisk-helse.qmd"


@needs("pdftotext")
def test_pdf_annotations_are_placed_like_word_comments(sources):
    notes = read(PDF).notes
    highlight = sources.place(next(n for n in notes if n.kind == "markering"))
    # the highlight is on the second «tverrfaglig spesialisert rusbehandling» of the chapter: the line
    # around it tells the two apart
    assert highlight.source == line_of("chapters/psykisk-helse.qmd", "i tverrfaglig spesialisert")
    assert sources.place(next(n for n in notes if n.kind == "overstreking")).kind == "regneark"
    box = sources.place(next(n for n in notes if n.kind == "tekstboks"))
    assert box.kind == "overskrift" and box.chapter == "chapters/psykisk-helse.qmd"


def test_changed_text_is_not_found_and_is_said_to_have_moved(sources):
    note = read(DOCX).notes[0]
    note.quote, note.context = "en setning som aldri har stått i rapporten", ""
    place = sources.place(note)
    assert place.kind == "overskrift" and not place.found


def test_hostile_text_is_shown_literally_escaped_and_cut():
    assert safe("a\x1b[31mb\x07\u202ec") == "a\\x1b[31mb\\x07\\u202ec"
    assert safe("<script>x</script>") == "<script>x</script>"
    long = safe("x" * 5000)
    assert len(long) == 500 and long.endswith("…")
    assert safe("to\nlinjer") == "to / linjer" and safe("to\nlinjer", lines=True) == "to\nlinjer"


def test_the_stamp_is_found_in_the_keywords_and_the_property():
    assert find_stamp("rapport, nhsp-stempel: 30.11.2026 03:40 · bba35a2410") == "30.11.2026 03:40 · bba35a2410"
    assert find_stamp("30.11.2026 03:40 · bba35a2410") == "30.11.2026 03:40 · bba35a2410"
    assert find_stamp("nhsp, rapport") is None


def test_a_file_that_is_neither_word_nor_pdf_is_refused_in_bokmaal(tmp_path):
    for name, data, words in [("notat.txt", b"hei", "verken en Word-fil"),
                              ("gammel.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "det gamle formatet"),
                              ("skadet.docx", DOCX.read_bytes()[:5000], "skadet"),
                              ("skadet.pdf", b"%PDF-1.7\n" + b"\0" * 50, "skadet")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ReviewError, match=words):
            read(tmp_path / name)
