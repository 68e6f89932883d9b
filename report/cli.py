"""The `rapport` command (also `python -m report`). Help texts are in bokmål."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapport",
        description="Verktøy for statusrapporten for Nasjonal helse- og sykehusplan.",
    )
    parser.add_argument(
        "--prosjekt", type=Path, default=Path("."), metavar="MAPPE",
        help="prosjektmappen (der rapport.toml ligger); standard er gjeldende mappe",
    )
    sub = parser.add_subparsers(dest="kommando", metavar="KOMMANDO", required=True)
    sub.add_parser("sjekk", help="kontroller regnearkene i data/ og vis et sammendrag eller feilene")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.kommando == "sjekk":
        from report.check import run_check

        return run_check(args.prosjekt)
    return 2


if __name__ == "__main__":
    sys.exit(main())
