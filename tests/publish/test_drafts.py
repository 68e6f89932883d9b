"""A draft says so, and every build says which it is: unfinished text on a fill
(_extensions/nhsp/uferdig.lua, with Pandoc alone), the Word file's marks and stamp (on the file
Quarto wrote, tests/fixtures/), and the web pages' banner and <meta> (on Quarto's pages)."""

import re
import shutil
import subprocess
import zipfile

import pypandoc
from docx import Document
from docx.oxml.ns import qn
from helpers.project import FIXTURES, ROOT

from report.content import palette
from report.data.config import load_config
from report.publish.docx.finalize import finalize_docx
from report.publish.docx.valid import RPR_ORDER
from report.publish.html.furniture import finish_page

STAMP = "30.11.2026 10:15 · 0123456789"
FILTER = ROOT / "_extensions" / "nhsp" / "uferdig.lua"
CHAPTER = "Ferdig tekst.\n\nSkriv her om planene.\n\n[UFERDIG] Risikoen må beskrives.\n\nOgså ferdig.\n"


def _pandoc(to: str, out=None) -> str:
    args = [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", to, "--lua-filter", str(FILTER)]
    result = subprocess.run(args + (["-o", str(out)] if out else []), input=CHAPTER, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_unfinished_paragraphs_and_only_they_are_marked():
    html = _pandoc("html")
    marked = [" ".join(m.split()) for m in re.findall(r'<span class="uferdig"[^>]*>(.*?)</span>', html, re.S)]
    assert marked == ["Skriv her om planene.", "[UFERDIG] Risikoen må beskrives."]
    assert "<p>Ferdig tekst.</p>" in html and "<p>Også ferdig.</p>" in html


def test_unfinished_text_has_the_word_style_the_post_render_step_fills(tmp_path):
    _pandoc("docx", tmp_path / "kapittel.docx")
    with zipfile.ZipFile(tmp_path / "kapittel.docx") as z:
        assert z.read("word/document.xml").decode().count('<w:rStyle w:val="Uferdig" />') == 2


def _finalized(project, tmp_path, draft: bool):
    tmp_path.mkdir(exist_ok=True)
    out = tmp_path / "rapport.docx"
    shutil.copy(FIXTURES / "quarto-liten-bok.docx", out)
    finalize_docx(out, load_config(project), STAMP, draft)
    return out


def _words(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", z.read(n).decode()))
                for n in sorted(z.namelist()) if re.match(r"word/(document|footer\d*)\.xml$", n)]


def test_a_draft_word_file_says_utkast_on_the_cover_and_each_page_with_its_stamp(project, tmp_path):
    path = _finalized(project, tmp_path, draft=True)
    doc = Document(path)
    body = doc.element.body
    cover = [p.text for p in doc.paragraphs[:8]]
    assert f"Utkast – ikke den endelige versjonen. Laget {STAMP}." in cover
    footers = [s.footer for s in doc.sections]
    assert all(f.paragraphs[0].text == f"Utkast {STAMP}" for f in footers)
    assert all("PAGE" in "".join(t.text for t in f._element.iter(qn("w:instrText"))) for f in footers)
    with zipfile.ZipFile(path) as z:
        assert f'name="nhsp-stempel"><vt:lpwstr>{STAMP}</vt:lpwstr>' in z.read("docProps/custom.xml").decode()
    before = path.read_bytes()
    finalize_docx(path, load_config(project), STAMP, True)  # a second run adds nothing
    assert path.read_bytes() == before
    for rpr in body.iter(qn("w:rPr")):  # the fills and colours in the schema's order
        tags = [c.tag for c in rpr]
        assert tags == sorted(tags, key=lambda t: RPR_ORDER.index(t) if t in RPR_ORDER else len(RPR_ORDER))


def test_the_final_word_file_has_no_marks_but_its_stamp(project, tmp_path):
    path = _finalized(project, tmp_path, draft=False)
    assert not any(f"Utkast {STAMP}" in words or "ikke den endelige versjonen" in words for words in _words(path))
    assert any(f"Utkast {STAMP}" in words for words in _words(_finalized(project, tmp_path / "utkast", True)))
    with zipfile.ZipFile(path) as z:
        assert f"<vt:lpwstr>{STAMP}</vt:lpwstr>" in z.read("docProps/custom.xml").decode()


def test_unfinished_runs_get_the_fill_in_word(project, tmp_path):
    source = tmp_path / "kapittel.docx"
    _pandoc("docx", source)
    finalize_docx(source, load_config(project), STAMP, True)
    runs = [r for r in Document(source).element.body.iter(qn("w:r"))
            if r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}") is not None
            and r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "Uferdig"]
    assert runs and all(r.find(f"{qn('w:rPr')}/{qn('w:shd')}").get(qn("w:fill")) == palette.UNFINISHED_FILL
                        for r in runs)


def test_web_pages_carry_the_stamp_and_a_drafts_banner(tmp_path):
    page = (FIXTURES / "html" / "chapters" / "oppdrag.html").read_text(encoding="utf-8")
    draft = finish_page(page, stamp=STAMP, draft=True)
    banner = re.search(r'<main[^>]*>\s*<div class="utkast-merke" role="note">(.*?)</div>', draft)
    assert banner and banner[1] == f"<strong>Utkast</strong> – ikke den endelige versjonen. Laget {STAMP}."
    assert f'<meta name="nhsp-stempel" content="{STAMP}">' in draft
    assert finish_page(draft, stamp=STAMP, draft=True) == draft
    final = finish_page(page, stamp=STAMP, draft=False)
    assert "utkast-merke" not in final and f'content="{STAMP}"' in final
