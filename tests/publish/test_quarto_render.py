"""The sample report through a real Quarto, as a writer makes it: `rapport bygg` in the project
folder. One render is shared by the checks; they look at what a reader gets in each format.
Skipped where Quarto is not installed (CI cannot install it)."""

import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from helpers.clients import needs
from helpers.pdfs import figure_alt_texts, overprinted

from report.content import palette
from report.data import schema
from report.data.config import load_config
from report.data.load import load_dataset
from report.publish.quarto import find_quarto

pytestmark = pytest.mark.skipif(find_quarto() is None, reason="quarto er ikke installert på denne maskinen")

RAPPORT = str(Path(sys.executable).parent / "rapport")
# `rendered` (conftest.py): one `rapport bygg` of the sample, shared with tests/publish/test_html.py


def _bygg(project):
    return subprocess.run([RAPPORT, "bygg"], cwd=project, capture_output=True, text=True, timeout=1200)


def _one(project, pattern):
    found = list((project / "_bok").glob(pattern))
    assert len(found) == 1, found
    return found[0]


def _titles(project):
    config = load_config(project)
    dataset, _ = load_dataset(config.data_dir)
    return [a.title for a in dataset.assignments_for(config.year)]


def _words(text):
    return " ".join(text.replace("\u00ad", "").split())


# Quarto checks PDF/UA with veraPDF where it is installed (`quarto install verapdf`, which needs
# Java and the internet); without it Quarto says so. Typst's own PDF/UA-1 checks still run.
ENVIRONMENT_WARNING = re.compile(r"WARN: PDF standard validation requested but verapdf is not installed\.\n"
                                 r"Install with: quarto install verapdf\nStandards requested: ua-1")


def test_bygg_makes_all_three_formats_without_warnings(rendered):
    project, result = rendered
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode == 0, output[-4000:]
    assert "Traceback" not in output
    assert not re.search(r"\bWARN(ING)?\b", ENVIRONMENT_WARNING.sub("", output)), output[-4000:]
    assert (project / "_bok" / "index.html").is_file()
    assert _one(project, "*.pdf").name == "NHSP-statusrapport-2022.pdf"
    assert _one(project, "*.docx").name == "NHSP-statusrapport-2022.docx"
    assert not (project / ".bok-ny").exists(), "the staging folder is gone after a build"
    # the three formats at once, each in its own copy of the sources (gone after the build), the
    # progress shown per format, the pre-render step once
    assert not (project / ".bygg").exists()
    lines = output.splitlines()
    for name in ("PDF", "Word", "HTML"):
        assert f"[{name}] [20/20] chapters/vedlegg-7-enkeltoppdrag.qmd" in lines, name
    assert sum(line.startswith("Generert ") for line in lines) == 1


def _pdf_pages(project):
    text = subprocess.run(["pdftotext", "-layout", str(_one(project, "*.pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[ln.strip() for ln in page.splitlines() if ln.strip()] for page in text.split("\f")[:-1]]


@needs("pdftotext")
def test_pdf_pages_numbers_heads_and_appendices(rendered):
    project, _ = rendered
    pages = _pdf_pages(project)
    assert len(pages) > 20
    for number, lines in enumerate(pages[1:], start=2):
        assert lines[-1].split()[-1] == str(number), f"side {number}: sidetallet nederst mangler"
        assert not lines[0].isdigit(), f"side {number}: sidetallet står to ganger"
        assert len(lines) >= 3, f"side {number} er tom eller har bare en overskrift: {lines}"
    text = "\n".join(ln for lines in pages for ln in lines)
    assert "Kapitel " not in text and "Kapittel 1" in text
    for n in range(1, 8):
        assert re.search(rf"^Vedlegg {n}: ", text, re.M), f"Vedlegg {n}"
    assert not re.search(r"Vedlegg [A-G]\b|\b[A-G]\.\d", text), "bokstaver for vedleggene"


@needs("pdftotext")
def test_pdf_no_text_runs_over_other_text(rendered):
    """A header word or a long word in a narrow column of Vedlegg 7 ran over the next column."""
    project, _ = rendered
    assert overprinted(_one(project, "*.pdf")) == []


def test_pdf_is_tagged_with_language_title_and_alt_text(rendered):
    import pikepdf

    project, _ = rendered
    with pikepdf.open(_one(project, "*.pdf")) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "nb-NO"
        assert bool(root.MarkInfo.Marked) and "/StructTreeRoot" in root
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title).startswith("Rapportering på status")
        figures = figure_alt_texts(pdf)
    assert len(figures) >= 8 and all(alt.strip() for alt in figures)


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources, self.workbooks, self.phone_versions = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src", ""))
        if tag == "source":  # a figure's phone version
            self.sources.append(dict(attrs).get("srcset", ""))
            self.phone_versions += 1
        if tag == "a" and dict(attrs).get("href", "").endswith(".xlsx"):
            self.workbooks.append(dict(attrs)["href"])


def test_every_html_image_exists(rendered):
    project, _ = rendered
    seen = phone_versions = 0
    for page in (project / "_bok").rglob("*.html"):
        parser = _Images()
        parser.feed(page.read_text(encoding="utf-8"))
        phone_versions += parser.phone_versions
        for src in parser.sources:
            if src.startswith(("data:", "http")):
                continue
            assert (page.parent / src.split("#")[0]).resolve().is_file(), (page.name, src)
            seen += 1
    assert seen >= 8, "the sample's figures are in the HTML"
    assert phone_versions == seen // 2, "every figure has its phone version"


def test_every_figure_links_to_its_numbers_on_the_web_page_only(rendered):
    project, _ = rendered
    links = 0
    for page in (project / "_bok" / "chapters").glob("*.html"):
        parser = _Images()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        for href in parser.workbooks:
            assert (page.parent / href).resolve().is_file(), (page.name, href)
        links += text.count(">Last ned tallene bak figuren (Excel)</a>")
    assert links >= 8
    docx = " ".join(t.text or "" for t in Document(_one(project, "*.docx")).element.body.iter(qn("w:t")))
    assert "Last ned tallene" not in docx
    if shutil.which("pdftotext"):
        assert "Last ned tallene" not in "\n".join(ln for page in _pdf_pages(project) for ln in page)


def test_every_assignment_is_in_every_format(rendered):
    project, _ = rendered
    html = _words(re.sub(r"<[^>]+>", " ", "".join(
        p.read_text(encoding="utf-8") for p in (project / "_bok").rglob("*.html"))))
    pdf = _words(subprocess.run(["pdftotext", str(_one(project, "*.pdf")), "-"], capture_output=True,
                                text=True, check=True).stdout) if shutil.which("pdftotext") else None
    docx = _words(" ".join(t.text or "" for t in Document(_one(project, "*.docx")).element.body.iter(qn("w:t"))))
    for title in _titles(project):
        assert _words(title) in docx, title
        assert _words(title).replace("&", "&amp;") in html or _words(title) in html, title
        if pdf is not None:
            assert _words(title) in pdf.replace("- ", "-").replace("-", "") or _words(title) in pdf, title


def _tables(body):
    return list(body.iter(qn("w:tbl")))


def _header_row(table):
    return table.find(qn("w:tr")).find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def _text(element):
    return "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()


def _cell_texts(row):
    return [_text(c) for c in row.findall(qn("w:tc"))]


def test_docx_tables_fills_and_pictures(rendered):
    project, _ = rendered
    body = Document(_one(project, "*.docx")).element.body
    tables = _tables(body)
    for table in tables:
        assert table.find(qn("w:tblGrid")) is not None, "every table has a grid (the schema requires one)"
        first = table.find(qn("w:tr"))
        if len(table.findall(qn("w:tr"))) == 1 or _cell_texts(first)[0].startswith(("Tabell", "Figur", "Kilde")):
            assert not _header_row(table), "layout tables have no repeating header row"
    overview = [t for t in tables if _cell_texts(t.find(qn("w:tr"))) == list(schema.OVERVIEW_COLUMNS)]
    assert len(overview) == 1 and _header_row(overview[0])
    fills = {s.get(qn("w:fill")) for s in overview[0].iter(qn("w:shd"))}
    assert set(palette.COLOUR_FILLS.values()) <= fills
    headers = [h for h, _ in schema.APPENDIX7_COLUMNS]
    status = headers.index("Status")
    appendix7 = [t for t in tables if [c[:len(h)] for c, h in zip(_cell_texts(t.find(qn("w:tr"))), headers)] == headers]
    assert len(appendix7) == len(_titles(project))
    assert all(_header_row(t) for t in appendix7)
    grids = {tuple(c.get(qn("w:w")) for c in t.find(qn("w:tblGrid"))) for t in appendix7}
    assert len(grids) == 1, "every Vedlegg 7 table has the same column widths"
    # the Status header: its word, then the prompt from rapport.toml in a smaller, not bold style
    prompt = appendix7[0].find(qn("w:tr")).findall(qn("w:tc"))[status]
    assert _cell_texts(appendix7[0].find(qn("w:tr")))[status] == "Status" + schema.STATUS_PROMPT
    runs = [r for r in prompt.iter(qn("w:r")) if r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}") is not None]
    assert runs and all(r.find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val")) == "15" for r in runs)
    # «Overordnet status» is one cell across the table, as wide as the nine columns
    across = [tc for t in appendix7 for tc in t.iter(qn("w:tc")) if _text(tc).startswith("Overordnet status")]
    assert across
    width = sum(int(c.get(qn("w:w"))) for c in appendix7[0].find(qn("w:tblGrid")))
    for tc in across:
        assert tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == str(len(headers))
        assert int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) == width
    pictures = list(body.iter(qn("wp:docPr")))
    assert len(pictures) >= 8 and all(p.get("descr", "").strip() for p in pictures)


def test_docx_sections_footers_and_no_empty_last_page(rendered):
    project, _ = rendered
    doc = Document(_one(project, "*.docx"))
    for section in doc.sections:
        assert "PAGE" in "".join(t.text for t in section.footer._element.iter(qn("w:instrText")))
        short, long = sorted((section.page_width.cm, section.page_height.cm))
        assert (round(short, 1), round(long, 1)) == (21.0, 29.7)
    assert [s.page_width > s.page_height for s in doc.sections][-1], "Vedlegg 7 ends the book in landscape"
    assert sum(s.page_width > s.page_height for s in doc.sections) == 1
    instr = "".join(t.text for t in doc.element.body.iter(qn("w:instrText")))
    assert instr.count("TOC") == 1
    props = doc.core_properties
    assert props.language == "nb-NO" and props.title


@needs("soffice", "pdftotext")
def test_docx_as_libreoffice_lays_it_out(rendered, tmp_path):
    project, _ = rendered
    shutil.copy(_one(project, "*.docx"), tmp_path / "rapport.docx")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "rapport.docx")], check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "rapport.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) > 20
    for number, page in enumerate(pages[1:], start=2):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert lines and lines[-1] == str(number), f"side {number} har ikke sidetallet nederst: {lines[-3:]}"
        assert len(lines) > 1, f"side {number} er tom"
    # the heading before the landscape tables is on the first landscape page, not stranded
    oppdragene = [i for i, p in enumerate(pages) if re.search(r"^\s*Oppdragene\s*$", p, re.M)]  # unnumbered
    assert oppdragene and "Brukermedvirkning" in pages[oppdragene[0]]
    # each line of the contents has the page its heading is on (added once Word's Quarto exited)
    document = Document(tmp_path / "rapport.docx")
    styles = [(p, p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) for p in document.element.body.iter(qn("w:p"))]
    entries = [[t.text for t in p.iter(qn("w:t"))] for p, style in styles
               if style is not None and re.fullmatch(r"TOC\d", style.get(qn("w:val")))]
    assert len(entries) > 10
    for words in entries:
        assert len(words) == 2 and words[-1].isdigit() and words[-1] != "00", words
        assert _words(words[0])[:30] in _words(pages[int(words[-1]) - 1]), f"«{words[0]}» står ikke på side {words[-1]}"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    # after the contents, whose lines end in dotted leaders and page numbers
    body = 1 + max(i for i, p in enumerate(pages) if re.search(r"\.{5,}\s*\d+\s*$", p, re.M))
    starts = [next(i for i, p in enumerate(pages) if i >= body and h in _words(p)) for h in headings]
    for heading, page in zip(headings, starts):
        first_line = next(ln.strip() for ln in pages[page].splitlines() if ln.strip())
        assert _words(heading).startswith(_words(first_line)[:20]), f"«{heading}» starter ikke en ny side"


def _unstamped(project, docx) -> dict[str, bytes]:
    """The Word file's parts, the build's stamp (its time) taken out."""
    stamp = json.loads((project / "_bok" / "tall.json").read_text(encoding="utf-8"))["stamp"].encode()
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert any(stamp in part for part in parts.values())
    return {n: part.replace(stamp, b"STEMPEL") for n, part in parts.items()}


def test_two_builds_give_the_same_docx_and_a_failed_build_keeps_the_report(rendered):
    project, _ = rendered
    docx = _one(project, "*.docx")
    first = _unstamped(project, docx)
    assert _bygg(project).returncode == 0
    assert _unstamped(project, docx) == first, "the same inputs give the same Word file, but for the build's stamp"
    before = {p.relative_to(project).as_posix(): p.read_bytes() for p in (project / "_bok").rglob("*") if p.is_file()}
    chapter = project / "chapters" / "oppdrag.qmd"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\n{{< blokk finnes-ikke >}}\n", encoding="utf-8")
    try:
        failed = _bygg(project)
    finally:
        chapter.write_text(text, encoding="utf-8")  # the build is shared with other tests
    assert failed.returncode != 0
    assert "Forrige versjon i _bok/ er beholdt" in failed.stderr
    after = {p.relative_to(project).as_posix(): p.read_bytes() for p in (project / "_bok").rglob("*") if p.is_file()}
    assert after == before


@needs("pdftotext")
def test_vedlegg7_deliveries_overall_status_and_prompt_in_pdf_and_web(rendered):
    project, _ = rendered
    pdf = " ".join(subprocess.run(["pdftotext", str(_one(project, "*.pdf")), "-"], capture_output=True,
                                  text=True, check=True).stdout.split())
    pdf = re.sub(r" (?=[.,])", "", pdf)  # the colour's box is a space of its own in pdftotext
    for words in ("Overordnet status. Fremdrift: gul. Trend: uendret.", "Hele oppdraget", "Råd og veiledning",
                  "Levert – frist 15.06.2022", "2. kvartal 2023"):
        assert words in pdf, words
    assert "Hva har skjedd og hva er planen fremover / Ressurssituasjon" in pdf
    page = (project / "_bok" / "chapters" / "vedlegg-7-enkeltoppdrag.html").read_text(encoding="utf-8")
    page = page.replace("\u00ad", "")  # the soft hyphens of wide tables
    across = re.findall(r'<td colspan="(\d+)"[^>]*>\s*<p><strong>Overordnet status', page)
    assert across and set(across) == {str(len(schema.APPENDIX7_COLUMNS))}
    assert page.count('class="ledetekst"') == len(_titles(project))
