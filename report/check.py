"""`rapport sjekk`: validate data/ and print a short summary or every problem."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from report import schema
from report.config import load_config
from report.load import load_dataset
from report.model import Dataset
from report.references import check_chapters


def summary(dataset: Dataset, year: int) -> list[str]:
    assignments = dataset.assignments_for(year)
    lines = [f"Oppdrag {year}: {len(assignments)}"]
    per_area = Counter(a.area for a in assignments)
    for area, name in schema.AREAS.items():
        if per_area[area]:
            statuses = Counter(a.status for a in assignments if a.area == area)
            detail = ", ".join(f"{s.lower()} {statuses[s]}" for s in schema.STATUSES if statuses[s])
            lines.append(f"  {name}: {per_area[area]} ({detail})")
    status = dataset.status_for(year)
    lines.append(f"Indikatorer: {len(dataset.indicators)} med {len(dataset.values)} verdier")
    lines.append(
        f"Helsefellesskap: {len(dataset.partnerships)}, av dem {sum(s.established for s in status)} "
        f"formelt etablert i {year}"
    )
    return lines


def run_check(root: Path) -> int:
    from report.cli import print_problems

    config = load_config(root)
    dataset, problems = load_dataset(config.data_dir)
    in_data = len(problems.errors)
    problems.extend(check_chapters(config, dataset))
    if problems.errors:
        in_chapters = len(problems.errors) - in_data
        print(f"Fant {len(problems.errors)} feil ({in_data} i regnearkene i data/, {in_chapters} i kapitlene):",
              file=sys.stderr)
        print_problems(problems.errors + problems.warnings)
        return 1
    if problems.warnings:
        print(f"{len(problems.warnings)} advarsler:")
        print_problems(problems.warnings, file=sys.stdout)
    print("\n".join(summary(dataset, config.year)))
    print("Ingen feil i regnearkene eller i kapitlene.")
    return 0
