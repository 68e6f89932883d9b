"""Quarto's pre-render step (see _quarto.yml): generates blocks, figures and numbers."""

import sys

try:
    from report.cli import main
except ImportError:
    sys.exit(
        "Finner ikke rapportverktøyet i Python-installasjonen Quarto bruker "
        f"({sys.executable}).\nBruk «.venv/bin/rapport bygg», eller aktiver .venv før «quarto render»."
    )

sys.exit(main(["generer"]))
