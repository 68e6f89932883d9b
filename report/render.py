"""`rapport bygg`: the whole report through Quarto, with the project's own Python."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    quarto = find_quarto()
    if quarto is None:
        print(INSTALL_HELP, file=sys.stderr)
        return 1
    env = {**PANDOC_RUNTIME, **os.environ}
    # Quarto runs the pre- and post-render scripts with this Python, where `report` is installed.
    env["QUARTO_PYTHON"] = sys.executable
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    print("Lager rapporten med Quarto (HTML, PDF og Word). Fremdriften vises under.", flush=True)
    result = subprocess.run([quarto, "render"], cwd=root, env=env)
    if result.returncode != 0:
        print("Quarto stoppet med feil: se meldingene over.", file=sys.stderr)
        return result.returncode
    outputs = sorted(p.name for p in (Path(root) / "_bok").glob("*") if p.suffix in {".html", ".pdf", ".docx"})
    print("Ferdig. Rapporten ligger i _bok/: " + ", ".join(outputs))
    return 0
