"""The release: what stops the final build (`rapport bygg --endelig`), and the year's numbers kept
when the project rolls forward (`rapport nytt-aar`), so next year's report can be compared with it.

The final build is refused, before Quarto starts, for every one of these at once: an error
`rapport sjekk` reports; text in a chapter still marked unfinished; a variable a chapter uses
that has no value; an assignment whose reply in the year's innspill round is not merged; a
picture without alt text. There is no way round it: each is fixed in the data or the chapter.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from report.content.chapters import book_chapters
from report.content.published import BOOK, RECORD
from report.content.references import MISSING, find_placeholders, flatten
from report.content.review import review
from report.data.problems import Problem, Problems
from report.workflow.replies import waiting

RELEASES = "utgivelser"  # utgivelser/YEAR/tall.json: the numbers of each year's report


@dataclass
class Gate:
    reasons: list[Problem]  # each blocks the final build
    warnings: list[Problem]  # shown once more, never blocking


def gate(root: Path) -> Gate:
    """Every reason the final build is refused, and the warnings that do not block it."""
    root = Path(root)
    found = review(root)
    in_book = set(book_chapters(root))
    reasons = Problems()
    reasons.items += found.problems.errors
    for p in find_placeholders(root).warnings:
        if p.file in in_book:
            reasons.error(p.file, None, p.cell, p.message + ". Skriv ferdig teksten, eller fjern linjen.")
    values = flatten(found.variables)
    empty = set()
    for ref in found.references:
        if ref.kind == "var" and ref.file in in_book and values.get(ref.name) == MISSING:
            empty.add((ref.file, f"linje {ref.line}", ref.name))
            reasons.error(ref.file, None, f"linje {ref.line}",
                          f"variabelen «{ref.name}» har ingen verdi i dataene og ville vist «{MISSING}». Legg inn "
                          "tallet i regnearket, eller skriv setningen uten variabelen.")
    year = found.config.year
    for department, ids in sorted((waiting(found.config, found.dataset) or {}).items()):
        reasons.error(f"innspill/{year}", None, None,
                      f"svaret fra {department} er ikke ført inn for {len(ids)} oppdrag ({', '.join(ids)}). "
                      f"Før inn svarene med «rapport innspill les innspill/{year}», eller oppdater radene i "
                      "data/oppdrag.xlsx.")
    warnings = [w for w in found.problems.warnings
                if not any(w.file == f and w.cell == c and f"«{n}»" in w.message for f, c, n in empty)]
    return Gate(reasons.errors, warnings)


def keep_release(root: Path, year: int) -> str:
    """Keep the year's numbers (_bok/tall.json) in utgivelser/YEAR/, where next year's report can be
    compared with them; a final version kept there is never replaced by a later draft. A line
    saying what was kept."""
    root = Path(root)
    target = root / RELEASES / str(year) / RECORD
    record, kept = _read(root / BOOK / RECORD), _read(target)
    if record is None:
        return (f"Tallene for {year} ligger i {RELEASES}/{year}/{RECORD}." if kept else
                f"Fant ingen bygget rapport for {year} ({BOOK}/{RECORD}), så tallene i den er ikke tatt vare på i "
                f"{RELEASES}/{year}/. Neste år kan da ikke sammenlignes med {year}.")
    if record.get("year") != year:
        return (f"Rapporten i {BOOK}/ er for {record.get('year')}, ikke {year}: tallene er ikke tatt vare på i "
                f"{RELEASES}/{year}/.")
    if kept and kept.get("final") and not record.get("final"):
        record = kept  # the final version stays
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / BOOK / RECORD, target)
    what = "den endelige versjonen" if record.get("final") else "den siste byggingen (ikke endelig versjon)"
    return (f"Tallene i rapporten for {year} ({what}, {record.get('stamp', '')}) ligger i "
            f"{RELEASES}/{year}/{RECORD}: «rapport endringer --mot {RELEASES}/{year}» sammenligner med dem.")


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def finish(root: Path, found: Gate) -> list[str]:
    """What a passing final build says: its stamp, and the warnings once more."""
    record = _read(Path(root) / BOOK / RECORD) or {}
    lines = [f"Endelig versjon laget {record.get('stamp', '')}: tallene i den ({len(record.get('numbers', []))}) "
             f"er lagret i {BOOK}/{RECORD}.", keep_release(root, record.get("year"))]
    if found.warnings:
        lines.append(f"{len(found.warnings)} advarsler (de stopper ikke den endelige versjonen, men se over dem):")
        lines += [f"  {w.level.value.upper()}: {w}" for w in found.warnings]
    return lines
