"""Every label a reader or a reference can use is unique in the sample report, in each format:
sections, tables and figures. The appendices' sections are unnumbered and their tables and
figures «Tabell V2.1», so none reads like chapter 2's; no heading is numbered deeper than three
levels. Through a real Quarto (`rendered`, conftest.py); skipped where Quarto is not installed."""

import re
import subprocess
from collections import Counter

import pytest
from docx import Document
from docx.oxml.ns import qn
from helpers.clients import needs

from report.publish.quarto import find_quarto

pytestmark = pytest.mark.skipif(find_quarto() is None, reason="quarto er ikke installert på denne maskinen")

CAPTION = re.compile(r"^(Tabell|Figur)[\s\u00a0](V?\d+\.\d+):")
SECTION = re.compile(r"^(\d+(?:\.\d+)+)\s")


def _one(project, pattern):
    [found] = (project / "_bok").glob(pattern)
    return found


def _repeated(labels):
    return [label for label, n in Counter(labels).items() if n > 1]


def _check(captions, sections):
    assert any(label.startswith("Tabell V2.") for label in captions), "Vedlegg 2's table"
    assert len(captions) >= 10 and _repeated(captions) == []
    assert len(sections) >= 20 and _repeated(sections) == []
    assert max(section.count(".") + 1 for section in sections) <= 3, "numbered three levels deep at most"


def test_word_labels_are_unique(rendered):
    project, _ = rendered
    body = Document(_one(project, "*.docx")).element.body
    captions, sections = [], []
    for p in body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")).startswith("Heading"):
            if m := SECTION.match(text):
                sections.append(m[1])
        elif m := CAPTION.match(text):
            captions.append(f"{m[1]} {m[2]}")
    _check(captions, sections)


def test_web_labels_are_unique_and_the_sidebar_says_vedlegg(rendered):
    project, _ = rendered
    captions, sections = [], []
    for page in sorted((project / "_bok").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        main = text.split('<main class="content"', 1)[-1].split("</main>", 1)[0]
        sections += re.findall(r'<span class="header-section-number">([\d.]+)</span>', main)
        captions += [f"{m[0]} {m[1]}" for m in re.findall(r"<figcaption[^>]*>\s*(?:<p>)?(Tabell|Figur)(?:&nbsp;|\u00a0| )(V?\d+\.\d+):",
                                                           main)]
    _check(captions, [s for s in sections if "." in s])
    index = (project / "_bok" / "index.html").read_text(encoding="utf-8")
    numbers = re.findall(r'<span class="chapter-number">([^<]*)</span>', index.split('id="quarto-sidebar"', 1)[1])
    assert numbers[11:19] == ["12", "Vedlegg 1", "Vedlegg 2", "Vedlegg 3", "Vedlegg 4", "Vedlegg 5", "Vedlegg 6",
                              "Vedlegg 7"], numbers


@needs("pdftotext")
def test_pdf_labels_are_unique(rendered):
    import pikepdf

    project, _ = rendered
    pdf = _one(project, "*.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    captions = [f"{m[1]} {m[2]}" for line in text.splitlines() if (m := CAPTION.match(line.strip()))]
    sections = []
    with pikepdf.open(pdf) as document, document.open_outline() as outline:
        def walk(items, appendix):
            for item in items:
                number = SECTION.match(item.title)
                assert not (appendix and number), f"an appendix's section is numbered: {item.title}"
                sections.extend([number[1]] if number else [])
                walk(item.children, appendix or item.title.startswith("Vedlegg "))
        walk(outline.root, False)
    _check(captions, sections)
