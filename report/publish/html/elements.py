"""An HTML page's elements as offsets into its text, so that a page can be changed in a few
places and stay byte for byte what Quarto wrote everywhere else."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    start: int  # the "<" of the start tag
    inner: int  # just after the start tag
    parent: Element | None
    close: int | None = None  # the "<" of the end tag
    end: int | None = None  # just after the end tag

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()

    def within(self, other: Element) -> bool:
        parent = self.parent
        while parent is not None and parent is not other:
            parent = parent.parent
        return parent is other


class _Parser(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        element = Element(tag, dict(attrs), start, start + len(self.get_starttag_text()),
                          self.open[-1] if self.open else None)
        self.elements.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            element = self.open.pop()
            element.close = element.end = element.inner

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                element = self.open[i]
                element.close = self._offset()
                element.end = self.text.index(">", element.close) + 1
                del self.open[i:]
                return


def parse(text: str) -> list[Element]:
    """Every element of `text`, in document order."""
    parser = _Parser(text)
    parser.feed(text)
    parser.close()
    return parser.elements


def text_of(page: str, element: Element) -> str:
    """The element's text, tags left out, spaces collapsed."""
    inner = re.sub(r"<[^>]*>", " ", page[element.inner:element.close])
    return " ".join(html.unescape(inner).split())


def start_tag(element: Element, **changes: str | None) -> str:
    """The element's start tag with attributes set (a value) or removed (None); `class_` is `class`."""
    attrs = dict(element.attrs)
    for name, value in changes.items():
        name = name.rstrip("_").replace("_", "-")
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value
    parts = [name if value is None else f'{name}="{html.escape(value)}"' for name, value in attrs.items()]
    return "<" + " ".join([element.tag] + parts) + ">"


def apply(page: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace page[start:end] with the text of each edit; insertions at one offset keep their order."""
    for start, end, text in reversed(sorted(edits, key=lambda e: (e[0], e[1]))):
        page = page[:start] + text + page[end:]
    return page
