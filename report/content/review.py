"""Every problem `rapport sjekk` reports, gathered once for `sjekk` and for the final build's gate
(`rapport bygg --endelig`): the data, the chapters' references and markup, the settings and the
abbreviations in Vedlegg 7."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from report.content.abbreviations import unexplained
from report.content.blocks import block_names
from report.content.chapters import check_chapters
from report.content.references import Reference, check_references, find_references
from report.content.variables import variables
from report.data import schema
from report.data.config import CONFIG_FILE, Config, check_config, load_config
from report.data.load import load_dataset
from report.data.model import Dataset
from report.data.problems import Problems


@dataclass
class Review:
    config: Config
    dataset: Dataset
    problems: Problems
    in_data: int  # how many of the errors are in the workbooks (the rest are in the chapters)
    variables: dict
    references: list[Reference]


def review(root: Path) -> Review:
    config = load_config(root)
    dataset, problems = load_dataset(config.data_dir)
    in_data = len(problems.errors)
    values = variables(dataset, config)
    # the chapters' references, against the blocks and variables `rapport generer` makes
    references = find_references(config.root)
    problems.extend(check_references(references, block_names(dataset, config.year), values))
    problems.extend(check_chapters(config.root))
    problems.extend(check_config(config))
    problems.extend(unexplained(dataset, config.year, config.root))
    problems.extend(_year_missing(dataset, config.year))
    return Review(config, dataset, problems, in_data, values, references)


def _year_missing(dataset: Dataset, year: int) -> Problems:
    """A sheet with no rows for the reporting year (a wrong year, rows not made yet with `rapport
    nytt-aar`) leaves its tables in the report empty without a word."""
    problems = Problems()
    for book, sheet, rows in ((schema.ASSIGNMENTS_BOOK, schema.ASSIGNMENTS, dataset.assignments),
                              (schema.PARTNERSHIPS_BOOK, schema.PARTNERSHIP_STATUS, dataset.partnership_status)):
        if any(r.year == year for r in rows):
            continue
        years = sorted({r.year for r in rows})
        found = f"; arket har rader for {', '.join(map(str, years))}" if years else "; arket har ingen rader"
        problems.warning(book.filename, sheet.name, None, f"ingen rader for {year} (året i {CONFIG_FILE}){found}. "
                                                          "Tabellene og tallene for året blir tomme i rapporten")
    return problems
