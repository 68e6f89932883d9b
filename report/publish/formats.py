"""The formats rendered side by side. Quarto renders a book's formats one after another; here
each format gets its own copy of the sources (`.bygg/FORMAT/`, hidden from Quarto's view of
the project) and its own Quarto, the web pages in one lane and the PDF and the Word file in
another, and the outputs are put together as one `_bok/`. The pre-render step has already run
once (the copies' `_quarto.yml` leaves it out); each Quarto runs the post-render step on its own
format, and the Word file's contents get their page numbers after its Quarto. Progress is shown
per format, with the project's paths in place of the copy's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from report.data.config import NOT_BOOK, QUARTO_FILE, quarto_settings
from report.publish.docx.finalize import CONTENTS_PAGES_LATER
from report.publish.quarto_log import QuartoLog

WORK = ".bygg"  # root/.bygg/FORMAT/: a format's copy of the sources
OUT = "_ut"  # each copy's output folder
# shown name → Quarto's format (as in _quarto.yml)
FORMATS = {"PDF": "nhsp-typst", "Word": "docx", "HTML": "html"}
# The web pages take longest (a Pandoc run and a page to finish per chapter): they get the
# machine first, and the PDF and the Word file share what is left (a lower priority, `nice`).
LONGEST = "HTML"
NICE = 10
# The Word file's contents get their page numbers from LibreOffice's layout of the file. The lane
# adds them once Word's Quarto has exited, not in its post-render step: LibreOffice then does not
# run beside that Quarto and the post-render step (~300 MB at 10×), only beside the web pages'.
LAYOUT_LATER = "Word"
CONTENTS_PAGES = "report.publish.docx.finalize"  # run as `python -m … FOLDER`
_PRINT = threading.Lock()


@dataclass
class Run:
    name: str
    folder: Path
    log: QuartoLog
    process: subprocess.Popen | None = None
    returncode: int | None = None
    lane: threading.Thread | None = field(default=None, repr=False)  # the thread it runs in, with the others of its lane
    stopped: threading.Event = field(default_factory=threading.Event, repr=False)  # the build's, shared
    missing: dict[str, list[str]] = field(default_factory=dict)  # chapters its output lacks, by form


class _Prefixed:
    """A stream that starts each line with the format's name, one writer at a time."""

    def __init__(self, prefix: str, out):
        self.prefix, self.out = prefix, out

    def write(self, text: str) -> None:
        with _PRINT:
            for line in text.splitlines(keepends=True):
                self.out.write(line if line == "\n" else f"{self.prefix}{line}")

    def flush(self) -> None:
        self.out.flush()


def copies(root: Path) -> dict[str, Path]:
    """A fresh copy of the sources for each format, its `_quarto.yml` without the pre-render step."""
    work = root / WORK
    shutil.rmtree(work, ignore_errors=True)
    return {name: copy_sources(root, work / name.lower(), ("pre-render",)) for name in FORMATS}


def copy_sources(root: Path, folder: Path, leave_out: tuple[str, ...]) -> Path:
    """What Quarto renders the book from, copied to `folder`: everything but the folders that are
    not the book's (NOT_BOOK; the pre-render step has read the data) and hidden ones. Its
    `_quarto.yml` is without the project steps in `leave_out` ("pre-render", "post-render")."""
    settings = quarto_settings(root)
    for step in leave_out:
        settings.get("project", {}).pop(step, None)
    folder.mkdir(parents=True, exist_ok=True)
    for path in root.iterdir():
        if path.name.startswith((".", "~$")) or path.name in NOT_BOOK or path.name.endswith(".egg-info"):
            continue
        if path.is_dir():
            shutil.copytree(path, folder / path.name, ignore=shutil.ignore_patterns(".*", "~$*", "__pycache__"),
                            dirs_exist_ok=True)
        elif path.is_file():
            shutil.copy2(path, folder / path.name)
    (folder / QUARTO_FILE).write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def start(quarto: str, folders: dict[str, Path], env: dict, details: bool, popen,
          check: Callable[[Path], dict[str, list[str]]]) -> list[Run]:
    """Start the formats in two lanes: the web pages in one, the PDF and then the Word file in the
    other (three Quartos at once would take half again the memory for little more speed on a
    two-core machine). `popen(args, folder, env, niceness)` also sets up a process group;
    `check(output folder)` is the build's last guard, run on each format in its lane (reading
    the PDF takes a second, while the web pages are still being made)."""
    stopped = threading.Event()
    runs = [Run(name, folder, QuartoLog(details, out=_Prefixed(f"[{name}] ", sys.stdout), copy=folder),
                stopped=stopped) for name, folder in folders.items()]
    lanes = [[r for r in runs if r.name == LONGEST], [r for r in runs if r.name != LONGEST]]
    for lane in lanes:
        thread = threading.Thread(target=_lane, args=(lane, quarto, env, popen, check), daemon=True)
        thread.start()
        for run in lane:
            run.lane = thread
    return runs


def _lane(runs: list[Run], quarto: str, env: dict, popen, check) -> None:
    """The runs one after another, each checked when it is done, until one fails or the build is
    stopped."""
    for run in runs:
        render = [quarto, "render", "--to", FORMATS[run.name], "--output-dir", OUT]
        steps = [(render, env)]
        if run.name == LAYOUT_LATER:  # the contents numbered by a process of its own (stopped as Quarto is)
            steps = [(render, {**env, CONTENTS_PAGES_LATER: "1"}), ([sys.executable, "-m", CONTENTS_PAGES, OUT], env)]
        for args, step_env in steps:
            with _PRINT:
                if run.stopped.is_set():
                    return
                run.process = popen(args, run.folder, step_env, 0 if run.name == LONGEST else NICE)
            for line in run.process.stdout:
                run.log.add(line)
            run.returncode = run.process.wait()
            if run.returncode != 0:
                return
        run.missing = check(run.folder / OUT)


def wait(runs: list[Run]) -> None:
    for thread in {id(r.lane): r.lane for r in runs}.values():
        thread.join()


def stop(runs: list[Run], kill) -> None:
    """No run starts after this; `kill` stops those running."""
    with _PRINT:
        for run in runs:
            run.stopped.set()
    for run in runs:
        if run.process is not None:
            kill(run.process)


def merge(runs: list[Run], staging: Path) -> None:
    """The formats' outputs as one folder: the web pages (with their own files), then the PDF,
    the Word file and what the post-render steps put beside them."""
    shutil.rmtree(staging, ignore_errors=True)
    ordered = sorted(runs, key=lambda r: r.name != "HTML")
    shutil.copytree(ordered[0].folder / OUT, staging)
    for run in ordered[1:]:
        for path in (run.folder / OUT).iterdir():
            target = staging / path.name
            if path.is_dir():
                shutil.copytree(path, target, dirs_exist_ok=True)
            else:
                shutil.copy2(path, target)


def keep_beside_sources(runs: list[Run], root: Path) -> None:
    """What Quarto keeps beside the sources when _quarto.yml asks it to (`keep-typ`: the PDF's
    Typst source), from the copies to the project."""
    for run in runs:
        for path in run.folder.glob("*.typ"):
            shutil.copy2(path, root / path.name)


def clean(root: Path) -> None:
    shutil.rmtree(root / WORK, ignore_errors=True)
