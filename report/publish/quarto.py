"""`rapport bygg`: the whole report through Quarto, with the project's own Python.

Quarto empties its output folder before it runs the pre-render step, so a build that fails
(bad data, an unknown block, Quarto, Typst or the Word post-processing) would leave no report
at all. Quarto therefore writes to a staging folder, which replaces `_bok/` only when every
format was made and holds every chapter: a failed, refused or interrupted build leaves the
previous report as it was, and nothing of its own among the writers' files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from report.content.chapters import check_chapters
from report.content.published import BOOK, PREVIOUS_RECORD, RECORD
from report.data.config import FINAL_ENV, GENERATED, load_config, quarto_settings
from report.data.files import Locked, locked
from report.data.problems import DataError, print_problems
from report.publish import formats, glyphs
from report.publish.complete import missing_chapters
from report.publish.quarto_log import QuartoLog

OUTPUT = BOOK
STAGING = ".bok-ny"  # hidden, so Quarto never takes it for input
PREVIOUS = ".bok-forrige"
LOCK = ".bygg.lock"
# What Quarto writes beside the sources while it works, and leaves there when it is stopped.
_LEFT_BY_QUARTO = (".html", ".pdf", ".docx", ".typ", ".tex", ".quarto_ipynb")

INSTALL_HELP = """Fant ikke Quarto på denne maskinen.
Installer Quarto på en av disse måtene, og kjør «rapport bygg» på nytt:
  - .venv/bin/pip install -e ".[quarto]"   (henter Quarto fra internett)
  - last ned fra https://quarto.org/docs/get-started/
Tabeller, figurer og tall kan lages uten Quarto med «rapport generer»."""


# The runtime Quarto's Pandoc and Deno get; a writer's own setting wins. Measured with
# scripts/benchmark.py:
# - Pandoc (GHCRTS; Quarto's release binaries accept it): compact the old generation instead of
#   copying it (50× book: docx 576 → 456 MB, about 15 % slower), and a small heap in place of the
#   64 MB Pandoc asks for (a chapter's Pandoc holds ~6 MB: 72 → 30 MB, no slower).
# - Deno (V8, added by Quarto's launcher to its own): grow the JavaScript heap by a fifth at a
#   time, not by up to four times, without a cap (the web pages' Quarto at 1×: 350–457 → 251–272
#   MB, no slower).
RUNTIME = {"GHCRTS": "-c -H1m -A8m", "QUARTO_DENO_V8_OPTIONS": "--heap-growing-percent=20"}


class Stopped(Exception):
    """The build was interrupted (Ctrl-C, or the process told to stop)."""


class NotGenerated(Exception):
    """The pre-render step (tables, figures and numbers from the workbooks) failed; it has said
    why, and Quarto was never started."""

    def __init__(self, returncode: int):
        super().__init__(returncode)
        self.returncode = returncode


def find_quarto() -> str | None:
    """Quarto on PATH, or the one the `quarto` extra installed beside this Python."""
    here = str(Path(sys.executable).parent)
    return shutil.which("quarto", path=os.pathsep.join([here, os.environ.get("PATH", "")]))


def render(root: Path, details: bool = False, final: bool = False) -> int:
    """Build the report into `_bok/`; `details` shows all of Quarto's output as it comes. The
    numbers it publishes go beside it (RECORD), marked `final` for `rapport bygg --endelig`."""
    root = Path(root).resolve()
    kept = " Forrige versjon i _bok/ er beholdt." if (root / OUTPUT).exists() else ""
    try:
        with locked(root / LOCK, wait=False, holder=f"{os.getpid()} {dt.datetime.now():%H:%M}"):
            return _render(root, details, kept, final)
    except Locked as e:
        since = f" (startet kl. {e.holder.split()[-1]})" if e.holder else ""
        print(f"En annen bygging pågår i denne prosjektmappen{since}. Vent til den er ferdig, og kjør "
              f"«rapport bygg» på nytt.{kept}", file=sys.stderr)
        return 1


def _render(root: Path, details: bool, kept: str, final: bool) -> int:
    try:
        load_config(root)  # rapport.toml and _quarto.yml, which the rest reads
        problems, where = check_chapters(root), "kapitlene"
    except DataError as e:
        problems, where = e.problems, "innstillingene"
    if problems.errors:
        print(f"Rapporten ble ikke bygget: {len(problems.errors)} feil i {where} må rettes først.{kept}",
              file=sys.stderr)
        print_problems(problems.errors)
        return 1
    quarto = find_quarto()
    if quarto is None:
        print(INSTALL_HELP, file=sys.stderr)
        return 1
    env = quarto_env(final)
    staging = root / STAGING
    before = _beside_sources(root)
    shutil.rmtree(staging, ignore_errors=True)
    log = QuartoLog(details)
    try:
        returncode, gone = _run(quarto, root, env, log, staging)
    except NotGenerated as e:  # the workbooks' problems are shown already, once
        _clean_up(root, before)
        print(f"Rapporten ble ikke bygget.{kept}", file=sys.stderr)
        return e.returncode or 1
    except Stopped:
        _clean_up(root, before)
        print(f"\nByggingen ble stoppet før den var ferdig.{kept} Ingen filer er latt igjen.", file=sys.stderr)
        return 130
    finally:
        formats.clean(root)
    if returncode != 0:
        _clean_up(root, before)
        log.print_failure()
        if characters := glyphs.missing_characters(log.lines):
            print("Tegn i rapporten som PDF-en ikke kan vise:", file=sys.stderr)
            print_problems(glyphs.where_they_are(root, characters))
        print(f"Quarto stoppet med feil (se meldingene over).{kept}", file=sys.stderr)
        return returncode or 1
    if gone:
        shutil.rmtree(staging, ignore_errors=True)
        log.print_warnings()
        print(f"Rapporten ble ikke ferdig: kapitler mangler i det Quarto laget.{kept}", file=sys.stderr)
        for form, chapters in gone.items():
            print(f"  FEIL: {form}: mangler {', '.join(chapters)}", file=sys.stderr)
        print("Som regel er det en kode eller blokk i kapittelet før som ikke er lukket: kjør «rapport sjekk».",
              file=sys.stderr)
        return 1
    try:
        _record(root, staging, final)
        _swap_in(staging, root / OUTPUT)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"Rapporten ble laget, men kunne ikke flyttes til {OUTPUT}/: {e.strerror or e}. "
              f"Lukk filer fra {OUTPUT}/ som er åpne (PDF, Word), og kjør «rapport bygg» på nytt.{kept}",
              file=sys.stderr)
        return 1
    log.print_warnings()
    outputs = sorted(p.name for p in (root / OUTPUT).glob("*") if p.suffix in {".html", ".pdf", ".docx", ".xlsx"})
    print(f"Ferdig. Rapporten ligger i {OUTPUT}/: " + ", ".join(outputs))
    return 0


def _run(quarto: str, root: Path, env: dict, log: QuartoLog, staging: Path) -> tuple[int, dict[str, list[str]]]:
    """The pre-render step once (NotGenerated if it fails), then a Quarto per format, side by side
    (report/publish/formats.py), each in its own process group; their outputs put together in
    `staging`. Quarto's lines go through `log` (a failed format's, for the message), each shown
    with its format. Returns Quarto's exit code and, per form, the chapters missing from what
    it made (report/publish/complete.py). Ctrl-C or SIGTERM stops every Quarto and everything
    they started, and raises Stopped."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    runs: list[formats.Run] = []
    pre = None
    try:
        script = _pre_render(root)
        if script:
            pre = start_process([sys.executable, *script], root, env)
            for line in pre.stdout:
                log.add(line)
            if pre.wait() != 0:
                raise NotGenerated(pre.returncode)
        print("Lager rapporten med Quarto: HTML, PDF og Word samtidig. Fremdriften vises under.", flush=True)
        runs = formats.start(quarto, formats.copies(root), env, log.details, start_process,
                             lambda output: missing_chapters(root, output))
        formats.wait(runs)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while Quarto stops changes nothing
        if pre is not None:
            stop_process(pre)
        formats.stop(runs, stop_process)
        raise Stopped from None
    finally:
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    failed = [run for run in runs if run.returncode != 0]  # None: not started after one failed
    for run in runs:
        log.warnings += run.log.warnings
    if failed:
        log.lines += [f"[{run.name}] {line}" for run in failed for line in run.log.lines]
        return failed[0].returncode, {}
    formats.merge(runs, staging)
    formats.keep_beside_sources(runs, root)
    return 0, {form: chapters for run in runs for form, chapters in run.missing.items()}


def quarto_env(final: bool = False) -> dict[str, str]:
    """The environment every Quarto the tool starts runs in."""
    env = {**RUNTIME, **os.environ}
    # Quarto runs the pre- and post-render scripts with this Python, where `report` is installed.
    env["QUARTO_PYTHON"] = sys.executable
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env[FINAL_ENV] = "1" if final else ""  # a draft, with its marks, unless this is the final build
    return env


def _pre_render(root: Path) -> list[str]:
    """The pre-render script _quarto.yml names (Quarto would run it with QUARTO_PYTHON)."""
    project = (quarto_settings(root).get("project") or {})
    script = project.get("pre-render") or []
    return [script] if isinstance(script, str) else list(script)[:1]


def start_process(args: list[str], cwd: Path, env: dict, nice: int = 0) -> subprocess.Popen:
    """A process in its own group (so it can be stopped with all it starts), at a lower priority
    by `nice` where the system has one."""
    lower = (lambda: os.nice(nice)) if nice and hasattr(os, "nice") else None
    return subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8", errors="replace", start_new_session=os.name != "nt", preexec_fn=lower)


def stop_process(process: subprocess.Popen) -> None:
    """Stop Quarto and everything it started, and wait until all of it is gone (Quarto may still
    write a file while it handles the signal). First as Ctrl-C in a terminal would: Quarto's
    launcher, a shell script, then waits for the Deno it started (SIGTERM ends the shell at once
    and leaves Deno to whoever adopts it, which may take seconds to see it gone)."""
    if os.name == "nt":  # no process groups: Ctrl-C reached Quarto too
        process.kill()
        process.wait()
        return
    for sig, seconds in ((signal.SIGINT, 5), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not _group_runs(process.pid):
                return
            time.sleep(0.05)


def _group_runs(group: int) -> bool:
    """Whether a process of the group still runs. One that has ended but is not yet reaped by the
    process that adopted it (in a container, one that may never reap it) writes nothing."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            state, _parent, its_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # ended while being read
        if int(its_group) == group and state != "Z":
            return True
    return False


def _beside_sources(root: Path) -> set[Path]:
    """What is in the project folder and the chapters' folders now."""
    folders = {root, *(p.parent for p in root.glob("*/*.qmd") if not p.parent.name.startswith(("_", ".")))}
    return {p for folder in folders for p in folder.iterdir()}


def _clean_up(root: Path, before: set[Path]) -> None:
    """After a failed or stopped build, remove what Quarto left beside the sources (web pages,
    their folders, an unfinished Word file or PDF) that was not there before: never a file the
    writers had. (A build that succeeds leaves only what _quarto.yml asks for, like keep-typ.)"""
    for path in _beside_sources(root) - before:
        if path.is_dir() and (path.name.endswith("_files") or path.name in {"site_libs", STAGING}):
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() and path.suffix in _LEFT_BY_QUARTO:
            path.unlink(missing_ok=True)


def _record(root: Path, staging: Path, final: bool) -> None:
    """The numbers this build published (made and stamped by the pre-render step), with the time
    it finished and whether it is final, and the record of the build it replaces beside them, for
    «rapport endringer»."""
    made = root / GENERATED / RECORD
    if not made.is_file():
        return
    numbers = json.loads(made.read_text(encoding="utf-8"))
    now = dt.datetime.now().replace(microsecond=0)
    numbers.update(created=now.isoformat(), final=final)
    (staging / RECORD).write_text(json.dumps(numbers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    previous = root / OUTPUT / RECORD
    if previous.is_file():
        shutil.copyfile(previous, staging / PREVIOUS_RECORD)


def _swap_in(staging: Path, target: Path) -> None:
    previous = target.with_name(PREVIOUS)
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        os.replace(target, previous)
    try:
        os.replace(staging, target)
    except OSError:
        if previous.exists():
            os.replace(previous, target)
        raise
    shutil.rmtree(previous, ignore_errors=True)
