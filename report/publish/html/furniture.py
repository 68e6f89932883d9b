"""Quarto's page furniture finished for every reader: landmarks named in bokmål, previous/next
links whose name holds what they show, callout kinds apart from their titles, tables that scroll
inside their own region, and the numbers workbook in the «Last ned» menu. Written for the pages
Quarto writes (tests/fixtures/html holds some)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from report.publish.html import wide
from report.publish.html.elements import Element, apply, parse, start_tag, text_of

# Quarto's <nav> landmarks, each named so a screen reader can tell them apart.
_NAV_NAMES = {
    "quarto-secondary-nav": "Meny",
    "quarto-page-breadcrumbs": "Du er her",
    "page-navigation": "Forrige og neste kapittel",
}
_SIDEBAR_NAME = "Kapitler"
_PAGER = {"nav-page-previous": "Forrige kapittel: ", "nav-page-next": "Neste kapittel: "}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_WORD_LABEL = "Last ned Word-fil"
_WORKBOOK_LABEL = "Last ned tallene (Excel)"
STAMP_META = "nhsp-stempel"  # the build's stamp in every page's <head>
_BANNER = "utkast-merke"
_LOGO = "nhsp-logo"
PHONE_MEDIA = "(max-width: 575.98px)"  # a phone, as nhsp.scss's card layout of the tables


def finish_page(page: str, workbook_href: str | None = None, renamed: dict[str, str] | None = None,
                stamp: str = "", draft: bool = False, logo: tuple[str, str] | None = None,
                phone_version: Callable[[str], str | None] = lambda src: None) -> str:
    """The page with its furniture finished; a page already finished comes back unchanged.
    `workbook_href`: the numbers workbook, relative to the page, for the «Last ned» menu;
    `renamed`: downloads given a shorter name (Quarto's file name, or a suffix such as ".pdf" for
    every file of that kind → the new name); `stamp`: the
    build's (in a <meta>), and over the content in a banner when it is a `draft`; `logo`: the
    house logo (relative to the page) and whose it is, over the sidebar's title; `phone_version`:
    a figure's narrower version for a phone (report/content/figures.py), by the figure's src."""
    elements = parse(page)
    unwrapped = [e for e in elements if e.tag == "table" and e.end is not None
                 and not (e.parent is not None and e.parent.has_class("tabell-rulle"))]
    wide_tables = [t for t in unwrapped if wide.is_wide(elements, t)]
    page_wide, edits = wide.widen(elements, wide_tables)
    for table in wide_tables:
        edits += wide.hyphenated(page, table)
    for table in unwrapped:
        edits += wide.card_labels(page, elements, table)
    for element in elements:
        if element.tag == "nav":
            edits += _name_nav(element)
        elif element.tag == "a" and element.has_class("pagination-link"):
            edits += _pager_link(element)
        elif element in unwrapped:
            edits += _scroll_region(page, elements, element, element.start in page_wide)
        elif element.tag == "span" and element.has_class("screen-reader-only") and element.parent \
                and element.parent.has_class("callout-title-container"):
            edits += _callout_kind(page, element)
        elif element.tag == "ul" and element.has_class("dropdown-menu"):
            edits += _downloads(page, elements, element, workbook_href, renamed or {})
        elif element.tag == "head" and stamp and STAMP_META not in page:
            edits.append((element.close, element.close, f'<meta name="{STAMP_META}" content="{html.escape(stamp)}">\n'))
        elif element.tag == "div" and element.has_class("sidebar-header") and logo and _LOGO not in page:
            src, owner = logo
            edits.append((element.inner, element.inner, f'\n<img class="{_LOGO}" src="{html.escape(src)}" '
                                                        f'alt="{html.escape(owner)} (logo)">'))
        elif element.tag == "img" and (phone := phone_version(element.attrs.get("src") or "")) \
                and not (element.parent is not None and element.parent.tag == "picture"):
            edits += [(element.start, element.start, f'<picture><source media="{PHONE_MEDIA}" '
                                                     f'srcset="{html.escape(phone)}">'),
                      (element.inner, element.inner, "</picture>")]
        elif element.tag == "main" and draft and _BANNER not in page:
            edits.append((element.inner, element.inner,
                          f'\n<div class="{_BANNER}" role="note"><strong>Utkast</strong> – ikke den endelige '
                          f"versjonen. Laget {html.escape(stamp)}.</div>"))
    return apply(page, edits)


def finish_site(folder: Path, workbook: str | None, renamed: dict[str, str] | None = None,
                stamp: str = "", draft: bool = False, logo: tuple[str, str] | None = None,
                phone_suffix: str = "") -> int:
    """Finish every page in `folder` (Quarto's output); `workbook`, a file name in `folder`, is
    added to the «Last ned» menu, and the menu's links follow `renamed`; `stamp` and `draft` as
    for `finish_page`; `logo`: a picture in `folder` (its path there) and whose it is; a figure
    `X.svg` with a `X{phone_suffix}.svg` beside it is shown so on a phone. Returns the number
    of pages."""
    pages = [p for p in sorted(folder.rglob("*.html")) if "site_libs" not in p.relative_to(folder).parts]
    for path in pages:
        up = "../" * (len(path.relative_to(folder).parts) - 1) or "./"

        def phone_version(src: str, page: Path = path) -> str | None:
            phone = src.removesuffix(".svg") + phone_suffix + ".svg"
            found = phone_suffix and src.endswith(".svg") and "://" not in src and (page.parent / phone).is_file()
            return phone if found else None

        text = path.read_text(encoding="utf-8")
        finished = finish_page(text, up + workbook if workbook else None, renamed, stamp, draft,
                               (up + logo[0], logo[1]) if logo else None, phone_version)
        if finished != text:
            path.write_text(finished, encoding="utf-8")
    return len(pages)


def _name_nav(nav: Element) -> list[tuple[int, int, str]]:
    if nav.attrs.get("id") == "quarto-sidebar":
        name = _SIDEBAR_NAME
    elif nav.attrs.get("id") == "TOC":
        return [] if "aria-labelledby" in nav.attrs else [(nav.start, nav.inner, start_tag(nav, aria_labelledby="toc-title"))]
    else:
        name = next((n for c, n in _NAV_NAMES.items() if nav.has_class(c)), None)
    if name is None or nav.attrs.get("aria-label") == name:
        return []
    return [(nav.start, nav.inner, start_tag(nav, aria_label=name))]


def _pager_link(link: Element) -> list[tuple[int, int, str]]:
    """Quarto names the link by the chapter title alone, without the number it shows: the link's
    own text names it, after words that say where it leads."""
    if "aria-label" not in link.attrs or link.parent is None:
        return []
    prefix = next((p for c, p in _PAGER.items() if link.parent.has_class(c)), "")
    return [(link.start, link.inner, start_tag(link, aria_label=None) + f'<span class="visually-hidden">{prefix}</span>')]


def _callout_kind(page: str, span: Element) -> list[tuple[int, int, str]]:
    """A callout's kind («Merknad») runs into its title for a screen reader: «MerknadEksempel»."""
    kind = page[span.inner:span.close]
    return [] if kind.endswith(": ") or not kind.strip() else [(span.inner, span.close, kind.rstrip() + ": ")]


def _scroll_region(page: str, elements: list[Element], table: Element, page_wide: bool) -> list[tuple[int, int, str]]:
    """A table wider than the page scrolls inside a region a keyboard can reach and a screen
    reader names: the table's caption, or else the heading before it."""
    figure = next((e for e in elements if e.tag == "figure" and table.within(e)), None)
    caption = next((e for e in elements if e.tag == "figcaption" and figure and e.within(figure)), None)
    if caption is not None:
        name = text_of(page, caption)
    else:
        heading = next((e for e in reversed(elements) if e.tag in _HEADINGS and e.start < table.start), None)
        name = "Tabell: " + text_of(page, heading) if heading is not None else "Tabell"
    classes = f"tabell-rulle {wide.PAGE_WIDE}" if page_wide else "tabell-rulle"
    opening = f'<div class="{classes}" tabindex="0" role="region" aria-label="{html.escape(name)}">'
    return [(table.start, table.start, opening), (table.end, table.end, "</div>")]


def _downloads(page: str, elements: list[Element], menu: Element, workbook_href: str | None,
               renamed: dict[str, str]) -> list[tuple[int, int, str]]:
    """Quarto's «Last ned» menu (book: downloads): the Word file named in bokmål, links to the
    renamed files, and the numbers."""
    items = [e for e in elements if e.tag == "a" and e.has_class("dropdown-item") and e.within(menu)]
    hrefs = [item.attrs.get("href") or "" for item in items]
    if not any(h.endswith((".pdf", ".docx")) for h in hrefs):
        return []
    edits = []
    for item, href in zip(items, hrefs):
        folder, _, name = href.rpartition("/")
        new = renamed.get(name) or renamed.get(Path(name).suffix)  # by its old name, or by its kind
        if new and new != name:
            edits.append((item.start, item.inner, start_tag(item, href=f"{folder}/{new}" if folder else new)))
        icon = next((e for e in elements if e.tag == "i" and e.within(item)), None)
        if href.endswith(".docx") and icon is not None and text_of(page, item) != _WORD_LABEL:
            edits.append((icon.end, item.close, f"\n            {_WORD_LABEL}\n            "))
    if workbook_href and workbook_href not in hrefs:
        link = f'<a class="{html.escape(items[-1].attrs.get("class") or "")}" href="{html.escape(workbook_href)}">'
        sheet = '<i class="bi bi-file-earmark-spreadsheet pe-1"></i>'
        entry = (f"    <li>\n            {link}\n              {sheet}\n"
                 f"            {_WORKBOOK_LABEL}\n            </a>\n          </li>\n      ")
        edits.append((menu.close, menu.close, entry))
    return edits

