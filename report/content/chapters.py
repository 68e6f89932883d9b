"""The chapters as Quarto will read them: the book's chapter list, the markup that would
silently swallow the rest of a chapter (or of the book, in the PDF and the Word file), and
metadata Quarto cannot read.

A shortcode missing its `>}}`, an unclosed `:::` div, code fence or HTML comment makes Pandoc
take everything after it as part of that one element, and Quarto still reports success. A
cross-reference to a label that does not exist prints «?@fig-x». Each is an error naming the
chapter and line, found before Quarto runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from report.content.references import chapter_text, sources
from report.data.config import QUARTO_FILE, quarto_settings
from report.data.messages import close_names
from report.data.problems import Problems

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^\s*:{3,}\s*(\{[^}]*\}|[^\s:{}][^\s{}]*)\s*:*\s*$")
_DIV_CLOSE = re.compile(r"^\s*:{3,}\s*$")
_SHORTCODE_MARK = re.compile(r"\{\{\{<.*?>\}\}\}|\{\{<|>\}\}")  # an escaped {{{< x >}}} is text
_INLINE_CODE = re.compile(r"(`+).*?\1")
# Quarto's cross-reference kinds; `[-@sec-x]` and `@sec-x` alike. An e-mail address is not one.
_XREF = re.compile(r"(?<![\w@.\\])-?@((?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem)-[\w-]*\w)")
# A picture: its text, its path and its attributes. Typst takes its alt text from `fig-alt`, Word
# from the text in brackets, and only for a picture in a line of text (`\ ` after it will do):
# alone, it becomes a figure whose picture has none in Word.
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)[^)]*\)(\{[^}]*\})?")
_FIG_ALT = re.compile(r"fig-alt=(\"[^\"]*\w[^\"]*\"|'[^']*\w[^']*')")
# A metadata block as Quarto finds one anywhere in a chapter (core/yaml.ts): a «---» line not
# followed by a blank line, to the next «---» or «...» line. Quarto stops on one it cannot read.
_YAML_START = re.compile(r"^---[ \t]*$")
_YAML_END = re.compile(r"^(---|\.\.\.)[ \t]*$")
_INCLUDE = re.compile(r"\{\{<\s*include\s+[\"']?([^\"'\s>]+)")
_LABEL = re.compile(r"\{[^}]*?#((?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem)-[\w-]*\w)")


@dataclass(frozen=True)
class Line:
    """A line of a chapter that Pandoc reads as markdown (not code, not inside a comment)."""

    file: str
    number: int
    text: str
    divs: tuple[str, ...] = ()  # the attributes of the ::: blocks it is in, outermost first
    chapter: str = ""  # for a line of a file a chapter takes in: that chapter, whose folder paths start from

    @property
    def folder(self) -> str:
        """The folder its paths are read from: its chapter's."""
        return str(Path(self.chapter or self.file).parent)


def book_chapters(root: Path) -> list[str]:
    """The chapter files `_quarto.yml` lists under `book:` (chapters, then appendices), in order."""
    book = quarto_settings(root).get("book") or {}

    def files(entries) -> list[str]:
        out = []
        for entry in entries or []:
            if isinstance(entry, str):
                out.append(entry)
            elif isinstance(entry, dict):  # a part: `- part: Title` with its own `chapters:`
                out += ([entry["part"]] if str(entry.get("part", "")).endswith(".qmd") else [])
                out += files(entry.get("chapters"))
        return out

    return files(book.get("chapters")) + files(book.get("appendices"))


def check_chapters(root: Path) -> Problems:
    """Every problem in the chapters' markup and cross-references, and chapters not in the book."""
    root = Path(root).resolve()
    problems = Problems()
    if not (root / QUARTO_FILE).is_file():
        problems.error(QUARTO_FILE, None, None, "filen mangler, og uten den vet ikke Quarto hvilke kapitler "
                                                "rapporten har. Hent den fra forrige versjon (git) eller en kollega.")
    listed = book_chapters(root)
    missing = [name for name in listed if not (root / name).is_file()]
    for name in missing:
        problems.error(QUARTO_FILE, None, None, f"kapittelet «{name}» står i listen over kapitler, men filen finnes "
                                                "ikke. Rett navnet i _quarto.yml, eller legg filen der.")
    readable: dict[str, list[Line]] = {}
    for path in sources(root):
        name = path.relative_to(root).as_posix()
        # a draft outside the book may be unfinished in any way: only its absence is said
        found = problems if name in listed else Problems()
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as e:
            found.error(name, None, None, f"filen er ikke lagret som UTF-8 (tegnet ved byte {e.start} kan ikke "
                                          "leses), og Quarto kan ikke lese den. Åpne den i redigeringsprogrammet, "
                                          "og lagre den som UTF-8.")
        readable[name] = markdown_lines(name, chapter_text(path), found)
    taken_in: dict[Path, list[Line]] = {}
    in_book = [line for name in listed
               for line in _with_taken_in(root, readable.get(name, []), taken_in, problems, ((root / name).resolve(),))]
    for name in readable:
        if name.startswith("chapters/") and name not in listed and (root / name).resolve() not in taken_in:
            problems.warning(name, None, None, "kapittelet står ikke i _quarto.yml og kommer ikke med i rapporten. "
                                               "Er det et utkast, kan det ligge der; ellers legg det til under "
                                               "«chapters:» eller «appendices:».")
    for name in listed:
        _check_metadata(readable.get(name, []), problems)
    _check_shortcodes(in_book, problems)
    _check_crossrefs(in_book, problems)
    _check_images(root, in_book, problems)
    return problems


def markdown_lines(name: str, text: str, problems: Problems) -> list[Line]:
    """The lines Pandoc reads as markdown; an unclosed fence, div or comment is an error."""
    lines: list[Line] = []
    fence: tuple[str, int] | None = None  # (the fence's characters, line) while inside code
    comment: int | None = None  # line an unclosed <!-- started on
    divs: list[tuple[int, str]] = []  # (line, attributes) of each open ::: block
    for number, raw in enumerate(text.splitlines(), start=1):
        if fence:
            if raw.strip().startswith(fence[0]) and set(raw.strip()) == {fence[0][0]}:
                fence = None
            continue
        if comment:
            if "-->" in raw:
                comment = None
            continue
        if m := _FENCE.match(raw):
            fence = (m.group(1), number)
            continue
        visible = re.sub(r"<!--.*?-->", "", raw)
        if "<!--" in visible:
            comment = number
            visible = visible[:visible.index("<!--")]
        if _DIV_CLOSE.match(visible):
            if divs:
                divs.pop()
            else:
                problems.error(name, None, f"linje {number}", "«:::» lukker ingen blokk og vises som tekst. "
                                                              "Fjern linjen, eller åpne blokken over den.")
            continue
        if m := _DIV_OPEN.match(visible):
            divs.append((number, m.group(1)))
        lines.append(Line(name, number, visible, tuple(attrs for _, attrs in divs)))
    if fence:
        problems.error(name, None, f"linje {fence[1]}", f"kodeblokken som starter med «{fence[0]}» lukkes aldri, "
                                                        f"så resten av kapittelet blir kode. Avslutt den med "
                                                        f"«{fence[0]}» på en egen linje.")
    if comment:
        problems.error(name, None, f"linje {comment}", "kommentaren «<!--» lukkes aldri med «-->», så resten av "
                                                       "kapittelet blir borte. Avslutt den med «-->».")
    for number, _ in divs:
        problems.error(name, None, f"linje {number}", "blokken «:::» som starter her, lukkes aldri, så resten av "
                                                      "kapittelet havner i den. Avslutt den med «:::» på en egen linje.")
    return lines


class _StrictLoader(yaml.SafeLoader):
    """YAML as Quarto reads it: a key given twice is an error."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = next((k for i, k in enumerate(keys) if k in keys[:i]), None)
        if twice is not None:
            raise yaml.constructor.ConstructorError(None, None, f"«{twice}» står to ganger", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _check_metadata(lines: list[Line], problems: Problems) -> None:
    """Each metadata block (between «---» lines) in one chapter's `lines` must be YAML Quarto can
    read."""
    for i, line in enumerate(lines[:-1]):
        if not _YAML_START.match(line.text) or not lines[i + 1].text.strip():
            continue
        end = next((j for j in range(i + 1, len(lines)) if _YAML_END.match(lines[j].text)), None)
        if end is None:
            continue
        try:
            yaml.load("\n".join(b.text for b in lines[i + 1:end]), Loader=_StrictLoader)  # a SafeLoader
        except yaml.YAMLError as e:
            mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)  # where it starts
            where = f" (linje {line.number + 1 + mark.line})" if mark is not None else ""
            reason = (str(e.problem) if isinstance(e, yaml.constructor.ConstructorError) else
                      "et anførselstegn eller en klamme er ikke lukket, eller et innrykk stemmer ikke")
            problems.error(line.file, None, f"linje {line.number}",
                           f"metadataene mellom «---»-linjene (til linje {lines[end].number}) kan ikke leses: "
                           f"{reason}{where}. Quarto stopper på dem. Rett dem, eller bruk «***» for en skillelinje.")


def _check_shortcodes(lines: list[Line], problems: Problems) -> None:
    """Each `{{<` closed by `>}}` on the same line, before the next `{{<`; no `>}}` without one."""
    for line in lines:
        text = _INLINE_CODE.sub("", line.text)
        opened = None
        for m in _SHORTCODE_MARK.finditer(text):
            mark = m.group(0)
            if mark.startswith("{{{"):
                continue
            if mark == ">}}":
                if opened is None:
                    problems.error(line.file, None, f"linje {line.number}",
                                   f"«>}}}}» uten «{{{{<» foran: {_near(text, m.start())}. En kode skrives "
                                   "som {{< var NAVN >}} eller {{< blokk NAVN >}}.")
                opened = None
                continue
            if opened is not None:
                break
            opened = m.start()
        if opened is not None:
            problems.error(line.file, None, f"linje {line.number}",
                           f"koden «{_near(text, opened)}» mangler «>}}}}» til slutt, og da forsvinner resten av "
                           "rapporten fra PDF-en og Word-filen. Skriv den som {{< var NAVN >}}.")


def _with_taken_in(root: Path, lines: list[Line], taken_in: dict[Path, list[Line]], problems: Problems,
                   chain: tuple[Path, ...] = ()) -> list[Line]:
    """A chapter's `lines` with the lines of each file it takes in (`{{< include FILE >}}`, and
    the files those take in) after the line that takes it in, as Quarto reads them: FILE is read
    from the chapter's folder, or with a leading «/» from the project (`root`, resolved). A file
    that does not exist, or takes itself in, is an error (Quarto stops). `taken_in`: each file's
    lines, read once."""
    out = []
    for line in lines:
        out.append(line)
        for m in _INCLUDE.finditer(_INLINE_CODE.sub("", line.text)):
            target = m.group(1)
            path = (root if target.startswith("/") else root / line.folder) / target.lstrip("/")
            if not path.is_file():
                problems.error(line.file, None, f"linje {line.number}",
                               f"filen «{target}» som kapittelet tar med, finnes ikke, og da stopper Quarto. "
                               "Rett navnet (det regnes fra kapittelets mappe), eller legg filen der.")
                continue
            path = path.resolve()
            if path in chain:
                problems.error(line.file, None, f"linje {line.number}",
                               f"filen «{target}» tar med seg selv (gjennom filene den tar med), og da stopper "
                               "Quarto. Fjern linjen.")
                continue
            if path not in taken_in:
                name = path.relative_to(root).as_posix() if path.is_relative_to(root) else target
                taken_in[path] = markdown_lines(name, chapter_text(path), problems)
            chapter = line.chapter or line.file
            within = [replace(taken, chapter=chapter) for taken in taken_in[path]]
            out += _with_taken_in(root, within, taken_in, problems, (*chain, path))
    return out


def _near(text: str, start: int) -> str:
    snippet = text[start:start + 48].strip()
    return snippet if len(text) - start <= 48 else snippet + "…"


def _check_crossrefs(lines: list[Line], problems: Problems) -> None:
    labels = {m.group(1) for line in lines for m in _LABEL.finditer(line.text)}
    for line in lines:
        for m in _XREF.finditer(_INLINE_CODE.sub("", line.text)):
            label = m.group(1)
            if label in labels:
                continue
            kind = label.split("-")[0]
            close = close_names(label, {x for x in labels if x.startswith(kind + "-")})
            hint = f" Mente du {' eller '.join(f'@{c}' for c in close)}?" if close else ""
            problems.error(line.file, None, f"linje {line.number}",
                           f"henvisningen «@{label}» viser ikke til noe i rapporten og blir stående som "
                           f"«?@{label}».{hint}")


def _check_images(root: Path, lines: list[Line], problems: Problems) -> None:
    """Each picture a chapter shows exists (a missing one stops Typst, and with it the PDF), with
    alt text every format takes (without it, PDF/UA stops Typst and Word's check stops the build).
    A path without extension needs both the .svg (web, PDF) and the .png (Word)."""
    for line in lines:
        text = _INLINE_CODE.sub("", line.text)
        for m in _IMAGE.finditer(text):
            words, target, attributes = m.group(1).strip(), m.group(2), m.group(3) or ""
            alone = not (text[:m.start()].strip() or text[m.end():].strip())
            if not words or not _FIG_ALT.search(attributes) or "#fig-" in attributes or alone:
                problems.error(line.file, None, f"linje {line.number}",
                               f"bildet «{target}» har ikke alternativ tekst som PDF-en og Word-filen kan bruke, "
                               f"og da stopper byggingen. Skriv det som ![Hva bildet viser]({target})"
                               "{fig-alt=\"Hva bildet viser\"}\\ i en blokk med figurnavnet og bildeteksten, "
                               "som i README under «Bilder i kapitlene».")
            if re.match(r"^[a-z]+:", target) or "{{" in target:
                continue
            path = root / target.lstrip("/") if target.startswith("/") else root / line.folder / target
            wanted = [path] if path.suffix else [path.with_suffix(".svg"), path.with_suffix(".png")]
            gone = [p for p in wanted if not p.is_file()]
            if gone:
                names = " og ".join(f"«{p.name}»" for p in gone)
                problems.error(line.file, None, f"linje {line.number}",
                               f"bildet «{target}» finnes ikke ({names} mangler), og uten det kan ikke PDF-en "
                               "lages. Legg bildet i figures/, eller rett navnet.")
