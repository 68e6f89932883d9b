"""The whole book: generated blocks in place, through Pandoc, and through Quarto when present."""

import html
import json
import os
import re
import subprocess

import pypandoc
import pytest
from docx import Document
from helpers.bookfiles import book_files, resolve, whole_book

from report.build import build

PANDOC = pypandoc.get_pandoc_path()


def _pandoc(root, source, *args):
    return subprocess.run(
        [PANDOC, "-f", "markdown", "--wrap=none", *args], input=source, cwd=root,
        capture_output=True, text=True, timeout=120,
    )


def _headings(root):
    """Every level-1 heading of the book's chapters, in order."""
    headings = []
    for f in book_files(root):
        for line in resolve(root, f.read_text(encoding="utf-8")).splitlines():
            m = re.match(r"^# (.+?)(\s*\{.*\})?$", line)
            if m:
                headings.append(m.group(1).strip())
    return headings


@pytest.fixture
def built(project):
    build(project)
    return project


def test_whole_book_converts_to_html_without_warnings(built):
    result = _pandoc(built, whole_book(built), "-t", "html", "--default-image-extension=svg")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    headings = _headings(built)
    assert len(headings) >= 15
    for heading in headings:
        assert html.escape(heading, quote=False) in result.stdout
    assert result.stdout.count("<table") >= 3


def test_whole_book_converts_to_docx_with_every_image_and_alt_text(built, tmp_path):
    out = tmp_path / "bok.docx"
    result = _pandoc(
        built, whole_book(built), "-t", "docx", "-o", str(out), "--default-image-extension=png",
        f"--reference-doc={built / '_generert' / 'referanse.docx'}",
    )
    assert result.returncode == 0, result.stderr
    assert "Could not" not in result.stderr, result.stderr
    doc = Document(out)
    texts = [p.text for p in doc.paragraphs]
    for heading in _headings(built):
        assert heading in texts
    drawings = doc.element.body.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}drawing")
    figures = list((built / "_generert" / "figurer").glob("*.png"))
    assert len(drawings) == len(figures) > 0
    for d in drawings:
        doc_pr = d.find(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
        assert doc_pr.get("descr"), "every image has alt text"


def test_every_block_parses_with_pandoc(built):
    for block in sorted((built / "_generert" / "blokker").glob("*.md")):
        result = _pandoc(built, block.read_text(encoding="utf-8"), "-t", "json")
        assert result.returncode == 0, (block.name, result.stderr)
        assert json.loads(result.stdout)["blocks"], f"{block.name} is empty"


def test_pandoc_takes_the_runtime_setting_rapport_bygg_gives_it():
    from report.publish.quarto import RUNTIME

    result = subprocess.run([pypandoc.get_pandoc_path(), "--version"], capture_output=True, text=True,
                            env={**os.environ, **RUNTIME})
    assert result.returncode == 0 and "pandoc" in result.stdout
    assert result.stderr == ""  # a Pandoc built without RTS options says it ignores GHCRTS
