"""`rapport forhåndsvis`: the web pages (or with `--pdf` the PDF) served and kept current while
writers work.

Quarto's own preview re-renders a chapter when it is saved, but never notices a workbook: the
pages stay stale until a full build. It also reads `_variables.yml` only when it reloads its view
of the project, which can come after the chapters using a new value were rendered with the old
one. So the preview renders here, in a copy of the sources (`.forhandsvisning/`, its own output
folder there, so `_bok/` is never touched), one fresh `quarto render` at a time (with the
post-render step, so the pages are finished as in `_bok/`), and its own
server (report/publish/preview_server.py) shows the pages or the PDF and tells an open page when
it was made again.

This loop watches the project. A saved chapter (or picture) is copied into the copy and that
chapter is rendered again; a saved workbook runs the pre-render build, and the chapters that use
a block, figure or number that changed are rendered again, the page the writer has open first.
When the writer saves the chapter that is open while another chapter is being rendered, that
render is stopped (unless Quarto is done and the post-render step is finishing the pages) and
comes again after the open one, so a saved chapter shows in about Quarto's time for it (a render
of the open chapter is never stopped, so saves in quick succession still show). A saved
`_quarto.yml` or `rapport.toml` (a chapter added to the book, a new title) copies the sources
again and renders the whole book. With `--pdf` any change makes the whole PDF again. A workbook
or settings that cannot be read (still open, saved half-way) give the same message as `rapport
sjekk`, in the terminal and in a banner on the page, and the last good pages stay. Ctrl-C stops
Quarto and removes the copy.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from functools import partial
from pathlib import Path

from report.build import build
from report.content.references import chapter_text, find_references, flatten, sources
from report.content.variables import FILE as VARIABLES
from report.data.config import CONFIG_FILE, GENERATED, QUARTO_FILE
from report.data.problems import DataError, print_problems, problem_lines
from report.publish import formats
from report.publish.preview_server import Status, add_banner, address, serve
from report.publish.quarto import INSTALL_HELP, find_quarto, quarto_env, start_process, stop_process
from report.publish.quarto_log import QuartoLog

FOLDER = ".forhandsvisning"
POLL = 0.3  # seconds between looks at the files
BOOK = ""  # in the queue: the whole book (the first render, every PDF, and after the settings changed)
SETTINGS = (QUARTO_FILE, CONFIG_FILE)
_UNREADABLE = "Regnearket kunne ikke leses, så siden viser det som var der før:"
_SETTINGS_UNREADABLE = "Innstillingene kunne ikke leses, så siden viser det som var der før:"
_FAILED = ("{what} kunne ikke lages på nytt: Quarto stoppet med feil (meldingen står i terminalen). "
           "Siden viser det som var der før.")


def preview(root: Path, port: int | None, browser: bool, pdf: bool = False) -> int:
    quarto = find_quarto()
    if quarto is None:
        print(INSTALL_HELP, file=sys.stderr)
        return 1
    try:
        build(root)
    except DataError as e:
        print("Forhåndsvisningen startet ikke: rett feilene under, og start den igjen.", file=sys.stderr)
        print_problems(e.problems.errors)
        return 1
    copy = formats.copy_sources(root, root / FOLDER, ("pre-render",))  # the pages finished as in _bok/
    status = Status()
    try:
        server = serve(status, copy / formats.OUT, port or 0, pdf)
    except OSError as e:
        shutil.rmtree(copy, ignore_errors=True)
        print(f"Forhåndsvisningen startet ikke: porten {port} kan ikke brukes ({e.strerror or e}). "
              "Velg en annen med --port.", file=sys.stderr)
        return 1
    if not pdf:
        add_banner(copy)
    env = quarto_env()
    made = "PDF-en" if pdf else "nettsidene"
    print(f"Forhåndsvisningen av {made}: {address(server)}/ ({made} lages først). Lagre et kapittel eller "
          "et regneark, så oppdateres siden. Stopp med Ctrl-C.", flush=True)
    if browser:
        webbrowser.open(f"{address(server)}/")
    seen = _state(root)
    queue = [BOOK]  # what is to be rendered, in order

    def stop(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            now = _state(root)
            changed = {p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
            seen = now
            if changed:
                new = _update(root, copy, changed, status, pdf)
                queue = [BOOK] if BOOK in new else queue + [f for f in new if f not in queue]
            if not queue:
                time.sleep(POLL)
                continue
            if pdf:
                queue.clear()
                _render(quarto, copy, env, status, BOOK, pdf)
            else:
                viewed = status.viewed_source()
                source = viewed if viewed in queue else queue[0]
                queue.remove(source)
                stale = partial(_other_chapter_saved, root, seen, status, source) if source != BOOK else None
                if not _render(quarto, copy, env, status, source, pdf, stale):
                    queue.insert(0, source)  # after the open chapter
    except KeyboardInterrupt:
        print("\nForhåndsvisningen er stoppet. _bok/ er som før.")
        return 0
    finally:
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        server.shutdown()
        server.server_close()
        shutil.rmtree(copy, ignore_errors=True)


def _render(quarto: str, copy: Path, env: dict, status: Status, source: str, pdf: bool,
            stale: Callable[[], bool] | None = None) -> bool:
    """One `quarto render` in the copy: the whole book (BOOK) or one chapter, as web pages or
    the PDF. The server is told what is new; if Quarto fails, what was there stays (and the page
    says so). False if it was stopped because `stale()` said so before the post-render step began
    (which rewrites the pages, so it is left to finish)."""
    started = time.monotonic()
    what = "PDF-en" if pdf else (f"Siden for {source}" if source else "Nettsidene")
    if source:
        print(f"Oppdaterer {source} …", flush=True)
    log = QuartoLog(copy=copy)
    process = start_process([quarto, "render", *([source] if source else []), "--to",
                             formats.FORMATS["PDF" if pdf else "HTML"], "--output-dir", formats.OUT], copy, env)
    finishing = threading.Event()
    reader = threading.Thread(target=_read, args=(process, log, finishing), daemon=True)
    reader.start()
    try:
        while (returncode := _wait(process)) is None:
            if stale and not finishing.is_set() and stale():
                stop_process(process)
                reader.join()
                print(f"Venter med {source}: kapitlet som er åpent, ble lagret og lages først.", flush=True)
                return False
        reader.join()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while Quarto stops changes nothing
        stop_process(process)
        raise
    out = copy / formats.OUT
    made = next(out.glob("*.pdf"), None) if pdf else out / "index.html"
    if returncode != 0 or made is None or not made.is_file():  # Quarto's lines, with its error, are shown
        message = _FAILED.format(what=what)
        print(message, file=sys.stderr, flush=True)
        status.show(f"quarto {source}", message)
        return True
    status.show(f"quarto {source}", None)
    if pdf:
        status.new_pdf(made.read_bytes())
    else:
        status.made(source)
    log.print_warnings()
    print(f"{what} er oppdatert ({time.monotonic() - started:.0f} s).", flush=True)
    return True


def _read(process: subprocess.Popen, log: QuartoLog, finishing: threading.Event) -> None:
    """Quarto's lines into the log, as they come; `finishing` once the post-render step runs (the
    only script Quarto runs in the copy: the pre-render step ran before)."""
    for line in process.stdout:
        log.add(line)
        if log.lines[-1].startswith("Running script"):
            finishing.set()


def _wait(process: subprocess.Popen) -> int | None:
    """Quarto's exit code, or None if it still runs after a look at the files' interval."""
    try:
        return process.wait(POLL)
    except subprocess.TimeoutExpired:
        return None


def _other_chapter_saved(root: Path, seen: dict[Path, tuple[int, int]], status: Status, rendering: str) -> bool:
    """Whether the chapter open in the browser, if not the one `rendering`, was saved since the
    files were last looked at. (A render of the open chapter itself is left to finish: an editor
    that saves every second would otherwise never see it done.)"""
    viewed = status.viewed_source()
    if not viewed or viewed == rendering:
        return False
    stamp = _stamp(root / viewed)
    return stamp is not None and stamp != seen.get(root / viewed)


def _state(root: Path) -> dict[Path, tuple[int, int]]:
    """Each watched file's size and time of change: the chapters, the pictures, the workbooks, the
    settings."""
    files = [*sources(root), *root.glob("data/*.xlsx"), *root.glob("figures/*"), *(root / f for f in SETTINGS)]
    stamps = {path: _stamp(path) for path in files
              if not path.name.startswith(("~$", "."))}  # not Excel's and LibreOffice's lock files
    return {path: stamp for path, stamp in stamps.items() if stamp is not None}


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's time of change and size; None if it is not there."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _update(root: Path, copy: Path, changed: set[Path], status: Status, pdf: bool) -> list[str]:
    """The changed files (and what a changed workbook changes) into the copy; the chapters to
    render again (relative paths), or BOOK when the settings changed (the chapter list, the
    year). A workbook or settings that cannot be read set the page's message until they can again."""
    settings = {p for p in changed if p.relative_to(root).as_posix() in SETTINGS}
    chapters = {p for p in changed if p.suffix == ".qmd"}
    pictures = {p for p in changed - settings if p.suffix not in (".qmd", ".xlsx")}
    workbooks = any(p.suffix == ".xlsx" for p in changed)
    if settings or workbooks:
        try:
            chapters |= _after_data_change(root, copy)
            status.show("data", None)
        except DataError as e:
            heading = _UNREADABLE if workbooks else _SETTINGS_UNREADABLE
            print(heading, file=sys.stderr)
            print_problems(e.problems.errors)
            status.show("data", "\n".join([heading, *problem_lines(e.problems.errors)]))
            settings = set()  # the last good pages stay
    if settings:  # the whole copy again, as at the start
        formats.copy_sources(root, copy, ("pre-render",))
        if not pdf:
            add_banner(copy)
        return [BOOK]
    for path in chapters | pictures:
        target = copy / path.relative_to(root)
        if path.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        else:
            target.unlink(missing_ok=True)
    if pictures:  # the chapters that show them
        names = {p.name for p in pictures}
        chapters |= {p for p in sources(root) if any(n in chapter_text(p) for n in names)}
    return sorted(p.relative_to(root).as_posix() for p in chapters if p.exists())


def _after_data_change(root: Path, copy: Path) -> set[Path]:
    """The pre-render build again (DataError if a workbook cannot be read); the chapters that use
    what changed."""
    before_blocks = _texts(root / GENERATED / "blokker")
    before_values = _values(root)
    before_figures = _texts(root / GENERATED / "figurer")
    build(root)
    blocks = {n for n, t in _texts(root / GENERATED / "blokker").items() if before_blocks.get(n) != t}
    figures = {n for n, t in _texts(root / GENERATED / "figurer").items() if before_figures.get(n) != t}
    values = _values(root)
    names = {n for n in values.keys() | before_values.keys() if values.get(n) != before_values.get(n)}
    shutil.copytree(root / GENERATED, copy / GENERATED, dirs_exist_ok=True)
    shutil.copy2(root / VARIABLES, copy / VARIABLES)
    used = {f"figur-{Path(f).stem.removesuffix('-smal')}" for f in figures} | {Path(b).stem for b in blocks}
    return {root / r.file for r in find_references(root)
            if (r.kind == "blokk" and r.name in used) or (r.kind == "var" and r.name in names)}


def _texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*") if p.is_file()} if folder.is_dir() else {}


def _values(root: Path) -> dict[str, str]:
    try:
        return flatten(json.loads((root / VARIABLES).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}
