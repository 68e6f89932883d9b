"""`rapport forhåndsvis`: the web version served and kept current while writers work.

Quarto's own preview re-renders a chapter when it is saved, but never notices a workbook: the
pages stay stale until a full build. Here Quarto previews a copy of the sources
(`.forhandsvisning/`, its own output folder there, so `_bok/` is never touched), and this loop
watches the project: a saved chapter (or picture) is copied into the copy, and Quarto re-renders
it; a saved workbook runs the pre-render build, and the chapters that use a block, figure or
number that changed are copied again, so Quarto re-renders those. A workbook that cannot be read
(still open, saved half-way) gives the same message as `rapport sjekk`, and the last good pages
stay. Ctrl-C stops Quarto and removes the copy.
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
from pathlib import Path

from report.build import GENERATED, build
from report.content.references import find_references, flatten
from report.content.variables import FILE as VARIABLES
from report.data.problems import DataError, print_problems
from report.publish import formats
from report.publish.quarto import INSTALL_HELP, find_quarto, quarto_env, start_process, stop_process

FOLDER = ".forhandsvisning"
POLL = 0.3  # seconds between looks at the files
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def preview(root: Path, port: int | None, browser: bool) -> int:
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
    copy = formats.copy_sources(root, root / FOLDER, ("pre-render", "post-render"))
    env = quarto_env()
    args = [quarto, "preview", "--render", "html", "--to", "html"] + (["--port", str(port)] if port else [])
    process = start_process(args + ([] if browser else ["--no-browser"]), copy, env)
    threading.Thread(target=_echo, args=(process,), daemon=True).start()
    print("Forhåndsvisningen starter (nettsidene lages først). Lagre et kapittel eller et regneark, så "
          "oppdateres siden. Stopp med Ctrl-C.", flush=True)
    seen = _state(root)

    def stop(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    try:
        while process.poll() is None:
            now = _state(root)
            changed = {p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
            seen = now
            if changed:
                _update(root, copy, changed)
            time.sleep(POLL)
        print("Quarto stoppet forhåndsvisningen.", file=sys.stderr)
        return process.returncode or 1
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while Quarto stops changes nothing
        stop_process(process)
        print("\nForhåndsvisningen er stoppet. _bok/ er som før.")
        return 0
    finally:
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        shutil.rmtree(copy, ignore_errors=True)


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


def _update(root: Path, copy: Path, changed: set[Path]) -> None:
    sources = [p for p in changed if p.suffix != ".xlsx"]
    if any(p.suffix == ".xlsx" for p in changed):
        sources += _after_data_change(root, copy)
    for path in sorted(set(sources)):
        target = copy / path.relative_to(root)
        if path.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            os.utime(target)  # newer than what Quarto rendered, even when copied back unchanged
            print(f"Oppdaterer {path.relative_to(root).as_posix()} …", flush=True)
        else:
            target.unlink(missing_ok=True)


def _after_data_change(root: Path, copy: Path) -> list[Path]:
    """The pre-render build again; the chapters that use what changed (to render again)."""
    before_blocks = _texts(root / GENERATED / "blokker")
    before_values = _values(root)
    before_figures = _texts(root / GENERATED / "figurer")
    try:
        build(root)
    except DataError as e:
        print("Regnearket kunne ikke leses, så siden viser det som var der før:", file=sys.stderr)
        print_problems(e.problems.errors)
        return []
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
