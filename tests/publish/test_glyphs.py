"""A character no font has stops the PDF (Typst checks PDF/UA-1); the build says where it is."""

import openpyxl
import pytest
import typst

from report.publish import quarto
from report.publish.glyphs import missing_characters, where_they_are

NO_FONT = "\U0010fffd"  # private use: no font has it, here or in CI


def _typst_failure(tmp_path, text: str) -> list[str]:
    (tmp_path / "t.typ").write_text(f'#set document(title: [T])\n#set text(lang: "nb")\n{text}\n', encoding="utf-8")
    with pytest.raises(typst.TypstError) as failure:
        typst.compile(str(tmp_path / "t.typ"), output=str(tmp_path / "t.pdf"), pdf_standards=["ua-1"])
    return str(failure.value).splitlines()


def test_the_characters_are_read_from_typsts_own_message(tmp_path):
    lines = _typst_failure(tmp_path, f"Godt i gang {NO_FONT} og {NO_FONT}.")
    assert missing_characters([f"[PDF] {line}" for line in lines]) == [NO_FONT]
    assert missing_characters(["[PDF] ERROR: Typst compilation failed"]) == []


def _with_character(project):
    book = openpyxl.load_workbook(project / "data" / "oppdrag.xlsx")
    book["Oppdrag"]["M3"].value = f"Godt i gang {NO_FONT}👍"
    book.save(project / "data" / "oppdrag.xlsx")
    chapter = project / "chapters" / "sammendrag.qmd"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    chapter.write_text("\n".join(lines[:2] + [f"Vi er fornøyde {NO_FONT}"] + lines[2:]) + "\n", encoding="utf-8")


def test_each_cell_and_chapter_line_that_holds_one_is_named(project):
    _with_character(project)
    said = [str(p) for p in where_they_are(project, [NO_FONT, "👍"])]
    assert said[0].startswith("oppdrag.xlsx › Oppdrag › M3: tegnene «\U0010fffd» (U+10FFFD), «👍» (U+1F44D, thumbs up")
    assert "kan ikke vises i PDF-en" in said[0] and "Segoe UI Emoji" in said[0]
    assert said[1].startswith("chapters/sammendrag.qmd › linje 3: tegnet «\U0010fffd» (U+10FFFD)")
    assert len(said) == 2


def test_a_failed_pdf_says_where_the_character_is_and_keeps_the_report(project, monkeypatch, capsys):
    _with_character(project)
    (project / "_bok").mkdir()
    (project / "_bok" / "forrige.pdf").write_bytes(b"forrige")

    def failing(quarto_path, root, env, log, staging):
        log.lines += [f"[PDF] error: PDF/UA-1 error: the text `\"{NO_FONT}\"` could not be displayed with font "
                      "`\"Libertinus Serif\"`", "[PDF] ERROR: Typst compilation failed"]
        return 1, {}

    monkeypatch.setattr(quarto, "find_quarto", lambda: "quarto")
    monkeypatch.setattr(quarto, "_run", failing)
    assert quarto.render(project) == 1
    err = capsys.readouterr().err
    assert "FEIL: oppdrag.xlsx › Oppdrag › M3: tegnet «\U0010fffd» (U+10FFFD) kan ikke vises i PDF-en" in err
    assert "FEIL: chapters/sammendrag.qmd › linje 3:" in err
    assert "Traceback" not in err and "Forrige versjon i _bok/ er beholdt." in err
    assert (project / "_bok" / "forrige.pdf").read_bytes() == b"forrige"
