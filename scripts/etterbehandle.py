"""Quarto's post-render step (see _quarto.yml): finishes every Word file Quarto wrote, and
numbers the appendices in the HTML pages' navigation."""

import os
import sys
from pathlib import Path

try:
    from report.config import load_config
    from report.docx.finalize import FinalizeError, finalize_docx
    from report.html.vedlegg import number_appendices
except ImportError:
    sys.exit(f"Finner ikke rapportverktøyet i Python-installasjonen Quarto bruker ({sys.executable}).")

config = load_config(Path.cwd())
outputs = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines()
for output in [line for line in outputs if line.endswith(".docx")]:
    try:
        finalize_docx(Path(output), config)
    except FinalizeError as e:
        sys.exit(f"Word-filen ble ikke ferdigstilt: {e}")
    print(f"Ferdigstilte Word-filen {output}: forside, innhold, sidetall og liggende vedlegg.")
if os.environ.get("QUARTO_PROJECT_OUTPUT_DIR"):
    number_appendices(Path(os.environ["QUARTO_PROJECT_OUTPUT_DIR"]))
