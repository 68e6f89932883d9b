"""The Word file's post-render step, on a Word file Quarto really wrote (tests/fixtures/)."""

import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from helpers.clients import needs
from helpers.project import FIXTURES

from report.content import palette
from report.data import schema
from report.data.config import load_config
from report.publish.docx.finalize import FinalizeError, add_contents_pages, finalize_docx

QUARTO_DOCX = FIXTURES / "quarto-liten-bok.docx"
APPENDIX7 = [h for h, _ in schema.APPENDIX7_COLUMNS]


@pytest.fixture
def docx_path(project, tmp_path):
    out = tmp_path / "rapport.docx"
    shutil.copy(QUARTO_DOCX, out)
    finalize_docx(out, load_config(project))
    return out


def _texts(cells):
    return ["".join(t.text or "" for t in c.iter(qn("w:t"))).strip() for c in cells]


def _tables(body, header=None):
    tables = list(body.iter(qn("w:tbl")))
    if header is None:
        return tables
    return [t for t in tables if _texts(t.find(qn("w:tr")).findall(qn("w:tc"))) == header]


def _is_header_row(row):
    return row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_the_fixture_has_the_shapes_quarto_writes():
    body = Document(QUARTO_DOCX).element.body
    tables = _tables(body)
    assert any(t.find(qn("w:tblGrid")) is None for t in tables), "a callout without a grid"
    assert _tables(body, list(schema.OVERVIEW_COLUMNS))[0].getparent().tag == qn("w:tc"), "nested table"
    sections = [s for s in body.iter(qn("w:sectPr"))]
    assert any(len(s) == 0 for s in sections), "empty section properties before the landscape div"


def test_every_section_is_a4_with_a_page_number_footer(docx_path):
    doc = Document(docx_path)
    assert len(doc.sections) == 2
    for section in doc.sections:
        instr = "".join(t.text for t in section.footer._element.iter(qn("w:instrText")))
        assert "PAGE" in instr
        short, long = sorted((section.page_width.cm, section.page_height.cm))
        assert (round(short, 1), round(long, 1)) == (21.0, 29.7)


def test_the_landscape_appendix_ends_the_book_without_an_empty_page(docx_path):
    doc = Document(docx_path)
    body = doc.element.body
    assert [s.page_width > s.page_height for s in doc.sections] == [False, True]
    # the section holding Vedlegg 7's tables is the document's last, with nothing after it
    last = body.find(qn("w:sectPr")).getprevious()
    while last.tag == qn("w:bookmarkEnd"):
        last = last.getprevious()
    assert last.tag == qn("w:tbl") and _texts(last.find(qn("w:tr")).findall(qn("w:tc"))) == APPENDIX7


def test_only_data_tables_repeat_their_header_and_every_table_has_a_grid(docx_path):
    body = Document(docx_path).element.body
    tables = _tables(body)
    data = [t for t in tables if len(t.findall(qn("w:tr"))) > 1
            and not _texts(t.find(qn("w:tr")).findall(qn("w:tc")))[0].startswith("Eksempel")]
    assert len(data) >= 20
    for table in tables:
        assert table.find(qn("w:tblGrid")) is not None
        first = table.find(qn("w:tr"))
        assert _is_header_row(first) == (table in data), _texts(first.findall(qn("w:tc")))[:2]


def test_overview_cells_are_shaded_and_keep_their_words(docx_path):
    table = _tables(Document(docx_path).element.body, list(schema.OVERVIEW_COLUMNS))[0]
    seen = set()
    for row in table.findall(qn("w:tr"))[1:]:
        status, colour = row.findall(qn("w:tc"))[1:]
        word = _texts([colour])[0].split(",")[0].lower()
        if word in palette.COLOUR_FILLS:
            assert colour.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == palette.COLOUR_FILLS[word]
            seen.add(word)
        if _texts([status])[0].startswith("Forsinket"):
            assert status.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == palette.STATUS_FILLS["Forsinket"]
    assert seen == {"grønn", "gul", "rød"}


def test_appendix7_tables_share_widths_that_fill_the_landscape_page(docx_path):
    tables = _tables(Document(docx_path).element.body, APPENDIX7)
    assert len(tables) == 18
    grids = {tuple(int(c.get(qn("w:w"))) for c in t.find(qn("w:tblGrid"))) for t in tables}
    assert len(grids) == 1
    widths = grids.pop()
    assert abs(sum(widths) - (29.7 - 5.0) / 2.54 * 1440) < 20
    # wide for the long texts, narrow for the short ones, as the generated tables say
    assert widths[APPENDIX7.index("Status")] > widths[APPENDIX7.index("Usikkerhet")]
    sizes = {s.get(qn("w:val")) for t in tables for s in t.iter(qn("w:sz"))}
    assert sizes == {"17"}
    for t in tables:
        for p in t.iter(qn("w:p")):
            if p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None:
                assert p.find(f"{qn('w:pPr')}/{qn('w:ind')}").get(qn("w:left")) == "170"
        # long words hyphenated in the cells, the header words whole
        header, body = t.findall(qn("w:tr"))
        hyphens = qn("w:pPr") + "/" + qn("w:suppressAutoHyphens")
        assert {p.find(hyphens).get(qn("w:val")) for p in header.iter(qn("w:p"))} == {"true"}
        assert {p.find(hyphens).get(qn("w:val")) for p in body.iter(qn("w:p"))} == {"false"}


def test_settings_allow_hyphenation_in_the_schema_order_and_nothing_asks_to_update_fields(docx_path):
    """Word asks the reader on opening when updateFields is set or a field is marked dirty."""
    import zipfile

    with zipfile.ZipFile(docx_path) as z:
        settings = z.read("word/settings.xml").decode()
        parts = {name: z.read(name).decode() for name in z.namelist() if name.endswith(".xml")}
    tags = [t for t in __import__("re").findall(r"<w:(\w+)", settings) if t != "settings"]
    assert tags.index("defaultTabStop") < tags.index("autoHyphenation") < tags.index("characterSpacingControl")
    assert "updateFields" not in settings
    assert not [name for name, xml in parts.items() if "w:dirty" in xml]


def test_no_properties_element_holds_the_same_property_twice(docx_path):
    """Quarto wrote two <w:jc> in table cells' paragraphs; the schema allows one of each."""
    body = Document(docx_path).element.body
    twice = []
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:tcPr"):
        for props in body.iter(qn(tag)):
            children = [c.tag for c in props]
            twice += [f"{tag}: {c.split('}')[1]}" for c in set(children) if children.count(c) > 1]
    assert twice == []
    quarto = Document(QUARTO_DOCX).element.body  # the test sees the defect where it is
    assert any(len(p.findall(qn("w:jc"))) > 1 for p in quarto.iter(qn("w:pPr")))


def _contents(docx_path):
    body = Document(docx_path).element.body
    entries = [p for p in body.iter(qn("w:p")) if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
               and s.get(qn("w:val")) in ("TOC1", "TOC2")]
    bookmarks = {b.get(qn("w:name")): b.getparent() for b in body.iter(qn("w:bookmarkStart"))}
    return body, entries, bookmarks


def test_the_contents_is_there_when_the_file_opens_and_links_to_every_heading(docx_path):
    body, entries, bookmarks = _contents(docx_path)
    headings = [p for p in body.iter(qn("w:p")) if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
                and s.get(qn("w:val")) in ("Heading1", "Heading2")]
    assert len(entries) == len(headings) > 5
    for entry, heading in zip(entries, headings):
        link = entry.find(qn("w:hyperlink"))
        assert bookmarks[link.get(qn("w:anchor"))] is heading
        assert _texts([link])[0].startswith(_texts([heading])[0])
    # one TOC field around the entries, which a reader can update
    instr = [t.text for t in body.iter(qn("w:instrText"))]
    assert sum("TOC" in i for i in instr) == 1
    kinds = [f.get(qn("w:fldCharType")) for e in entries for f in e.iter(qn("w:fldChar"))]
    assert kinds.count("begin") == kinds.count("end")


@needs("soffice", "pdftotext")
def test_the_contents_has_the_pages_libreoffice_lays_the_headings_on(docx_path, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", str(tmp_path / "rapport.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")]
    _, entries, _ = _contents(docx_path)
    for entry in entries:
        words = [w.text for w in entry.iter(qn("w:t"))]  # the heading, then its page number
        heading, number = " ".join(words[0].split()), words[-1]
        assert len(words) == 2 and number.isdigit(), words
        assert heading[:40] in pages[int(number) - 1], f"«{heading}» står ikke på side {number}"


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


def test_a_picture_without_alt_text_stops_it_and_leaves_the_input_untouched(project, tmp_path):
    path = tmp_path / "rapport.docx"
    doc = Document(QUARTO_DOCX)
    next(doc.element.body.iter(qn("wp:docPr"))).set("descr", "")
    doc.save(path)
    before = path.read_bytes()
    with pytest.raises(FinalizeError, match="1 bilde.* uten alternativ tekst: bildet etter overskriften «2.2 Utviklingen i tall»"):
        finalize_docx(path, load_config(project))
    assert path.read_bytes() == before


@needs("soffice", "pdftotext")
def test_libreoffice_lays_it_out_with_page_numbers_and_chapters_on_new_pages(docx_path, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "rapport.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [[ln.strip() for ln in page.splitlines() if ln.strip()] for page in text.split("\f")[:-1]]
    assert len(pages) > 5
    assert pages[0][-1] != "1"  # the cover has no page number
    for number, lines in enumerate(pages[1:], start=2):
        assert len(lines) > 1 and lines[-1] == str(number), f"side {number}: {lines[-2:]}"
    headings = [p.text for p in Document(docx_path).paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 4
    for heading in headings:
        assert any(" ".join(lines[:3]).startswith(heading) for lines in pages), f"«{heading}» starter ikke en ny side"


def test_every_paragraph_has_one_properties_element_in_the_schemas_order(docx_path):
    from report.publish.docx.valid import PPR_ORDER

    body = Document(docx_path).element.body
    assert all(len(p.findall(qn("w:pPr"))) <= 1 for p in body.iter(qn("w:p")))
    for ppr in body.iter(qn("w:pPr")):
        ranks = [PPR_ORDER.index(c.tag) for c in ppr if c.tag in PPR_ORDER]
        assert ranks == sorted(ranks), [c.tag.split("}")[1] for c in ppr]
    # Quarto's own file has the defect: a caption paragraph with two, the style last
    quarto = Document(QUARTO_DOCX).element.body
    assert any(len(p.findall(qn("w:pPr"))) > 1 for p in quarto.iter(qn("w:p")))
    captions = [p for p in body.iter(qn("w:p")) if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
                and s.get(qn("w:val")) == "ImageCaption"]
    assert captions and all(p.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "left" for p in captions)


def test_rows_never_split_and_a_figure_keeps_its_note_and_caption(docx_path):
    body = Document(docx_path).element.body
    data = [t for t in _tables(body) if _is_header_row(t.find(qn("w:tr")))]
    assert data and all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
                        for t in data for row in t.findall(qn("w:tr")))
    for table in data:  # each row keeps with the next: a table that fits on a page stays whole
        rows = table.findall(qn("w:tr"))
        keeps = [all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))
                 for row in rows]
        assert keeps[:-1] == [True] * (len(rows) - 1)
    frames = [t for t in _tables(body) if len(t.findall(qn("w:tr"))) == 1 and any(True for _ in t.iter(qn("w:drawing")))]
    assert frames
    for frame in frames:
        paragraphs = list(frame.iter(qn("w:p")))
        assert len(paragraphs) >= 2  # the picture, the note, the caption
        assert all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in paragraphs[:-1])
        assert frame.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:cantSplit')}") is not None


def test_the_cover_is_in_the_house_style_with_the_logo_when_there_is_one(project, tmp_path):
    from PIL import Image

    Image.new("RGB", (200, 80), "#025169").save(project / "figures" / "logo.png")
    out = tmp_path / "med-logo.docx"
    shutil.copy(QUARTO_DOCX, out)
    finalize_docx(out, load_config(project))
    doc = Document(out)
    first = doc.paragraphs[0]
    pictures = list(first._p.iter(qn("wp:docPr")))
    assert pictures and pictures[0].get("descr") == "Helsedirektoratet (logo)"
    assert doc.paragraphs[1].style.name == "Title"


def test_the_reference_styles_set_the_cover_left_in_the_house_colour(tmp_path):
    from report.publish.docx.reference import HEADING_COLOUR, write_reference_doc

    write_reference_doc(tmp_path / "ref.docx")
    styles = Document(tmp_path / "ref.docx").styles
    for name in ("Title", "Subtitle", "TOC Heading"):
        assert styles[name].paragraph_format.alignment == 0  # left
        assert styles[name].font.color.rgb == HEADING_COLOUR


def test_om_rapporten_has_its_own_page_after_the_cover_as_in_the_pdf(docx_path):
    body = Document(docx_path).element.body
    paragraphs = [p for p in body if p.tag == qn("w:p")]
    texts = [_texts([p])[0] for p in paragraphs]
    colophon, contents, foreword = texts.index("Om rapporten"), texts.index("Innhold"), texts.index("Forord")
    cover = next(i for i, p in enumerate(paragraphs) if any(b.get(qn("w:name")) == "nhsp_forside"
                                                            for b in p.iter(qn("w:bookmarkStart"))))
    assert cover < colophon < contents < foreword
    assert paragraphs[colophon].find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
    assert any(t.startswith("Utgitt av") for t in texts[colophon:contents])  # what it says came with it
    assert not any(t.startswith("Utgitt av") for t in texts[foreword:])


@needs("soffice")
def test_contents_pages_added_later_make_the_same_file(project, tmp_path):
    """`rapport bygg` numbers the contents once Word's Quarto has exited
    (report/publish/formats.py): the file is the one the post-render step makes on its own."""
    config = load_config(project)
    at_once, later = tmp_path / "samtidig.docx", tmp_path / "etterpaa.docx"
    for path in (at_once, later):
        shutil.copy(QUARTO_DOCX, path)
    finalize_docx(at_once, config, "utkast 1", draft=True)
    finalize_docx(later, config, "utkast 1", draft=True, contents_pages=False)
    assert later.read_bytes() != at_once.read_bytes()
    assert add_contents_pages(later)
    assert later.read_bytes() == at_once.read_bytes()
