"""`rapport sjekk`: validate data/ and print a short summary or every problem, the unfinished
text in the chapters, and (--variabler) every variable with its value."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from report.content.references import find_placeholders, flatten
from report.content.review import review
from report.content.variables import variables
from report.data import schema
from report.data.config import Config
from report.data.model import Dataset
from report.data.problems import print_problems
from report.workflow.replies import waiting


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


def variable_lines(dataset: Dataset, config: Config, wanted: str = "") -> list[str]:
    """Each variable whose name holds `wanted`, with its value as the report shows it."""
    values = {name: re.sub(r"\\(.)", r"\1", value)  # the markdown escapes, taken off for reading
              for name, value in flatten(variables(dataset, config)).items() if wanted.casefold() in name.casefold()}
    width = max(map(len, values), default=0)
    return [f"  {name.ljust(width)}  {value}" for name, value in sorted(values.items())]


def run_check(root: Path, wanted: str | None = None) -> int:
    """`wanted`: list the variables whose names hold it ("" for all) instead of the summary."""
    found = review(root)
    config, dataset, problems, in_data = found.config, found.dataset, found.problems, found.in_data
    if problems.errors:
        in_chapters = len(problems.errors) - in_data
        print(f"Fant {len(problems.errors)} feil ({in_data} i regnearkene i data/, {in_chapters} i kapitlene):",
              file=sys.stderr)
        print_problems(problems.errors + problems.warnings)
        return 1
    if wanted is not None:  # the list asked for, without the warnings (the plain «sjekk» shows them)
        lines = variable_lines(dataset, config, wanted)
        print(f"{len(lines)} variabler for {config.year}" + (f" med «{wanted}» i navnet" if wanted else "")
              + ". Bruk dem i kapitlene som {{< var NAVN >}}:")
        print("\n".join(lines))
        return 0
    if problems.warnings:
        print(f"{len(problems.warnings)} advarsler:")
        print_problems(problems.warnings, file=sys.stdout)
    print("\n".join(summary(dataset, config.year)))
    left = waiting(config, dataset)
    if left:
        count = sum(map(len, left.values()))
        total = len(dataset.assignments_for(config.year))
        print(f"Innspillsrunden for {config.year}: {count} av {total} oppdrag mangler svar, og vises med "
              "fjorårets eller tom status til svaret er ført inn («rapport innspill les»):")
        for department, ids in sorted(left.items()):
            print(f"  {department}: {', '.join(ids)}")
    elif left is not None:
        print(f"Innspillsrunden for {config.year}: alle oppdrag har svar.")
    print("Ingen feil i regnearkene eller i kapitlene.")
    unfinished = find_placeholders(root).warnings
    if unfinished:
        print(f"{len(unfinished)} steder i kapitlene er ikke ferdige:")
        print_problems(unfinished, file=sys.stdout)
    return 0
