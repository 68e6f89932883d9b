"""The Word file: Pandoc's docx of the generated book, finished by the post-render step."""

import shutil
import subprocess

import pypandoc
import pytest
from docx import Document
from docx.oxml.ns import qn

from bookfiles import whole_book
from report import palette, schema
from report.build import build
from report.config import load_config
from report.docx.finalize import FinalizeError, finalize_docx


@pytest.fixture
def docx_path(project, tmp_path):
    build(project)
    out = tmp_path / "rapport.docx"
    subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "docx", "-o", str(out),
         "--default-image-extension=png", f"--reference-doc={project / '_generert' / 'referanse.docx'}"],
        input=whole_book(project), text=True, cwd=project, check=True,
    )
    finalize_docx(out, load_config(project))
    return out


def _texts(cells):
    return ["".join(t.text or "" for t in c.iter(qn("w:t"))) for c in cells]


def test_every_section_has_a_page_number_footer_and_a4(docx_path):
    doc = Document(docx_path)
    assert len(doc.sections) >= 3
    for section in doc.sections:
        instr = "".join(t.text for t in section.footer._element.iter(qn("w:instrText")))
        assert "PAGE" in instr
        short, long = sorted((section.page_width.cm, section.page_height.cm))
        assert (round(short, 1), round(long, 1)) == (21.0, 29.7)


def test_appendix7_tables_are_landscape_with_repeating_headers(docx_path):
    doc = Document(docx_path)
    headers = [h for h, _ in schema.APPENDIX7_COLUMNS]
    body = doc.element.body
    tables = [t for t in body.findall(qn("w:tbl")) if _texts(t.find(qn("w:tr")).findall(qn("w:tc"))) == headers]
    assert len(tables) == 18
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert len(landscape) == 1
    # the landscape section is the one ended by the break right after the last table
    sect = tables[-1].getnext().find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    assert sect.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"
    for t in body.findall(qn("w:tbl")):
        assert t.find(qn("w:tr")).find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    width = sum(int(c.get(qn("w:w"))) for c in tables[0].find(qn("w:tblGrid")).findall(qn("w:gridCol")))
    assert width <= (29.7 - 5.0) / 2.54 * 1440


def test_overview_cells_are_shaded_and_keep_their_words(docx_path):
    body = Document(docx_path).element.body
    table = next(t for t in body.findall(qn("w:tbl"))
                 if _texts(t.find(qn("w:tr")).findall(qn("w:tc"))) == list(schema.OVERVIEW_COLUMNS))
    seen = set()
    for row in table.findall(qn("w:tr"))[1:]:
        status, colour = row.findall(qn("w:tc"))[1:]
        word = _texts([colour])[0].split(",")[0].lower()
        if word in palette.COLOUR_FILLS:
            fill = colour.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill"))
            assert fill == palette.COLOUR_FILLS[word]
            seen.add(word)
        if _texts([status])[0].startswith("Forsinket"):
            assert status.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == palette.STATUS_FILLS["Forsinket"]
    assert seen == {"grønn", "gul", "rød"}


def test_cover_contents_and_core_properties(docx_path):
    doc = Document(docx_path)
    texts = [p.text for p in doc.paragraphs[:6]]
    assert texts[:2] == ["Rapportering på status og fremgang for Nasjonal helse- og sykehusplan 2020–2023", "Statusrapport 2022"]
    assert "19. oktober 2022" in texts
    instr = "".join(t.text for t in doc.element.body.iter(qn("w:instrText")))
    assert instr.count("TOC") == 1
    props = doc.core_properties
    assert (props.title, props.author, props.language) == (
        "Rapportering på status og fremgang for Nasjonal helse- og sykehusplan 2020–2023", "Helsedirektoratet", "nb-NO")
    assert "2022" in props.subject
    for d in doc.element.body.iter(qn("wp:docPr")):
        assert d.get("descr")


def test_finalize_twice_gives_the_same_bytes(docx_path, project):
    first = docx_path.read_bytes()
    finalize_docx(docx_path, load_config(project))
    assert docx_path.read_bytes() == first


def test_failure_leaves_the_input_untouched(docx_path, project):
    doc = Document(docx_path)
    next(doc.element.body.iter(qn("wp:docPr"))).set("descr", "")
    doc.save(docx_path)
    before = docx_path.read_bytes()
    with pytest.raises(FinalizeError, match="bilde uten alternativ tekst"):
        finalize_docx(docx_path, load_config(project))
    assert docx_path.read_bytes() == before


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) og pdftotext er ikke installert")
def test_libreoffice_opens_it_and_the_headings_come_in_order(docx_path, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=300)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "rapport.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    headings = [p.text for p in Document(docx_path).paragraphs if p.style.name == "Heading 1"]
    assert len(headings) >= 15
    position = 0
    body_text = text[text.index("Forord", text.index("Innhold") + 10):] if "Innhold" in text else text
    for heading in headings:
        found = body_text.find(heading, position)
        assert found >= 0, heading
        position = found
