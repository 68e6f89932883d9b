"""`rapport forhåndsvis`: the web version (or with `--pdf` the PDF) served and kept current while
writers work.

Quarto's own preview re-renders a chapter when it is saved, but never notices a workbook: the
pages stay stale until a full build. Here Quarto previews a copy of the sources
(`.forhandsvisning/`, its own output folder there, so `_bok/` is never touched), and this loop
watches the project: a saved chapter (or picture) is copied into the copy, and Quarto re-renders
it; a saved workbook runs the pre-render build, and the chapters that use a block, figure or
number that changed are copied again, so Quarto re-renders those. A workbook that cannot be read
(still open, saved half-way) gives the same message as `rapport sjekk`, in the terminal and in a
banner on the page (report/publish/preview_server.py), and the last good pages stay. Ctrl-C
stops Quarto and removes the copy.

The PDF is made here, not by Quarto's preview: Quarto 1.11 previews only LaTeX PDFs as PDFs; for
the Typst format it serves the file bare, so the browser is never told to load it again, and its
watcher makes the book again only when a chapter's text changed, never for new numbers or
blocks. So each change (after the same copying) runs `quarto render --to nhsp-typst` in the copy,
and the preview's own server shows the newest whole PDF in a page that loads it again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import webbrowser
from pathlib import Path

from report.build import GENERATED, build
from report.content.references import find_references, flatten
from report.content.variables import FILE as VARIABLES
from report.data.problems import DataError, print_problems, problem_lines
from report.publish import formats
from report.publish.preview_server import Status, add_banner, address, serve
from report.publish.quarto import INSTALL_HELP, find_quarto, quarto_env, start_process, stop_process
from report.publish.quarto_log import QuartoLog

FOLDER = ".forhandsvisning"
POLL = 0.3  # seconds between looks at the files
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_UNREADABLE = "Regnearket kunne ikke leses, så siden viser det som var der før:"
_NO_PDF = ("PDF-en kunne ikke lages på nytt: Quarto stoppet med feil (meldingen står i terminalen). "
           "Siden viser den forrige PDF-en.")


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
    status = Status()
    try:
        server = serve(status, (port or 0) if pdf else 0, pdf)
    except OSError as e:
        print(f"Forhåndsvisningen startet ikke: porten {port} kan ikke brukes ({e.strerror or e}). "
              "Velg en annen med --port.", file=sys.stderr)
        return 1
    copy = formats.copy_sources(root, root / FOLDER, ("pre-render", "post-render"))
    env = quarto_env()
    process = None  # Quarto's preview of the web pages (the PDF is made here, one render at a time)
    if pdf:
        print(f"Forhåndsvisningen av PDF-en: {address(server)}/", flush=True)
        if browser:
            webbrowser.open(f"{address(server)}/")
    else:
        add_banner(copy, server)
        args = [quarto, "preview", "--render", "html", "--to", "html"] + (["--port", str(port)] if port else [])
        process = start_process(args + ([] if browser else ["--no-browser"]), copy, env)
        threading.Thread(target=_echo, args=(process,), daemon=True).start()
    made = "PDF-en" if pdf else "nettsidene"
    print(f"Forhåndsvisningen starter ({made} lages først). Lagre et kapittel eller et regneark, så "
          "oppdateres siden. Stopp med Ctrl-C.", flush=True)
    seen = _state(root)

    def stop(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    try:
        if pdf:
            _make_pdf(quarto, copy, env, status)
        while process is None or process.poll() is None:
            now = _state(root)
            changed = {p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
            seen = now
            if changed and _update(root, copy, changed, status) and pdf:
                _make_pdf(quarto, copy, env, status)
            time.sleep(POLL)
        print("Quarto stoppet forhåndsvisningen.", file=sys.stderr)
        return process.returncode or 1
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while Quarto stops changes nothing
        if process is not None:
            stop_process(process)
        print("\nForhåndsvisningen er stoppet. _bok/ er som før.")
        return 0
    finally:
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        server.shutdown()
        server.server_close()
        shutil.rmtree(copy, ignore_errors=True)


def _make_pdf(quarto: str, copy: Path, env: dict, status: Status) -> None:
    """The whole PDF made again in the copy and served once it is done; if Quarto fails, the last
    one stays (and the page says so)."""
    started = time.monotonic()
    log = QuartoLog()
    process = start_process([quarto, "render", "--to", formats.FORMATS["PDF"], "--output-dir", formats.OUT],
                            copy, env)
    try:
        for line in process.stdout:
            log.add(line)
        returncode = process.wait()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_process(process)
        raise
    made = sorted((copy / formats.OUT).glob("*.pdf"))
    if returncode != 0 or not made:  # Quarto's lines, with its error, are shown already
        print(_NO_PDF, file=sys.stderr, flush=True)
        status.show("pdf", _NO_PDF)
        return
    status.new_pdf(made[0].read_bytes())
    status.show("pdf", None)
    log.print_warnings()
    print(f"PDF-en er oppdatert på siden ({time.monotonic() - started:.0f} s).", flush=True)


def _state(root: Path) -> dict[Path, tuple[int, int]]:
    """Each watched file's size and time of change: the chapters, the pictures, the workbooks."""
    files = [*root.glob("*.qmd"), *root.glob("chapters/*.qmd"), *root.glob("data/*.xlsx"), *root.glob("figures/*")]
    state = {}
    for path in files:
        if path.name.startswith(("~$", ".")):  # Excel's and LibreOffice's lock files
            continue
        try:
            info = path.stat()
        except OSError:
            continue
        state[path] = (info.st_mtime_ns, info.st_size)
    return state


def _update(root: Path, copy: Path, changed: set[Path], status: Status) -> bool:
    """The changed files (and what a changed workbook changes) into the copy; whether the copy
    changed. A workbook that cannot be read sets the page's message until one can again."""
    sources = [p for p in changed if p.suffix != ".xlsx"]
    data = any(p.suffix == ".xlsx" for p in changed)
    if data:
        try:
            sources += _after_data_change(root, copy)
            status.show("data", None)
        except DataError as e:
            print(_UNREADABLE, file=sys.stderr)
            print_problems(e.problems.errors)
            status.show("data", "\n".join([_UNREADABLE, *problem_lines(e.problems.errors)]))
            data = False
    for path in sorted(set(sources)):
        target = copy / path.relative_to(root)
        if path.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            os.utime(target)  # newer than what Quarto rendered, even when copied back unchanged
            print(f"Oppdaterer {path.relative_to(root).as_posix()} …", flush=True)
        else:
            target.unlink(missing_ok=True)
    return data or bool(sources)


def _after_data_change(root: Path, copy: Path) -> list[Path]:
    """The pre-render build again (DataError if a workbook cannot be read); the chapters that use
    what changed (to render again)."""
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
    used = {f"figur-{Path(f).stem}" for f in figures} | {Path(b).stem for b in blocks}
    return [root / r.file for r in find_references(root)
            if (r.kind == "blokk" and r.name in used) or (r.kind == "var" and r.name in names)]


def _texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*") if p.is_file()} if folder.is_dir() else {}


def _values(root: Path) -> dict[str, str]:
    try:
        return flatten(json.loads((root / VARIABLES).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _echo(process) -> None:
    """Quarto's lines as they come, with «[Quarto]» first (in a thread of its own)."""
    for line in process.stdout:
        line = _COLOUR.sub("", line).strip()
        if line:
            print(f"[Quarto] {line}", flush=True)
