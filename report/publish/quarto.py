"""`rapport bygg`: the whole report through Quarto, with the project's own Python.

Quarto empties its output folder before it runs the pre-render step, so a build that fails
(bad data, an unknown block, Quarto, Typst or the Word post-processing) would leave no report
at all. Quarto therefore writes to a staging folder, which replaces `_bok/` only when every
format was made: a failed build leaves the previous report as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

OUTPUT = "_bok"
STAGING = ".bok-ny"  # hidden, so Quarto never takes it for input
PREVIOUS = ".bok-forrige"

INSTALL_HELP = """Fant ikke Quarto på denne maskinen.
Installer Quarto på en av disse måtene, og kjør «rapport bygg» på nytt:
  - .venv/bin/pip install -e ".[quarto]"   (henter Quarto fra internett)
  - last ned fra https://quarto.org/docs/get-started/
Tabeller, figurer og tall kan lages uten Quarto med «rapport generer»."""


# Pandoc's runtime: compact the old generation instead of copying it. Measured on the 50× book
# (scripts/benchmark.py): docx peak 576 → 456 MB, html 447 → 399 MB, about 15 % slower.
# Pandoc's release binaries (the ones Quarto ships) accept GHCRTS; a writer's own setting wins.
PANDOC_RUNTIME = {"GHCRTS": "-c"}


def find_quarto() -> str | None:
    """Quarto on PATH, or the one the `quarto` extra installed beside this Python."""
    here = str(Path(sys.executable).parent)
    return shutil.which("quarto", path=os.pathsep.join([here, os.environ.get("PATH", "")]))


def render(root: Path) -> int:
    root = Path(root).resolve()
    quarto = find_quarto()
    if quarto is None:
        print(INSTALL_HELP, file=sys.stderr)
        return 1
    env = {**PANDOC_RUNTIME, **os.environ}
    # Quarto runs the pre- and post-render scripts with this Python, where `report` is installed.
    env["QUARTO_PYTHON"] = sys.executable
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    print("Lager rapporten med Quarto (HTML, PDF og Word). Fremdriften vises under.", flush=True)
    result = subprocess.run([quarto, "render", "--output-dir", STAGING], cwd=root, env=env)
    kept = " Forrige versjon i _bok/ er beholdt." if (root / OUTPUT).exists() else ""
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"Quarto stoppet med feil: se meldingene over.{kept}", file=sys.stderr)
        return result.returncode or 1
    try:
        _swap_in(staging, root / OUTPUT)
    except OSError as e:
        print(f"Rapporten ble laget i {STAGING}/, men kunne ikke flyttes til {OUTPUT}/: {e.strerror or e}. "
              f"Lukk filer fra {OUTPUT}/ som er åpne (PDF, Word), og kjør «rapport bygg» på nytt.{kept}",
              file=sys.stderr)
        return 1
    outputs = sorted(p.name for p in (root / OUTPUT).glob("*") if p.suffix in {".html", ".pdf", ".docx", ".xlsx"})
    print(f"Ferdig. Rapporten ligger i {OUTPUT}/: " + ", ".join(outputs))
    return 0


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
