"""The chapters' own quotation marks, as bokmål sets them in every format: the filter
_extensions/nhsp/sitater.lua run by Pandoc (the one pypandoc-binary ships), as Quarto runs it."""

import re
import subprocess
import zipfile

import pypandoc
import pytest
from helpers.project import ROOT

FILTER = ROOT / "_extensions" / "nhsp" / "sitater.lua"
SOURCE = "Hun sa \"det 'gamle' navnet\" og 'x'. Helse Nord's plan."


@pytest.mark.parametrize("to", ["html", "typst", "plain"])
def test_quotes_become_guillemets_with_single_quotes_inside(to):
    out = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", to, "--lua-filter", str(FILTER)],
                         input=SOURCE, capture_output=True, text=True, check=True).stdout
    # Typst's own closing mark is ', which Typst sets per language
    assert ("«det ‘gamle' navnet»" if to == "typst" else "«det ‘gamle’ navnet»") in out and "«x»" in out
    assert '"' not in out.replace('="', "").replace('">', "") and "“" not in out


def test_the_word_file_has_guillemets(tmp_path):
    subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-o", str(tmp_path / "x.docx"), "--lua-filter",
                    str(FILTER)], input=SOURCE, text=True, check=True)
    xml = zipfile.ZipFile(tmp_path / "x.docx").read("word/document.xml").decode()
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert "«det ‘gamle’ navnet»" in text and "«x»" in text


def test_the_extension_runs_the_filter():
    assert "- sitater.lua" in (ROOT / "_extensions" / "nhsp" / "_extension.yml").read_text(encoding="utf-8")
