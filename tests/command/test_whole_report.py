"""«Ferdig» means the whole report: markup that would swallow the rest of a chapter or of the book,
and references to nothing, stop `rapport sjekk` and `rapport bygg` with chapter and line, before
Quarto runs and with `_bok/` untouched; one build at a time; the commands work from a subfolder."""

import os
import subprocess
import time

import pytest
from helpers.commands import rapport

from report.data.files import locked
from report.publish.quarto import LOCK


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, text) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def _previous_report(project):
    """A stand-in for the last good report in _bok/, to see that a refused build leaves it."""
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige rapport")


@pytest.mark.parametrize("old, new, message", [
    ("## Aktiviteter i {{< var aar >}}", "## Aktiviteter i {{< var aar >}",
     "koden «{{< var aar >}» mangler «>}}» til slutt, og da forsvinner resten av rapporten"),
    ("## Aktiviteter i {{< var aar >}}", "## Aktiviteter i {{< var aar }}",
     "koden «{{< var aar }}» mangler «>}}» til slutt"),
    ("## Aktiviteter i {{< var aar >}}", "## Aktiviteter i {{ var aar >}}", "«>}}» uten «{{<» foran"),
    ("## Aktiviteter i {{< var aar >}}", "::: {.callout-note}\n## Aktiviteter i {{< var aar >}}",
     "blokken «:::» som starter her, lukkes aldri"),
    ("## Aktiviteter i {{< var aar >}}", "```\n## Aktiviteter i {{< var aar >}}",
     "kodeblokken som starter med «```» lukkes aldri"),
    ("## Aktiviteter i {{< var aar >}}", "<!-- ta med senere\n## Aktiviteter i {{< var aar >}}",
     "kommentaren «<!--» lukkes aldri"),
    ("## Aktiviteter i {{< var aar >}}", "{{< include tekst/mangler.qmd >}}\n\n## Aktiviteter i {{< var aar >}}",
     "filen «tekst/mangler.qmd» som kapittelet tar med, finnes ikke, og da stopper Quarto."),
])
def test_markup_that_swallows_the_rest_stops_sjekk_and_bygg(project, old, new, message):
    chapter = project / "chapters" / "teknologi.qmd"
    _replace(chapter, old, new)
    line = _line_of(chapter, new.splitlines()[0])
    _previous_report(project)

    check = rapport(project, "sjekk")
    assert check.returncode == 1
    assert f"FEIL: chapters/teknologi.qmd › linje {line}: {message}" in check.stderr

    build = rapport(project, "bygg")
    assert build.returncode == 1
    assert "Rapporten ble ikke bygget: 1 feil i kapitlene må rettes først. Forrige versjon i _bok/ er beholdt." \
        in build.stderr
    assert f"chapters/teknologi.qmd › linje {line}: {message}" in build.stderr
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"
    assert not (project / ".bok-ny").exists() and not (project / "_generert").exists()


@pytest.mark.parametrize("metadata, message", [
    ('title: "Teknologi\nfoo: [',
     "et anførselstegn eller en klamme er ikke lukket, eller et innrykk stemmer ikke (linje 2)"),
    ("title: Teknologi\ntitle: Teknologi og digitalisering", "«title» står to ganger (linje 2)"),
])
def test_metadata_quarto_cannot_read_stops_sjekk_and_bygg_before_quarto(project, metadata, message):
    chapter = project / "chapters" / "teknologi.qmd"
    _replace(chapter, "# Teknologi", f"---\n{metadata}\n---\n\n# Teknologi")
    _previous_report(project)
    expected = (f"chapters/teknologi.qmd › linje 1: metadataene mellom «---»-linjene (til linje 4) kan ikke leses: "
                f"{message}. Quarto stopper på dem.")

    check = rapport(project, "sjekk")
    assert check.returncode == 1 and expected in check.stderr, check.stderr
    build = rapport(project, "bygg")
    assert build.returncode == 1 and expected in build.stderr, build.stderr
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"


def test_metadata_quarto_reads_and_lines_that_only_look_like_it_are_not_errors(project):
    chapter = project / "chapters" / "teknologi.qmd"
    _replace(chapter, "# Teknologi",
             "---\ntitle: Teknologi\n---\n\n# Teknologi\n\n---\n\nEn skillelinje over.\n\n---\n")
    check = rapport(project, "sjekk")
    assert check.returncode == 0, check.stderr
    assert "teknologi.qmd" not in check.stderr


def test_a_reference_to_nothing_is_an_error_with_the_nearest_labels(project):
    chapter = project / "chapters" / "samhandling.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nSe @fig-zz9, @fig-b1 og [-@sec-vedlegg-helsefelleskap].\n",
                       encoding="utf-8")
    line = _line_of(chapter, "@fig-zz9")
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    where = f"FEIL: chapters/samhandling.qmd › linje {line}: henvisningen"
    assert f"{where} «@fig-zz9» viser ikke til noe i rapporten og blir stående som «?@fig-zz9».\n" in result.stderr
    assert f"{where} «@fig-b1» viser ikke til noe i rapporten og blir stående som «?@fig-b1». Mente du @fig-b" \
        in result.stderr
    assert "«@sec-vedlegg-helsefelleskap» viser ikke til noe i rapporten og blir stående som " \
           "«?@sec-vedlegg-helsefelleskap». Mente du @sec-vedlegg-helsefellesskap?" in result.stderr


_FIGURE = ('::: {{#fig-delkart}}\n![Et kart]({picture}){{fig-alt="Et kart"}}\\\n\nKartet.\n:::\n\n'
           "{{{{< include _deler/b.qmd >}}}}\n")


def test_what_a_chapter_takes_in_is_checked_as_part_of_it(project):
    """Quarto puts a file a chapter takes in (and the files that one takes in) in its place, and
    reads every path in it from the chapter's folder: a label there can be referred to, and a
    missing picture, file or label there is an error naming that file and line."""
    deler = project / "chapters" / "_deler"
    deler.mkdir()
    (deler / "a.qmd").write_text(_FIGURE.format(picture="../figures/finnes-ikke.png"), encoding="utf-8")
    (deler / "b.qmd").write_text("Se @tbl-mangler.\n\n{{< include _deler/c.qmd >}}\n", encoding="utf-8")
    chapter = project / "chapters" / "samhandling.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n{{< include _deler/a.qmd >}}\n\nSe @fig-delkart.\n",
                       encoding="utf-8")
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    errors = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("FEIL:")]
    assert sorted(errors) == [
        "FEIL: chapters/_deler/a.qmd › linje 2: bildet «../figures/finnes-ikke.png» finnes ikke "
        "(«finnes-ikke.png» mangler), og uten det kan ikke PDF-en lages. Legg bildet i figures/, eller rett navnet.",
        "FEIL: chapters/_deler/b.qmd › linje 1: henvisningen «@tbl-mangler» viser ikke til noe i rapporten og blir "
        "stående som «?@tbl-mangler».",
        "FEIL: chapters/_deler/b.qmd › linje 3: filen «_deler/c.qmd» som kapittelet tar med, finnes ikke, og da "
        "stopper Quarto. Rett navnet (det regnes fra kapittelets mappe), eller legg filen der.",
    ], result.stderr

    (deler / "c.qmd").write_text("{{< include _deler/a.qmd >}}\n", encoding="utf-8")  # round and round
    (deler / "a.qmd").write_text(_FIGURE.format(picture="../figures/readme/pdf.png"), encoding="utf-8")
    (deler / "b.qmd").write_text("Tekst.\n\n{{< include _deler/c.qmd >}}\n", encoding="utf-8")
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    assert [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("FEIL:")] == [
        "FEIL: chapters/_deler/c.qmd › linje 1: filen «_deler/a.qmd» tar med seg selv (gjennom filene den tar med), "
        "og da stopper Quarto. Fjern linjen."], result.stderr


@pytest.mark.parametrize("picture, error", [
    ('::: {#fig-kart}\n![Kart over Norge](../figures/readme/pdf.png){fig-alt="Kart over Norge"}\\\n\nKartet.\n:::',
     False),
    ('::: {#fig-kart}\n![Kart over Norge](../figures/readme/pdf.png){fig-alt="Kart over Norge"}\\ \n\nKartet.\n:::',
     False),
    ("![](../figures/readme/pdf.png)", True),
    ("![Kart over Norge](../figures/readme/pdf.png)", True),  # Typst: no alt text (PDF/UA)
    ('![Kartet.](../figures/readme/pdf.png){#fig-kart fig-alt="Kart over Norge"}', True),  # Word: none
    ('![Kart over Norge](../figures/readme/pdf.png){fig-alt="Kart over Norge"}', True),  # alone: as above
    ('![Kart over Norge](../figures/readme/pdf.png){fig-alt=""}\\', True),
])
def test_a_picture_needs_alt_text_in_the_form_every_format_reads(project, picture, error):
    """Tried with Quarto 1.11: the PDF (PDF/UA) takes alt text only from fig-alt, and Word only from
    the words in brackets of a picture in a line of text; any other form stops the build."""
    chapter = project / "chapters" / "samhandling.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{picture}\n", encoding="utf-8")
    result = rapport(project, "sjekk")
    said = "har ikke alternativ tekst som PDF-en og Word-filen kan bruke, og da stopper byggingen." in result.stderr
    assert said == error and (result.returncode == 1) == error, result.stderr


def test_text_that_only_looks_like_markup_is_not_an_error(project):
    chapter = project / "chapters" / "kompetanse.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + (
        "\nSkriv `{{< var aar >}` slik, eller {{{< var aar >}}} for å vise koden. Spørsmål til post@helsedir.no.\n"
        "\n```\n{{< var aar }}\n@fig-finnes-ikke\n```\n\n<!-- @fig-heller-ikke -->\n"), encoding="utf-8")
    result = rapport(project, "sjekk")
    assert result.returncode == 0, result.stderr


def test_a_chapter_outside_the_book_is_named_and_a_missing_one_is_an_error(project):
    draft = project / "chapters" / "utkast-ny-del.qmd"
    draft.write_text("# Ny del\n\n::: {.callout}\nUferdig {{< var aar }\n", encoding="utf-8")
    result = rapport(project, "sjekk")
    assert result.returncode == 0, result.stderr  # a draft outside the book never stops the build
    assert ("ADVARSEL: chapters/utkast-ny-del.qmd: kapittelet står ikke i _quarto.yml og kommer ikke med i "
            "rapporten.") in result.stdout
    # a file a chapter in the book takes in is part of the book
    (project / "chapters" / "tekst").mkdir()
    (project / "chapters" / "tekst" / "del.qmd").write_text("Tekst som tas med.\n", encoding="utf-8")
    _replace(project / "chapters" / "teknologi.qmd", "# Teknologi", "# Teknologi\n\n{{< include tekst/del.qmd >}}")
    result = rapport(project, "sjekk")
    assert result.returncode == 0 and "utkast-ny-del.qmd" in result.stdout
    assert "tekst/del.qmd" not in result.stdout + result.stderr

    _replace(project / "_quarto.yml", "chapters/kompetanse.qmd", "chapters/kompetanse-ny.qmd")
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    assert "FEIL: _quarto.yml: kapittelet «chapters/kompetanse-ny.qmd» står i listen over kapitler, men filen " \
           "finnes ikke." in result.stderr
    assert "ADVARSEL: chapters/kompetanse.qmd: kapittelet står ikke i _quarto.yml" in result.stderr


def test_a_second_build_refuses_at_once(project):
    _previous_report(project)
    with locked(project / LOCK, wait=False, holder="4242 14:03"):
        start = time.monotonic()
        result = rapport(project, "bygg")
        seconds = time.monotonic() - start
    assert result.returncode == 1
    assert result.stderr.startswith("En annen bygging pågår i denne prosjektmappen (startet kl. 14:03). "
                                    "Vent til den er ferdig")
    assert seconds < 10  # not after a render
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"
    assert sorted(p.name for p in project.iterdir() if p.suffix in {".pdf", ".docx", ".html"}) == []


def test_a_lock_left_by_a_crash_does_not_hold_the_next_build(project):
    """The lock lives with the process: a build killed half-way leaves a file, never a lock."""
    holder = subprocess.Popen(["python3", "-c", f"import fcntl, time; f = open({str(project / LOCK)!r}, 'a+b'); "
                                                "fcntl.flock(f, fcntl.LOCK_EX); f.write(b'1 09:00'); f.flush(); "
                                                "time.sleep(60)"])
    time.sleep(1)
    holder.kill()
    holder.wait()
    (project / "chapters" / "kompetanse.qmd").write_text("# Kompetanse\n\n{{< var aar }\n", encoding="utf-8")
    result = rapport(project, "bygg")  # gets past the lock: stops at the chapter
    assert "En annen bygging pågår" not in result.stderr
    assert "Rapporten ble ikke bygget: 1 feil i kapitlene" in result.stderr


def test_commands_work_from_a_subfolder_and_say_where_to_go_outside_one(project, tmp_path):
    result = rapport(project / "chapters", "sjekk")
    assert result.returncode == 0, result.stderr
    assert "Ingen feil i regnearkene eller i kapitlene." in result.stdout
    outside = tmp_path / "et annet sted"
    outside.mkdir()
    result = rapport(outside, "sjekk")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"Finner ikke prosjektmappen (mappen med rapport.toml) i {outside} eller "
                                     "mappene over. Gå til prosjektmappen, og kjør kommandoen der.")


def test_the_title_is_set_in_one_place(project):
    _replace(project / "_quarto.yml", 'title: "Rapportering på status og fremgang for Nasjonal helse- og '
             'sykehusplan 2020–2023"', 'title: "Statusrapport for helseplanen"')
    assert rapport(project, "generer").returncode == 0
    import openpyxl

    cover = openpyxl.load_workbook(project / "_generert" / "tallgrunnlag-2022.xlsx")["Forside"]
    assert cover["A1"].value == "Tallgrunnlag: Statusrapport for helseplanen"
    (project / "rapport.toml").write_text((project / "rapport.toml").read_text(encoding="utf-8").replace(
        "[rapport]\n", '[rapport]\ntittel = "Gammel tittel"\n'), encoding="utf-8")
    result = rapport(project, "sjekk")
    assert "ADVARSEL: rapport.toml › tittel: «tittel» brukes ikke lenger: den står i _quarto.yml under " \
           "«book: title»." in result.stdout


def test_a_new_year_sets_or_asks_for_the_date(project):
    result = rapport(project, "nytt-aar", "2023")
    assert result.returncode == 0, result.stderr
    assert "Sett datoen rapporten leveres i rapport.toml" in result.stdout
    check = rapport(project, "sjekk")
    assert "ADVARSEL: rapport.toml › dato: datoen 19.10.2022 er ikke i rapporteringsåret 2023" in check.stdout


def test_a_new_year_with_a_date_writes_it(project):
    result = rapport(project, "nytt-aar", "2023", "--dato", "18.10.2023")
    assert result.returncode == 0, result.stderr
    assert "Rapporten dateres 18. oktober 2023." in result.stdout
    assert "dato = 2023-10-18\n" in (project / "rapport.toml").read_text(encoding="utf-8")
    assert "er ikke i rapporteringsåret" not in rapport(project, "sjekk").stdout


def test_a_picture_in_figures_is_tracked_by_git(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "figures" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project,
                            capture_output=True, text=True, check=True, env={**os.environ, "GIT_DIR": ".git"}).stdout
    assert "figures/logo.svg" in status
    assert "_generert" not in status


def test_a_chapter_not_saved_as_utf8_is_named_not_a_traceback(project):
    chapter = project / "chapters" / "kompetanse.qmd"
    chapter.write_bytes(chapter.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "FEIL: chapters/kompetanse.qmd: filen er ikke lagret som UTF-8" in result.stderr


def test_a_chapter_with_a_byte_order_mark_and_windows_line_ends_is_read(project):
    chapter = project / "chapters" / "kompetanse.qmd"
    chapter.write_bytes(b"\xef\xbb\xbf" + chapter.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    result = rapport(project, "sjekk")
    assert result.returncode == 0, result.stderr
