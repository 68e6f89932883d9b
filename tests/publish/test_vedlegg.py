"""Appendices are Vedlegg 1 … Vedlegg 7, not lettered: the extension's filters and the HTML
post-render step on what Quarto really wrote (tests/fixtures/vedlegg/), and the whole way
through a real Quarto where it is installed."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypandoc
import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from helpers.commands import rapport
from helpers.project import FIXTURES, ROOT
from helpers.vedleggbok import WRITER, small_book

from report.publish.html import vedlegg
from report.publish.quarto import find_quarto

VEDLEGG = FIXTURES / "vedlegg"
FILTERS = ROOT / "_extensions" / "nhsp"
PANDOC = pypandoc.get_pandoc_path()
RAPPORT = str(Path(sys.executable).parent / "rapport")

# a number Quarto lettered: «Vedlegg B», «Tabell B.1», «B.1.2»
LETTERED = re.compile(r"\b(?:Vedlegg|Seksjon|Tabell|Figur)[\s\u00a0]+[A-Z]\b|(?<![\w.])[A-Z](?:\.\d+)+\b")
# a reference to an appendix's (unnumbered) section names the appendix; its table is «V2.1»
REFERENCES = ("Se også Vedlegg 1, Vedlegg 2 og Tabell V2.1. "
              "Nyhetsbrevene står i vedlegg 1 og tabell V2.1. " + WRITER)
# an appendix's section numbered like a chapter's: «2.1 Status …», «2.1.4 Helse Nord»
APPENDIX_SECTION_NUMBER = re.compile(r"(?:^|\|\s)(?:\d+\.)+\d+ (?:Status og eksempler|Helse Nord|Helsefellesskapet i Finnmark)")
APPENDIX_TITLES = ["Vedlegg 1: De fire prioriterte pasientgruppene", "Vedlegg 2: Status per helsefellesskap",
                   "Vedlegg 3: Erfaringssamling for helsefellesskap"]


def _words(text):
    return " ".join(text.replace("\u00a0", " ").split())


def _lettered(text):
    """Lettered numbers in a text, the writer's own sentence left out."""
    return LETTERED.findall(_words(text).replace(WRITER, ""))


def _pandoc(source, *args, lua="vedlegg.lua"):
    result = subprocess.run([PANDOC, "-f", "json", "--wrap=none", "--lua-filter", str(FILTERS / lua), *args,
                             str(source)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- the Lua filters, on the documents Quarto hands them ---------------------------------------

def test_word_document_headings_captions_and_references_are_numbered():
    before = _words(subprocess.run([PANDOC, "-f", "json", "-t", "plain", "--wrap=none", str(VEDLEGG / "bok-docx.json")],
                                   capture_output=True, text=True, check=True).stdout)
    assert "Vedlegg B: Status per helsefellesskap" in before and "Tabell B.1" in before, "Quarto letters them"

    text = _pandoc(VEDLEGG / "bok-docx.json", "-t", "plain")
    lines = [_words(line.strip("| ")) for line in text.splitlines()]
    for title in APPENDIX_TITLES:
        assert title in lines
    assert "B.1 Status og eksempler på arbeidet" in before, "Quarto numbers the appendix's sections"
    assert "Status og eksempler på arbeidet" in lines and "Helsefellesskapet i Finnmark" in lines
    assert not APPENDIX_SECTION_NUMBER.search(text), "an appendix's sections are unnumbered"
    assert any(line.startswith("Tabell V2.1: Helsefellesskapene etter regionalt helseforetak") for line in lines)
    assert not re.search(r"Tabell 2\.1\b", text), "chapter 2's label"
    assert "1.1 Tilskudd til sekretariatsfunksjon" in lines, "a chapter's sections keep their numbers"
    assert "Status for hvert helsefellesskap står i Vedlegg 2." in _words(text)
    assert REFERENCES in _words(text), "references numbered, the writer's sentence as written"
    assert _lettered(text) == []


def test_heading_number_attributes_are_numbered_and_appendix_sections_unnumbered():
    ast = json.loads(_pandoc(VEDLEGG / "bok-docx.json", "-t", "json"))
    headers = [(b["c"][0], dict(b["c"][1][2]).get("number"), b["c"][1][1]) for b in ast["blocks"] if b["t"] == "Header"]
    numbers = [number for _, number, _ in headers if number]
    assert "2" in numbers and "1.1" in numbers and [n for n in numbers if not re.fullmatch(r"[\d.]+", n)] == []
    appendix_sections = [h for h in headers if h[0] > 1 and h[1] is None]
    assert len(appendix_sections) > 20 and all("unnumbered" in classes for _, _, classes in appendix_sections)
    assert [n for n in numbers if n.startswith("2.")] == [], "no label of chapter 2's"


def test_html_appendix_page_sections_unnumbered_and_table_labelled():
    """Vedlegg 2's own page, which Quarto numbers in digits (vedlegg-nummer.lua): «2.1 Status …»
    and «Tabell 2.1» there are chapter 2's labels."""
    page = VEDLEGG / "vedlegg-2-html.json"
    before = _pandoc(page, "-t", "html", lua="vedlegg-nummer.lua")
    assert 'header-section-number">2.1</span>' in before and "Tabell\u00a02.1" in before.replace("&#160;", "\u00a0")
    html = _pandoc(page, "-t", "html")
    assert 'class="unnumbered" id="sec-vedlegg-status">Status og eksempler på arbeidet</h2>' in html
    assert "header-section-number" not in html and "data-number" not in html
    assert re.search(r"Tabell(\u00a0|&#160;| )V2\.1:", html)
    assert not re.search(r"Tabell(\u00a0|&#160;| )2\.1", html)


@pytest.mark.parametrize("page, title", [("vedlegg-1-html.json", APPENDIX_TITLES[0]),  # heading with an id
                                         ("vedlegg-3-html.json", APPENDIX_TITLES[2])])
def test_html_page_title_is_numbered(tmp_path, page, title):
    template = tmp_path / "title.txt"
    template.write_text("$title$\n", encoding="utf-8")
    assert _pandoc(VEDLEGG / page, "-t", "plain", "--template", str(template)).strip() == title


def test_quarto_index_of_an_appendix_page_is_not_lettered(tmp_path):
    """vedlegg-nummer.lua turns off the lettering Quarto's book sets for an appendix page."""
    ast = json.loads((VEDLEGG / "vedlegg-3-html.json").read_text(encoding="utf-8"))
    crossref = ast["meta"]["crossref"]["c"]
    crossref["chapters-alpha"] = {"t": "MetaBool", "c": True}  # as Quarto sets it, before the filter
    chapter = json.loads(json.dumps(ast))
    del chapter["meta"]["crossref"]["c"]["chapters-appendix"]
    template = tmp_path / "alpha.txt"
    template.write_text("$if(crossref.chapters-alpha)$bokstaver$else$tall$endif$\n", encoding="utf-8")
    for doc, expected in [(ast, "tall"), (chapter, "bokstaver")]:
        source = tmp_path / "doc.json"
        source.write_text(json.dumps(doc), encoding="utf-8")
        assert _pandoc(source, "-t", "plain", "--template", str(template), lua="vedlegg-nummer.lua").strip() == expected


# --- the HTML post-render step, on pages Quarto wrote ------------------------------------------

CHAPTER_NUMBER = re.compile(r"""<span class=["']chapter-number["']>([^<]*)</span>""")
# the text of a reference Quarto resolved
XREF_TEXT = re.compile(r'(?<=class="quarto-xref">).*?(?=</a>)')


def _html_text(page):
    return _words(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8").replace("&nbsp;", " ")))


@pytest.fixture
def html_output(tmp_path):
    out = tmp_path / "_bok"
    (out / "chapters").mkdir(parents=True)
    for page in ("helsefellesskap.html", "vedlegg-3-erfaringssamling.html"):
        shutil.copy(VEDLEGG / page, out / "chapters" / page)
    shutil.copy(VEDLEGG / "search.json", out / "search.json")
    return out


def _sidebar(page):
    sidebar = page.read_text(encoding="utf-8").split('id="quarto-sidebar"', 1)[1].split("</nav>", 1)[0]
    return CHAPTER_NUMBER.findall(sidebar)


def test_html_navigation_is_numbered_and_nothing_else_changes(html_output):
    pages = sorted(html_output.rglob("*.html"))
    before = {p: p.read_text(encoding="utf-8") for p in pages}
    assert _sidebar(pages[0]) == ["1", "A", "B", "C"], "Quarto letters the appendices"
    chapter = html_output / "chapters" / "helsefellesskap.html"
    assert "Seksjon 2.1 og Tabell 2.1." in _html_text(chapter), "Quarto's references into Vedlegg 2"

    assert vedlegg.number_appendices(html_output) == 3

    for page in pages:
        after = page.read_text(encoding="utf-8")
        assert _sidebar(page) == ["1", "Vedlegg 1", "Vedlegg 2", "Vedlegg 3"], "as the PDF's contents"
        assert not re.search(r"chapter-number\">[A-Z]<", after)
        assert CHAPTER_NUMBER.sub("", XREF_TEXT.sub("", after)) == CHAPTER_NUMBER.sub("", XREF_TEXT.sub("", before[page])), \
            "only Quarto's numbers and references"
    appendix3 = (html_output / "chapters" / "vedlegg-3-erfaringssamling.html").read_text(encoding="utf-8")
    breadcrumbs = appendix3.split('class="quarto-page-breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert CHAPTER_NUMBER.findall(breadcrumbs) == ["Vedlegg 3"]
    previous = appendix3.split('class="nav-page nav-page-previous"', 1)[1].split("</a>", 1)[0]
    assert CHAPTER_NUMBER.findall(previous) == ["Vedlegg 2"], "not «2», which is chapter 2"
    assert REFERENCES in _html_text(chapter), "references into an appendix relabelled, the writer's words as written"


def test_the_navigation_calls_appendices_what_the_book_does():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert vedlegg.APPENDIX == config["crossref"]["appendix-title"]


def test_search_index_crumbs_are_numbered(html_output):
    def appendix_crumbs(entries):
        return {n for e in entries if "vedlegg" in e["href"] for c in e["crumbs"] for n in CHAPTER_NUMBER.findall(c)}

    before = json.loads((html_output / "search.json").read_text(encoding="utf-8"))
    assert appendix_crumbs(before) == {"A", "B", "C"}, "Quarto letters them"
    vedlegg.number_appendices(html_output)
    after = json.loads((html_output / "search.json").read_text(encoding="utf-8"))
    assert appendix_crumbs(after) == {"Vedlegg 1", "Vedlegg 2", "Vedlegg 3"}
    assert [{k: v for k, v in e.items() if k != "crumbs"} for e in after] == \
           [{k: v for k, v in e.items() if k != "crumbs"} for e in before]


def test_second_run_changes_nothing(html_output):
    vedlegg.number_appendices(html_output)
    files = {p: p.read_bytes() for p in html_output.rglob("*") if p.is_file()}
    assert vedlegg.number_appendices(html_output) == 0
    assert {p: p.read_bytes() for p in files} == files


def test_post_render_script_numbers_the_html_as_quarto_runs_it(project, html_output):
    assert rapport(project, "generer").returncode == 0  # what Quarto runs before (pre-render)
    env = {**os.environ, "QUARTO_PROJECT_OUTPUT_DIR": str(html_output),
           "QUARTO_PROJECT_OUTPUT_FILES": "\n".join(str(p) for p in html_output.rglob("*.html"))}
    result = subprocess.run([sys.executable, "scripts/etterbehandle.py"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _sidebar(html_output / "chapters" / "helsefellesskap.html") == ["1", "Vedlegg 1", "Vedlegg 2", "Vedlegg 3"]


# --- through a real Quarto ---------------------------------------------------------------------

needs_quarto = pytest.mark.skipif(find_quarto() is None, reason="quarto er ikke installert på denne maskinen")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    project = small_book(tmp_path_factory.mktemp("vedlegg") / "prosjekt")
    result = subprocess.run([RAPPORT, "bygg"], cwd=project, capture_output=True, text=True, timeout=1200)
    return project, result


@needs_quarto
def test_small_book_renders_without_warnings(rendered):
    project, result = rendered
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert not re.search(r"\bWARN(ING)?\b", output), output[-4000:]


@needs_quarto
def test_html_says_vedlegg_1_to_3_everywhere(rendered):
    project, _ = rendered
    out = project / "_bok"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert _lettered(_html_text(page)) == [], page.name
        assert not re.search(r"chapter-number\">[A-Z]<", text), page.name
        assert _sidebar(page) == ["1", "Vedlegg 1", "Vedlegg 2", "Vedlegg 3"], page.name
    for page, title in zip(sorted((out / "chapters").glob("vedlegg-*.html")), APPENDIX_TITLES):
        text = page.read_text(encoding="utf-8")
        assert f"<title>{title} – " in text
        assert re.search(rf'<h1 class="title">(<span [^>]*>)?{title}<', text), page.name
    appendix1 = (out / "chapters" / "vedlegg-1-pasientgrupper.html").read_text(encoding="utf-8")
    following = appendix1.split('class="nav-page nav-page-next"', 1)[1].split("</a>", 1)[0]
    assert CHAPTER_NUMBER.findall(following) == ["Vedlegg 2"]
    appendix2 = _html_text(out / "chapters" / "vedlegg-2-helsefellesskap.html")
    assert "Tabell V2.1: Helsefellesskapene" in appendix2 and "Status og eksempler på arbeidet" in appendix2
    assert "Helse Nord" in appendix2 and not APPENDIX_SECTION_NUMBER.search(appendix2)
    chapter = _html_text(out / "chapters" / "helsefellesskap.html")
    assert "står i Vedlegg 2." in chapter and REFERENCES in chapter
    search = (out / "search.json").read_text(encoding="utf-8")
    assert "Vedlegg 2: Status per helsefellesskap" in search
    assert not re.search(r"chapter-number'>[A-Z]<|\"Vedlegg [A-Z]:", search)


@needs_quarto
def test_word_says_vedlegg_1_to_3(rendered):
    project, _ = rendered
    [docx] = (project / "_bok").glob("*.docx")
    body = Document(docx).element.body
    paragraphs = [_words("".join(t.text or "" for t in p.iter(qn("w:t")))) for p in body.iter(qn("w:p"))]
    for title in APPENDIX_TITLES + ["Status og eksempler på arbeidet", REFERENCES]:
        assert title in paragraphs
    assert any(p.startswith("Tabell V2.1: Helsefellesskapene") for p in paragraphs)
    assert not APPENDIX_SECTION_NUMBER.search("\n".join(paragraphs))
    assert _lettered(" ".join(paragraphs)) == []


@needs_quarto
def test_typst_leaves_reference_numbers_to_typst(rendered):
    """Quarto writes Typst references, not their text: the PDF's numbers are the template's."""
    project, _ = rendered
    [typ] = project.glob("*.typ")
    source = typ.read_text(encoding="utf-8")
    body = source[source.index("#heading("):]  # after Quarto's template, whose numbering patterns read "A.1"
    assert "#ref(<sec-vedlegg-helsefellesskap>, supplement: [Vedlegg])" in source
    assert "vedlegg #ref(<sec-vedlegg-pasientgrupper>, supplement: [])" in source
    assert _lettered(body) == []


@needs_quarto
def test_pdf_says_vedlegg_1_to_3(rendered):
    project, _ = rendered
    [typ] = project.glob("*.typ")
    assert "@preview/orange-book" not in typ.read_text(encoding="utf-8"), "the project's own Typst template"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) er ikke installert")
    [pdf] = (project / "_bok").glob("*.pdf")
    text = _words(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    assert "Vedlegg 2" in text and "Tabell V2.1" in text and "Status og eksempler på arbeidet" in text
    assert not re.search(r"Tabell 2\.1\b", text) and not APPENDIX_SECTION_NUMBER.search(text)
    assert REFERENCES in text
    assert _lettered(text) == []


@needs_quarto
def test_headings_are_numbered_three_levels_deep_at_most(rendered):
    """`number-depth: 3` in _quarto.yml: a chapter's fourth heading level is not numbered."""
    project, _ = rendered
    [docx] = (project / "_bok").glob("*.docx")
    word = [_words("".join(t.text or "" for t in p.iter(qn("w:t")))) for p in Document(docx).element.body.iter(qn("w:p"))]
    html = _html_text(project / "_bok" / "chapters" / "helsefellesskap.html")
    texts = {"Word": "\n".join(word), "web": html}
    if shutil.which("pdftotext"):
        [pdf] = (project / "_bok").glob("*.pdf")
        texts["PDF"] = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for name, text in texts.items():
        assert re.search(r"\b1\.1\.1 Nivå tre\b", _words(text)), name
        assert "Nivå fire" in text and not re.search(r"[\d.]+ Nivå fire", _words(text)), name
