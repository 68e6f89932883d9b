"""`rapport kommentarer`: every comment reviewers sent back in Word files and PDFs, with where it
belongs (chapter and line, workbook cell, or the nearest heading), as lines and, with `--til`, as a
workbook the editor works through (a column «Gjort» kept when the list is made again)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from report.content.published import BOOK, RECORD, checksum
from report.data.config import load_config
from report.workflow.comments import KIND_WORDS, Note, Reviewed, ReviewError, norwegian_date, safe
from report.workflow.comments_docx import read_docx
from report.workflow.comments_pdf import read_pdf
from report.workflow.placing import Place, Sources

QUOTE = 80  # characters of the quoted text shown in a line
HEADERS = ("Kilde", "Kapittel", "Sitert tekst", "Kommentar", "Type", "Forfatter", "Dato", "Svar", "Fil",
           "Utkast", "Merknad", "Gjort")
WIDTHS = (44, 34, 50, 60, 12, 20, 11, 50, 24, 28, 40, 40)
MOVED = "teksten finnes ikke lenger i kildene: endret siden utkastet"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Row:
    file: Reviewed
    note: Note
    place: Place
    now: str = ""  # the sources' checksum now


@dataclass
class Result:
    lines: list[str]
    errors: list[str]


def run(root: Path, files: list[Path], target: Path | None) -> Result:
    """Read every file, place every note; the errors are for the files that could not be read."""
    root = Path(root)
    config = load_config(root)
    if target is not None:
        _refuse(root, target, files)
    reviewed, errors = [], []
    now = checksum(root, config)
    sources: Sources | None = None
    for path in files:
        try:
            found = read(path)
        except ReviewError as e:
            errors.append(str(e))
            continue
        sources = sources or Sources(root, config)
        if found.stamp is None and not sources.is_this_report(found.body):
            errors.append(f"«{path.name}» ser ikke ut til å være et utkast av denne rapporten: filen har ikke "
                          "byggestempel, og ingen av tekstene i kapitlene står i den. Kontroller at det er riktig fil.")
            continue
        reviewed.append(found)
    rows = [Row(f, n, sources.place(n), now) for f in reviewed for n in f.notes] if sources else []
    order = {name: i for i, name in enumerate(sources.order)} if sources else {}
    rows.sort(key=lambda r: (order.get(r.place.chapter, len(order)), r.place.line, r.place.source,
                             r.file.path.name, r.note.order))
    lines = [_file_line(f, now) for f in reviewed]
    several = len(reviewed) > 1
    lines += [line for r in rows for line in _lines(r, several)]
    if reviewed:
        lines.append(_summary(reviewed, rows, _current(root)))
    if target is not None and not errors:
        kept = _done(target)
        write_workbook(rows, target, kept)
        lines.append(f"Kommentarene er skrevet til {target} ({len(rows)} rader).")
    elif target is not None:
        lines.append(f"{target} er ikke skrevet, fordi ikke alle filene kunne leses.")
    return Result(lines, errors)


def read(path: Path) -> Reviewed:
    """The notes in one reviewer's file, by what the file is (not by its name)."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ReviewError(f"Finner ikke «{name}».")
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF"):
        return read_pdf(path)
    if head.startswith(b"PK"):
        return read_docx(path)
    if head == _OLE:
        raise ReviewError(f"«{name}» er en Word-fil i det gamle formatet (.doc) eller en annen eldre Office-fil. "
                          "Åpne den i Word, og lagre den som Word-dokument (.docx).")
    raise ReviewError(f"«{name}» er verken en Word-fil (.docx) eller en PDF, og kommentarene i den kan ikke leses. "
                      "Be om filen som .docx eller PDF.")


def _refuse(root: Path, target: Path, files: list[Path]) -> None:
    from report.workflow.compare import CompareError, refuse_target

    try:
        refuse_target(root, target)
    except CompareError as e:
        raise ReviewError(str(e)) from None
    if any(target.resolve() == Path(f).resolve() for f in files):
        raise ReviewError(f"«{target.name}» er en av filene som leses. Velg et annet filnavn for --til.")


def _current(root: Path) -> str:
    try:
        return json.loads((root / BOOK / RECORD).read_text(encoding="utf-8")).get("stamp") or ""
    except (OSError, ValueError, AttributeError):
        return ""


def _file_line(f: Reviewed, now: str) -> str:
    kind = "PDF" if f.path.suffix.lower() == ".pdf" else "Word-fil"
    count = f"{len(f.notes)} {'kommentar' if len(f.notes) == 1 else 'kommentarer'}"
    if f.stamp is None:
        return (f"{f.path.name}: {kind} uten byggestempel, {count}; teksten er søkt i kildene slik de er nå.")
    moved = "" if f.checksum == now else (f"; kildene er endret siden dette utkastet (kontrollsum nå {now}), "
                                          "så teksten er søkt i kildene slik de er nå")
    return f"{f.path.name}: {kind} fra utkastet {f.stamp}, {count}{moved}."


def _who(note: Note) -> str:
    author = safe(note.author, 60) or "ukjent"
    return f"{author} ({norwegian_date(note.date)})" if note.date else author


def _said(note: Note) -> str:
    text = safe(note.text)
    if note.kind == "innsetting":
        return f"satt inn «{text}»"
    if note.kind == "sletting":
        return "slettet"
    if note.kind == "erstatning":
        return f"erstattet med «{text}»"
    if note.kind == "kommentar":
        return text or "(tom kommentar)"
    return f"{KIND_WORDS[note.kind]}: {text}" if text else f"({KIND_WORDS[note.kind]})"


def _quote(note: Note) -> str:
    quote = safe(note.quote, QUOTE)
    if not quote:
        return "(ingen tekst under)"
    return f"etter «{quote}»" if note.kind == "innsetting" else f"«{quote}»"


def _source(place: Place) -> str:
    text = place.source
    if place.variables:
        text += f" [{'variabler' if len(place.variables) > 1 else 'variabel'}: {', '.join(place.variables)}]"
    if place.kind == "regneark" and place.chapter:
        text += f" (i {place.chapter}:{place.line})"
    return text


def _replies(note: Note) -> list[Note]:
    out = []
    for reply in note.replies:
        out += [reply, *_replies(reply)]
    return out


def _moved(row: Row) -> bool:
    """The quoted text is not in the sources, and the file is from another version of them."""
    return not row.place.found and row.file.checksum != row.now


def _lines(row: Row, several: bool) -> list[str]:
    note, place = row.note, row.place
    tail = f"  [{row.file.path.name}]" if several else ""
    moved = f" ({MOVED})" if _moved(row) else ""
    lines = [f"{_source(place)} — {_quote(note)} — {_who(note)}, {_said(note)}{moved}{tail}"
             if note.kind != "kommentar" else f"{_source(place)} — {_quote(note)} — {_who(note)}: {_said(note)}"
                                              f"{moved}{tail}"]
    lines += [f"    ↳ {_who(r)}: {safe(r.text) or '(tomt svar)'}" for r in _replies(note)]
    return lines


def _summary(reviewed: list[Reviewed], rows: list[Row], current: str) -> str:
    stamps = sorted({f.stamp for f in reviewed if f.stamp})
    drafts = ("utkast " + ", ".join(stamps)) if stamps else "uten byggestempel"
    if stamps and any(f.stamp is None for f in reviewed):
        drafts += ", og uten byggestempel"
    placed = sum(r.place.kind != "overskrift" for r in rows)
    near = len(rows) - placed
    replies = sum(len(_replies(r.note)) for r in rows)
    files = f"{len(reviewed)} {'fil' if len(reviewed) == 1 else 'filer'}"
    answers = f" og {replies} svar" if replies else ""
    text = (f"Fant {len(rows)} {'kommentar' if len(rows) == 1 else 'kommentarer'}{answers} i {files} ({drafts}); "
            f"{placed} plassert i kapitler eller regneark, {near} ved nærmeste overskrift.")
    moved = sum(_moved(r) for r in rows)
    if moved:
        text += f" For {moved} finnes teksten ikke lenger i kildene (endret siden utkastet)."
    return text + (f" Rapporten i {BOOK}/ er bygd {current}." if current else "")


def _key(values) -> tuple:
    return tuple(f"{v:%d.%m.%Y}" if hasattr(v, "day") else str(v or "") for v in values)


def _done(target: Path) -> dict[tuple, str]:
    """What the editor wrote in «Gjort» in an earlier list at `target`, by its row."""
    if not target.is_file():
        return {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(target, read_only=True)
        rows = list(wb.active.iter_rows(values_only=True))
        wb.close()
    except Exception:  # not a list this command wrote: nothing to keep
        return {}
    if not rows or tuple(rows[0][:len(HEADERS)]) != HEADERS:
        return {}
    return {_key(r[:4] + r[5:7] + r[8:9]): r[11] for r in rows[1:] if len(r) >= 12 and r[11]}


def write_workbook(rows: list[Row], path: Path, done: dict[tuple, str] | None = None) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kommentarer"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        note, place = r.note, r.place
        replies = "\n".join(f"{_who(x)}: {safe(x.text, lines=True)}" for x in _replies(note))
        chapter = f"{place.chapter}:{place.line}" if place.chapter and place.line else place.chapter
        values = [_source(place), chapter, safe(note.quote, lines=True), safe(note.text, lines=True),
                  KIND_WORDS[note.kind], safe(note.author, 60), note.date, replies, r.file.path.name,
                  r.file.stamp or "uten byggestempel", MOVED if _moved(r) else ""]
        key = _key(values[:4] + values[5:7] + values[8:9])
        ws.append(values + [(done or {}).get(key, "")])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":  # text, never a formula
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[6].number_format = "DD.MM.YYYY"
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    wb.save(path)
