"""Quarto's post-render step (see _quarto.yml): finishes every Word file and every web page Quarto wrote."""

import os
import sys
from pathlib import Path

try:
    from report.config import load_config
    from report.docx.finalize import FinalizeError, finalize_docx
    from report.html.furniture import finish_site
    from report.tallgrunnlag import file_name
except ImportError:
    sys.exit(f"Finner ikke rapportverktøyet i Python-installasjonen Quarto bruker ({sys.executable}).")

config = load_config(Path.cwd())
written = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines()
outputs = [line for line in written if line.endswith(".docx")]
for output in outputs:
    try:
        finalize_docx(Path(output), config)
    except FinalizeError as e:
        sys.exit(f"Word-filen ble ikke ferdigstilt: {e}")
    print(f"Ferdigstilte Word-filen {output}: forside, innhold, sidetall og liggende vedlegg.")

# The web pages last, when every file they link to is in the output folder.
output_dir = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR")
if output_dir and any(line.endswith(".html") for line in written):
    workbook = file_name(config.year)
    linked = (Path(output_dir) / workbook).is_file()
    pages = finish_site(Path(output_dir), workbook if linked else None)
    print(f"Ferdigstilte {pages} nettsider: landemerker og lenker på bokmål, tabeller som rulles for seg"
          + (f", {workbook} under «Last ned»." if linked else
             f". {workbook} finnes ikke ved siden av nettsidene, så de lenker ikke til tallene."))
