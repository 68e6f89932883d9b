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
