"""Each format's copy of the sources (report/publish/formats.py): what Quarto renders the book
from, wherever the writers keep chapters and pictures, and nothing of the output or the data."""

import yaml

from report.publish.formats import copy_sources


def test_a_copy_holds_what_the_book_is_made_from_and_not_the_output_or_the_data(project, tmp_path):
    (project / "kapitler").mkdir()
    (project / "kapitler" / "ekstra.qmd").write_text("# Ekstra\n", encoding="utf-8")
    (project / "bilder").mkdir()
    (project / "bilder" / "kart.png").write_bytes(b"\x89PNG")
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige")
    (project / "data" / "~$oppdrag.xlsx").write_bytes(b"excel")
    copy = copy_sources(project, tmp_path / "kopi", ("pre-render",))
    for kept in ("index.qmd", "chapters/oppdrag.qmd", "kapitler/ekstra.qmd", "bilder/kart.png",
                 "_extensions/nhsp/typst.lua", "scripts/etterbehandle.py", "nhsp.scss", "rapport.toml"):
        assert (copy / kept).is_file(), kept
    for left in ("_bok", "data", "report", "tests", ".git"):
        assert not (copy / left).exists(), left
    settings = yaml.safe_load((copy / "_quarto.yml").read_text(encoding="utf-8"))
    original = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    assert "pre-render" not in settings["project"] and "pre-render" in original["project"]
    assert settings["project"]["post-render"] == original["project"]["post-render"]
    assert settings["book"] == original["book"]
