"""Test helper: what a PDF's structure tree says about its figures."""

import pikepdf


def figure_alt_texts(doc: pikepdf.Pdf) -> list[str]:
    """The alt text of every Figure element in the tagged PDF, "" where it has none."""
    alts, stack = [], [doc.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
        elif isinstance(node, pikepdf.Array):
            stack.extend(node)
    return alts


def words_with_boxes(path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words as poppler places them: (x_min, y_min, x_max, y_max, word)."""
    import subprocess
    from xml.etree import ElementTree

    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    root = ElementTree.fromstring(out.replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    return [[(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text or "")
             for w in page.iter("word")] for page in root.iter("page")]


def overprinted(path, tolerance: float = 0.3) -> list[tuple[int, str, str]]:
    """Pairs of words drawn over each other (a word run out of its table cell into the next one):
    (page number, word, word)."""
    found = []
    for number, words in enumerate(words_with_boxes(path), start=1):
        words.sort()
        for i, (x0, y0, x1, y1, text) in enumerate(words):
            for u0, v0, u1, v1, other in words[i + 1:]:
                if u0 >= x1 - tolerance:
                    break
                if min(y1, v1) - max(y0, v0) > max(tolerance, min(y1 - y0, v1 - v0) / 2):  # the same line
                    found.append((number, text, other))
    return found
