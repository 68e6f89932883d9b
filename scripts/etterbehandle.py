"""Quarto's post-render step (see _quarto.yml): finishes every Word file Quarto wrote and puts
the numbers behind the report (tallgrunnlag-YEAR.xlsx) next to it."""

import os
import shutil
import sys
from pathlib import Path

try:
    from report import tallgrunnlag
    from report.build import GENERATED
    from report.config import load_config
    from report.docx.finalize import FinalizeError, finalize_docx
except ImportError:
    sys.exit(f"Finner ikke rapportverktøyet i Python-installasjonen Quarto bruker ({sys.executable}).")

config = load_config(Path.cwd())
outputs = [line for line in os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines() if line.endswith(".docx")]
for output in outputs:
    try:
        finalize_docx(Path(output), config)
    except FinalizeError as e:
        sys.exit(f"Word-filen ble ikke ferdigstilt: {e}")
    print(f"Ferdigstilte Word-filen {output}: forside, innhold, sidetall og liggende vedlegg.")

workbook = Path(GENERATED) / tallgrunnlag.file_name(config.year)
output_dir = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_bok"))
shutil.copyfile(workbook, output_dir / workbook.name)
print(f"La tallgrunnlaget ved siden av rapporten: {workbook.name}")
