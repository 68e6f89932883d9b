"""The release step as the README tells it: `rapport generer`/`bygg` record the numbers they
publish, `rapport endringer` compares them (with the previous build, `--mot` another, `--til` a
workbook), `rapport bygg --endelig` refuses while anything is unfinished, and `rapport nytt-aar`
keeps the year's numbers. The refusals happen before Quarto starts, so they need no Quarto."""

import json
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pikepdf
from helpers.clients import needs
from helpers.commands import rapport

from report.content.published import block_places
from report.content.references import MISSING, find_placeholders, find_references, flatten
from report.content.variables import variables
from report.data.config import load_config
from report.data.load import load_dataset
from report.workflow.replies import waiting


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _finish_chapters(project):
    """Write the unfinished lines the sample's chapters still have."""
    for path in (project / "chapters").glob("*.qmd"):
        path.write_text(re.sub(r"Skriv her", "Her står", path.read_text(encoding="utf-8")), encoding="utf-8")
    assert not find_placeholders(project).warnings


def _change_data(project, value=38.0, status="Levert"):
    """A10's 2021 value in data/indikatorer.xlsx and SAM-01's status in data/oppdrag.xlsx, as a writer would."""
    path = project / "data" / "indikatorer.xlsx"
    wb = openpyxl.load_workbook(path)
    for row in wb["Verdier"].iter_rows(min_row=2):
        if (row[0].value, row[1].value, row[2].value) == ("A10", "2021", "land"):
            row[4].value = value
    wb.save(path)
    path = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    for row in wb["Oppdrag"].iter_rows(min_row=2):
        if (row[0].value, row[1].value) == ("SAM-01", 2022):
            row[6].value = status
    wb.save(path)


def test_generer_records_every_number_the_chapters_use_with_its_places(project):
    result = rapport(project, "generer")
    assert result.returncode == 0, result.stderr
    numbers = {e["key"]: e for e in json.loads((project / "_generert" / "tall.json").read_text("utf-8"))["numbers"]}
    used = {r.name for r in find_references(project) if r.kind == "var"}
    assert {k.removeprefix("var:") for k in numbers if k.startswith("var:")} == used - {"logo"}
    for ref in find_references(project):
        if ref.kind == "var":
            assert f"{ref.file}:{ref.line}" in numbers[f"var:{ref.name}"]["places"]
    assert numbers["figur:A10:2021"]["places"] == block_places(project)["figur-A10"]


def test_the_final_build_refuses_a_placeholder_and_leaves_the_report_as_it_was(project):
    (project / "_bok").mkdir()
    (project / "_bok" / "index.html").write_text("forrige rapport", encoding="utf-8")
    before = _tree(project / "_bok")
    result = rapport(project, "bygg", "--endelig")
    assert result.returncode == 1
    assert "Den endelige versjonen ble ikke laget" in result.stderr and "_bok/ er ikke endret" in result.stderr
    unfinished = [p for p in find_placeholders(project).warnings]
    assert unfinished
    for p in unfinished:
        assert f"{p.file} › {p.cell}: uferdig tekst" in result.stderr
    assert _tree(project / "_bok") == before
    assert not (project / ".bok-ny").exists() and "Quarto" not in result.stdout


def test_the_final_build_refuses_while_a_department_has_not_answered(project):
    _finish_chapters(project)
    assert rapport(project, "innspill", "lag").returncode == 0
    config = load_config(project)
    left = waiting(config, load_dataset(config.data_dir)[0])
    assert left
    result = rapport(project, "bygg", "--endelig")
    assert result.returncode == 1, result.stdout
    for department, ids in left.items():
        assert f"svaret fra {department} er ikke ført inn for {len(ids)} oppdrag ({', '.join(ids)})" in result.stderr
    assert "uferdig tekst" not in result.stderr
    assert not (project / "_bok").exists()


def test_the_final_build_names_every_reason_at_once(project):
    _finish_chapters(project)
    (project / "figures" / "kart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    chapter = project / "chapters" / "plansystemet.qmd"
    config = load_config(project)
    values = flatten(variables(load_dataset(config.data_dir)[0], config))
    empty = next(name for name, value in values.items() if value == MISSING)  # a number the data lacks
    added = f"\n[UFERDIG] tallet for 2022\n\n![](../figures/kart.png)\n\nTallet er {{{{< var {empty} >}}}}.\n"
    chapter.write_text(chapter.read_text(encoding="utf-8") + added, encoding="utf-8")
    result = rapport(project, "bygg", "--endelig")
    assert result.returncode == 1
    lines = len(chapter.read_text(encoding="utf-8").splitlines())
    where = "chapters/plansystemet.qmd › linje"
    assert f"{where} {lines - 4}: uferdig tekst: «[UFERDIG] tallet for 2022»" in result.stderr
    assert f"{where} {lines - 2}: bildet «../figures/kart.png» har ikke alternativ tekst som PDF-en og Word-filen " \
           "kan bruke" in result.stderr
    assert f"{where} {lines}: variabelen «{empty}» har ingen verdi" in result.stderr


def test_endringer_without_a_build_says_what_to_do(project):
    result = rapport(project, "endringer")
    assert result.returncode == 1 and "rapport bygg" in result.stderr and "Traceback" not in result.stderr


def test_nytt_aar_keeps_the_years_numbers_to_compare_with(project, rendered):
    built, _ = rendered
    shutil.copytree(built / "_bok", project / "_bok")
    result = rapport(project, "nytt-aar", "2023", "--dato", "18.10.2023")
    assert result.returncode == 0, result.stderr
    kept = project / "utgivelser" / "2022" / "tall.json"
    assert kept.read_bytes() == (built / "_bok" / "tall.json").read_bytes()
    assert "utgivelser/2022/tall.json" in result.stdout
    same = rapport(project, "endringer", "--mot", "utgivelser/2022")
    assert same.returncode == 0, same.stderr
    assert same.stdout.startswith("Ingen endringer i tallene siden utgivelser/2022")
    assert len(same.stdout.splitlines()) == 1


def _draft_marks(book):
    """How many times the draft's marks («Utkast – ikke den endelige …», «Utkast 30.11.2026 …»)
    are in the PDF, the Word file and the web pages."""
    pdf = subprocess.run(["pdftotext", str(next(book.glob("*.pdf"))), "-"], capture_output=True, text=True,
                         check=True).stdout
    docx = next(book.glob("*.docx"))
    with zipfile.ZipFile(docx) as z:
        words = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))
    web = sum(p.read_text(encoding="utf-8").count('class="utkast-merke"') for p in book.rglob("*.html"))
    mark = re.compile(r"Utkast(?: – ikke den endelige|\s+\d\d\.\d\d\.\d{4})")  # not «Utkast har vært …» in the data
    return {"pdf": len(mark.findall(pdf)), "docx": len(mark.findall(re.sub(r"<[^>]+>", "", words))), "web": web}


def _stamps(book):
    """The build's stamp as each format keeps it: PDF keywords, Word custom property, web <meta>."""
    with pikepdf.open(next(book.glob("*.pdf"))) as pdf:
        keywords = str(pdf.docinfo.get("/Keywords", ""))
    with zipfile.ZipFile(next(book.glob("*.docx"))) as z:
        custom = z.read("docProps/custom.xml").decode()
    word = re.search(r'name="nhsp-stempel"><vt:lpwstr>([^<]*)<', custom)[1]
    page = (book / "index.html").read_text(encoding="utf-8")
    web = re.search(r'<meta name="nhsp-stempel" content="([^"]*)"', page)[1]
    return {keywords.removeprefix("nhsp-stempel: "), word, web}


@needs("pdftotext")
def test_a_draft_says_so_on_every_page_with_its_stamp(rendered):
    built, result = rendered
    assert result.returncode == 0, result.stderr[-3000:]
    book = built / "_bok"
    stamp = json.loads((book / "tall.json").read_text("utf-8"))["stamp"]
    assert _stamps(book) == {stamp}
    pages = subprocess.run(["pdftotext", str(next(book.glob("*.pdf"))), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert all(f"Utkast {stamp}" in page for page in pages[1:]), "every page after the cover"
    assert f"Utkast – ikke den endelige versjonen. Laget {stamp}." in pages[0]
    assert "Dette er et utkast" in pages[1]  # «Om rapporten»
    marks = _draft_marks(book)
    assert marks["docx"] >= 2 and marks["web"] == len(list(book.rglob("*.html")))
    plan = (book / "chapters" / "plansystemet.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="uferdig"[^>]*>[^<]*Skriv her', plan), "unfinished text on a fill"


def test_a_changed_value_and_status_are_listed_after_the_final_build(project, rendered):
    built, first = rendered
    assert first.returncode == 0, first.stderr[-3000:]
    shutil.copytree(built / "_bok", project / "_bok")  # the build before, as the editor left it
    previous = {e["key"]: e for e in json.loads((built / "_bok" / "tall.json").read_text("utf-8"))["numbers"]}
    _finish_chapters(project)
    _change_data(project)
    result = rapport(project, "bygg", "--endelig")
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads((project / "_bok" / "tall.json").read_text("utf-8"))
    assert record["final"] is True and f"Endelig versjon laget {record['stamp']}" in result.stdout
    assert _draft_marks(project / "_bok") == {"pdf": 0, "docx": 0, "web": 0}  # the version to publish
    assert _stamps(project / "_bok") == {record["stamp"]}  # still says which build it is
    assert (project / "_bok" / "tall-forrige.json").read_bytes() == (built / "_bok" / "tall.json").read_bytes()
    assert (project / "utgivelser" / "2022" / "tall.json").read_bytes() == (project / "_bok" / "tall.json").read_bytes()

    changes = rapport(project, "endringer")
    assert changes.returncode == 0, changes.stderr
    listed = [line.strip() for line in changes.stdout.splitlines() if " — " in line]
    status = next(line for line in listed if line.startswith("SAM-01 status:"))
    assert "Forsinket → Levert — " in status
    assert all(place in status for place in previous["oppdrag:SAM-01:status"]["places"])
    now = {e["key"]: e for e in record["numbers"]}
    latest = next(line for line in listed if previous["var:indikator.A10.siste"]["value"] + " → " in line)
    assert now["var:indikator.A10.siste"]["value"] == "38,0\u00a0døgn" and "→ 38,0\u00a0døgn" in latest
    for key in ("var:indikator.A10.siste", "figur:A10:2021"):
        assert all(place in latest for place in previous[key]["places"]), (key, latest)
    for line in listed:  # nothing else: only the indicator, the assignment and the counts made from them
        assert "(A10)" in line or line.startswith(("SAM-01 ", "«oppdrag.", "«indikatorer.")), line

    against = rapport(project, "endringer", "--mot", str(built / "_bok"), "--til", "endringer.xlsx")
    assert against.returncode == 0, against.stderr
    assert [line for line in against.stdout.splitlines() if " — " in line] == \
        [line for line in changes.stdout.splitlines() if " — " in line]
    ws = openpyxl.load_workbook(project / "endringer.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert ws["A1"].font.bold and rows[0][:4] == ("Hva", "Endring", "Før", "Nå")
    assert len(rows) - 1 == len(listed)
    assert ("SAM-01 status", "endret", "Forsinket", "Levert") == rows[[r[0] for r in rows].index("SAM-01 status")][:4]

    refused = rapport(project, "endringer", "--til", "data/endringer.xlsx")
    assert refused.returncode == 1 and "data/" in refused.stderr and not (project / "data" / "endringer.xlsx").exists()
