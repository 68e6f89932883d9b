"""Benchmark: wall time and peak memory of each step, on the sample and on synthetic data.

    .venv/bin/python scripts/benchmark.py            # sample, 10× and 50×, 3 runs each
    .venv/bin/python scripts/benchmark.py --runs 5 --scales 1 10
    .venv/bin/python scripts/benchmark.py --runs 1 --scales 1 10 --steps d e   # the full build only
    .venv/bin/python scripts/benchmark.py --runs 5 --scales 1 --steps f        # the writer's loop only

Each step runs in its own process and reports its own peak memory (max RSS, with Pandoc's
or Quarto's when they run):
(a) load and validate the data; (b) the pre-render build, from scratch, again unchanged
(cache), and after one title changed in oppdrag.xlsx; (c) Pandoc converting the whole
generated book to docx and html (the floor any Quarto render pays); when quarto is installed,
(d) `rapport bygg` (the three formats at once, report/publish/formats.py) and (e) Quarto alone:
plain `quarto render` of the same book after the pre-render step, without the pre- and
post-render steps, one format after another (Quarto's own way). Their peak memory is the sum
over every process of the build at its highest, since the formats run at once, sampled in a run
of its own after the timed ones (reading every process's memory map five times a second takes a
tenth of a core and holds up the processes it reads, more so for builds that use both cores): as
resident memory (RSS, which counts a program's pages once per process that runs it, such as the
Pandoc program when two Pandocs run at once), and as PSS, each shared page split between the
processes that share it (what the build takes from the machine).
Pandoc and Quarto run with the runtime settings `rapport bygg` gives them (RUNTIME).
(f) The writer's loop: seconds from saving a chapter, and from saving a workbook, until
`rapport forhåndsvis` serves the page with the change, beside Quarto's own preview of the twin
(the time Quarto needs to render that one chapter again).
Synthetic data is the sample plus generated assignments (25 × scale) and indicator values
for kommuner (40 indicators × 10 years × up to 356 kommuner), written with the project's
own workbook writer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from report.data import schema  # noqa: E402
from report.data.load import load_dataset  # noqa: E402
from report.data.workbooks import as_row, write_workbook  # noqa: E402
from report.publish.quarto import RUNTIME, stop_process  # noqa: E402

KOMMUNER = 356
STEP_CODE = {
    "a": "from report.data.load import load_dataset; load_dataset(Path('data'))",
    "b": "from report.build import build; build(Path('.'))",
    "c": (
        "import subprocess, pypandoc; from helpers.bookfiles import whole_book; src = whole_book(Path('.')); "
        "exe = pypandoc.get_pandoc_path(); "
        "[subprocess.run([exe, '-f', 'markdown', '-t', t, '-o', '/dev/null', '--default-image-extension=' + e, "
        "'--reference-doc=_generert/referanse.docx'], input=src, text=True, check=True) "
        "for t, e in (('docx', 'png'), ('html', 'svg'))]"
    ),
    "d": "from report.publish.quarto import render; assert render(Path('.')) == 0",  # as `rapport bygg` runs it
    "e": "import subprocess; subprocess.run(['quarto', 'render', '--output-dir', '_alene'], check=True, "
         "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
}
# Each step reports its own peak memory (kB) as its last line on stderr. VmHWM is the peak of
# the step's own memory map; ru_maxrss of a forked child would start at the size of the parent
# (this script, holding the synthetic data) and count that too. Pandoc and Quarto run as the
# step's children: their peak is RUSAGE_CHILDREN.
PEAK = (
    "import resource; "
    "hwm = [int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM')] "
    "if sys.platform == 'linux' else [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]; "
    "print(max(hwm + [resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]), file=sys.stderr)"
)


def make_project(scale: int, dest: Path) -> Path:
    """A copy of the project whose data is the sample grown `scale` times."""
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
        ".git", ".venv", "_bok", "_generert", "._generert*", "_variables.yml", "__pycache__", "tests"))
    if scale == 1:
        return dest
    ds, _ = load_dataset(ROOT / "data")
    created = dt.datetime(2022, 10, 19)
    areas = list(schema.AREAS)
    assignments = [as_row(a) for a in ds.assignments]
    for n in range(25 * scale - len(ds.assignments_for(2022))):
        base = ds.assignments[n % len(ds.assignments)]
        assignments.append({**as_row(base), "id": f"SYN-{n:04d}", "year": 2022, "area": areas[n % len(areas)],
                            "title": f"Syntetisk oppdrag {n}"})
    indicators = [as_row(i) for i in ds.indicators.values()]
    values = [as_row(v) for v in ds.values]  # the writer writes a period as its label
    kommuner = min(KOMMUNER, KOMMUNER * scale // 50)
    for i in range(40):
        iid = f"SYN{i:02d}"
        indicators.append({"id": iid, "name": f"Syntetisk indikator {i}", "unit": "prosent",
                           "area": areas[i % len(areas)], "source": "illustrativ (syntetisk)", "target": 50.0,
                           "direction": "høyere er bedre", "decimals": 1, "description": ""})
        for year in range(2013, 2023):
            values.append({"indicator_id": iid, "period": str(year), "geo_level": "land", "geo": "Norge",
                           "value": 40 + (year - 2013) + i / 10, "note": "", "source": ""})
            for k in range(kommuner):
                values.append({"indicator_id": iid, "period": str(year), "geo_level": "kommune",
                               "geo": f"Kommune {k:03d}", "value": (k * 7 + year + i) % 100 + 0.5,
                               "note": "", "source": ""})
    data = dest / "data"
    write_workbook(data / "oppdrag.xlsx", schema.ASSIGNMENTS_BOOK, {"Oppdrag": assignments}, created=created)
    write_workbook(data / "indikatorer.xlsx", schema.INDICATORS_BOOK,
                   {"Katalog": indicators, "Verdier": values}, created=created)
    return dest


def run_step(project: Path, step: str, sample: bool = True) -> tuple[float, float, float]:
    """Wall seconds and peak memory (MB) of one step in a fresh Python process: the largest single
    process, or with `sample` the sum over the whole process tree, sampled; and the tree's peak PSS
    (MB; 0 without `sample`)."""
    code = f"import sys; from pathlib import Path; sys.path.insert(0, {str(ROOT / 'tests')!r}); {STEP_CODE[step]}; {PEAK}"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=project, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env={**RUNTIME, **os.environ})
    tree_peak = pss_peak = 0
    while sample and proc.poll() is None:
        rss, pss = _tree_memory(proc.pid)
        tree_peak, pss_peak = max(tree_peak, rss), max(pss_peak, pss)
        time.sleep(0.2)
    stderr = proc.communicate()[1]
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"step {step} failed in {project}: {stderr[-2000:]}")
    return wall, max(int(stderr.split()[-1]), tree_peak) / 1024, pss_peak / 1024


def _tree_memory(pid: int) -> tuple[int, int]:
    """kB resident (RSS) and proportional (PSS) in `pid` and every process under it now (Linux;
    0 elsewhere)."""
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
            rss += next((int(line.split()[1]) for line in rollup if line.startswith("Rss:")), 0)
            pss += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return rss, pss


def _quarto_alone(project: Path, run: int) -> None:
    """The twin Quarto renders alone: the generated blocks in place, no pre- or post-render step."""
    import yaml

    subprocess.run([sys.executable, "scripts/generer.py"], cwd=project, check=True, stdout=subprocess.DEVNULL)
    settings = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    for key in ("pre-render", "post-render"):
        settings["project"].pop(key, None)
    twin = project.parent / f"{project.name}-alene"
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(project, twin)
    (twin / "_quarto.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    _TWINS[project] = twin


_TWINS: dict[Path, Path] = {}
SAMPLED_APART = "de"  # the steps timed against each other: their memory is sampled in a run of its own


def _from_scratch(project: Path, run: int) -> None:
    shutil.rmtree(project / "_generert", ignore_errors=True)


def _edit_assignments(project: Path, run: int) -> None:
    """A writer changes one title in oppdrag.xlsx: only what is made from that workbook is made again."""
    import openpyxl

    path = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Oppdrag"]["C2"] = f"Endret tittel {run}"
    wb.save(path)


LOOP_CHAPTER = ("chapters/samhandling.qmd", "chapters/samhandling.html")
LOOP_PAGE = "chapters/psykisk-helse.html"  # shows A10's latest value


def writer_loop(project: Path, runs: int) -> list[tuple[str, list[float]]]:
    """(f) Seconds from saving to served: a sentence added to a chapter and a new value for A10 in
    indikatorer.xlsx under `rapport forhåndsvis`, and the same sentence under Quarto's own
    preview of the twin (Quarto alone, blocks in place)."""
    rapport = str(Path(sys.executable).parent / "rapport")
    _quarto_alone(project, 0)
    chapter, workbook = (LOOP_CHAPTER[1], _add_sentence), (LOOP_PAGE, _set_a10)
    alone = _served_after([shutil.which("quarto"), "preview", "--render", "html", "--to", "html", "--no-browser"],
                          _TWINS[project], runs, {"kapittel": chapter}, opened=False)
    ours = _served_after([rapport, "forhåndsvis", "--no-browser"], project, runs,
                         {"kapittel": chapter, "regneark": workbook}, opened=True)
    return [("quarto preview alene: kapittel", alone["kapittel"]),
            ("forhåndsvis: kapittel", ours["kapittel"]), ("forhåndsvis: regneark", ours["regneark"])]


def _served_after(command: list[str], project: Path, runs: int, edits: dict,
                  opened: bool) -> dict[str, list[float]]:
    """For each edit (name → the page it changes, and the edit), `runs` times: the edit is saved,
    then the seconds until the page is served with the change. `command` serves the project on a
    port it is given. With `opened`, the page is open in the writer's browser, which asks the
    preview's /status about it every second."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([*command, "--port", str(port)], cwd=project, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**RUNTIME, **os.environ},
                               start_new_session=True)
    seconds: dict[str, list[float]] = {name: [] for name in edits}
    open_page = [LOOP_CHAPTER[1]]
    stopped = threading.Event()
    if opened:
        threading.Thread(target=_browser, args=(port, open_page, stopped), daemon=True).start()
    try:
        if _wait_for(port, LOOP_CHAPTER[1], "Samhandling", 600) is None:
            raise SystemExit(f"{command[0]} served nothing in {project}")
        time.sleep(5)  # the first render's last steps settle
        for run in range(runs):
            for name, (page, edit) in edits.items():
                open_page[0] = page
                time.sleep(2)  # the writer opens the page, then saves
                wanted = edit(project, run)
                seconds[name].append(_wait_for(port, page, wanted, 120) or float("inf"))
                time.sleep(8)  # the writer reads the page before saving again
    finally:
        stopped.set()
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in its terminal
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stop_process(process)
    return seconds


def _browser(port: int, open_page: list[str], stopped: threading.Event) -> None:
    """What an open page does in the preview: it asks /status about itself every second."""
    while not stopped.wait(1):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/status?side=/{open_page[0]}", timeout=10).read()
        except OSError:
            pass


def _wait_for(port: int, page: str, wanted: str, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=10) as r:
                if wanted in r.read().decode("utf-8", "replace"):
                    return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.1)
    return None


def _add_sentence(project: Path, run: int) -> str:
    chapter = project / LOOP_CHAPTER[0]
    sentence = f"Setning {run} fra skribenten."
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    return sentence


def _set_a10(project: Path, run: int) -> str:
    """A10's latest value changed and the workbook saved, as Excel saves it (a new file)."""
    import openpyxl

    path = project / "data" / "indikatorer.xlsx"
    wb = openpyxl.load_workbook(path)
    value = 50.3 + run  # a new value each run, in no other place on the page
    row = next(r for r in wb["Verdier"].iter_rows(min_row=2)
               if (r[0].value, str(r[1].value), r[2].value) == ("A10", "2021", "land"))
    row[4].value = value
    wb.save(path)
    return f"til {value:.1f}&nbsp;døgn i 2021".replace(".", ",")  # as the page says it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--steps", nargs="+", default=list("abcdef"), help="of the steps a–f, these")
    args = parser.parse_args()
    # (step code, label, what to do before each run)
    steps = [("a", "laste og validere data", None), ("b", "bygg fra scratch", _from_scratch),
             ("b", "bygg uendret (cache)", None), ("b", "bygg, endret oppdrag.xlsx", _edit_assignments),
             ("c", "pandoc docx+html", None)]
    if shutil.which("quarto"):
        steps += [("d", "rapport bygg (3 formater)", None), ("e", "quarto alene (3 formater)", _quarto_alone)]
    steps = [step for step in steps if step[0] in args.steps]
    print(f"{'skala':>5}  {'steg':<32} {'median s':>9} {'maks MB':>8} {'PSS MB':>7}  (median av {args.runs} kjøringer)")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            project = make_project(scale, Path(tmp) / f"x{scale}")
            if "f" in args.steps and shutil.which("quarto"):
                for label, times in writer_loop(make_project(scale, Path(tmp) / f"loop{scale}"), args.runs):
                    spread = f"{min(times):.1f}–{max(times):.1f}"
                    print(f"{scale:>4}×  {label:<32} {statistics.median(times):>9.2f} {'':>8}  ({spread})", flush=True)
            for step, label, prepare in steps:
                times, peaks, shares = [], [], []
                apart = step in SAMPLED_APART
                for run in range(args.runs + apart):
                    if prepare:
                        prepare(project, run)
                    timed = not apart or run < args.runs
                    wall, peak, share = run_step(_TWINS.get(project, project) if step == "e" else project, step,
                                                 sample=not (apart and timed))
                    if timed:
                        times.append(wall)
                    peaks.append(peak)
                    shares.append(share)
                print(f"{scale:>4}×  {label:<32} {statistics.median(times):>9.2f} {max(peaks):>8.0f} "
                      f"{max(shares):>7.0f}", flush=True)


if __name__ == "__main__":
    main()
