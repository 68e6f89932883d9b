"""Tables on screens of every width. Wide ones (Vedlegg 7's nine columns, Vedlegg 2's five) take
the page's width beside the chapter list (Quarto's `column-page-right`, which the contents on
the right gives way to), and their long words carry soft hyphens from the bokmål hyphenation
dictionary, so that every column fits at 1 280 px and a word is broken only with a hyphen
(browsers hyphenate bokmål themselves only where they have its dictionary; Chromium on Linux
does not). On a phone, a table's rows become cards of «Header: value» lines, so that no column
is off-screen (the cells carry their header word; the layout is in nhsp.scss)."""

from __future__ import annotations

import functools
import re

import pyphen

from report.publish.html.elements import Element, start_tag, text_of

COLUMNS = 5  # a table with this many columns or more is wide
CARD_COLUMNS = 3  # on a phone, a table with this many columns or more shows its rows as cards
SOFT_HYPHEN = "\u00ad"
_LONG_WORD = re.compile(r"[^\W\d_]{8,}")  # letters only: never numbers, IDs or addresses
_PIECES = re.compile(r"<[^>]*>|(?P<text>[^<]+)")  # a tag, or the text between two
_SLASH = re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])")  # «intern/ekstern»: a line may break after the slash
PAGE_WIDE = "column-page-right"
_PAGE_CLASSES = ("page-columns", "page-full")  # what Quarto gives a section holding a page-wide element


@functools.cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nb_NO")


def is_wide(elements: list[Element], table: Element) -> bool:
    first_row = next((e for e in elements if e.tag == "tr" and e.within(table)), None)
    return first_row is not None and sum(
        e.parent is first_row and e.tag in ("th", "td") for e in elements) >= COLUMNS


def hyphenated(page: str, table: Element) -> list[tuple[int, int, str]]:
    """Soft hyphens in the long words of the table's text (between its tags, never in them), and
    a break opportunity (<wbr>, which copied text does not hold) after a slash between words."""
    edits = []
    for m in _PIECES.finditer(page, table.inner, table.close):
        if m["text"] is None:
            continue
        text = _LONG_WORD.sub(lambda w: _dictionary().inserted(w[0], hyphen=SOFT_HYPHEN), m["text"])
        text = _SLASH.sub("/<wbr>", text)
        if text != m["text"]:
            edits.append((m.start(), m.end(), text))
    return edits


def widen(elements: list[Element], tables: list[Element]) -> tuple[set[int], list[tuple[int, int, str]]]:
    """(the start offsets of the tables whose new scroll region takes the page's width, the
    start-tag edits that let the others and Quarto's page grid do so). A table directly in a
    section gets the class on its region; one inside a float (a captioned table) on the float.
    Every section between it and <main>, and <main>, become page grids as Quarto makes them."""
    own: set[int] = set()
    classes: dict[int, tuple[Element, list[str]]] = {}

    def add(element: Element, *names: str) -> None:
        current = classes.setdefault(element.start, (element, (element.attrs.get("class") or "").split()))[1]
        current += [n for n in names if n not in current]

    for table in tables:
        block, parent = table, table.parent
        while parent is not None and parent.tag not in ("section", "main"):
            block, parent = parent, parent.parent
        if block is table:
            own.add(table.start)
        else:
            add(block, PAGE_WIDE)
        while parent is not None and parent.attrs.get("id") != "quarto-content":
            if parent.tag in ("section", "main"):
                add(parent, *_PAGE_CLASSES)
            parent = parent.parent
    edits = [(e.start, e.inner, start_tag(e, class_=" ".join(names))) for e, names in classes.values()
             if names != (e.attrs.get("class") or "").split()]
    return own, edits


def card_labels(page: str, elements: list[Element], table: Element) -> list[tuple[int, int, str]]:
    """Each body cell labelled with its column's header word (`data-label`), for the narrow
    screen's layout where every row is a card of «Header: value» lines (nhsp.scss)."""
    headers = [e for e in elements if e.tag == "th" and e.within(table) and e.parent is not None
               and e.parent.parent is not None and e.parent.parent.tag == "thead"]
    if len(headers) < CARD_COLUMNS:
        return []
    names = []
    for th in headers:
        first = next((e for e in elements if e.tag == "p" and e.within(th)), th)  # the word, not the prompt
        names.append(" ".join(text_of(page, first).replace(SOFT_HYPHEN, "").split()))
    edits = []
    for row in (e for e in elements if e.tag == "tr" and e.within(table) and e.parent is not None
                and e.parent.tag == "tbody"):
        cells = [e for e in elements if e.parent is row and e.tag == "td"]
        group = all(not text_of(page, c).strip() for c in cells[1:])  # an area's name over its rows
        if len(cells) == len(names) and not group:  # nor does a row across the table (colspan)
            edits += [(c.start, c.inner, start_tag(c, data_label=n)) for c, n in zip(cells, names)
                      if c.attrs.get("data-label") != n]
    return edits
