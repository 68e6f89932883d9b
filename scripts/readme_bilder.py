"""The README's pictures of the three outputs, made from the report in _bok/ (run `rapport bygg`
first): PDF pages (pdftoppm), the Word file as LibreOffice lays it out (soffice, then pdftoppm)
and web pages in Chromium at 1 280 and 390 px. Writes figures/readme/*.png.

    .venv/bin/python scripts/readme_bilder.py
"""

import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "_bok"
OUT = ROOT / "figures" / "readme"
PDF_PAGES = (1, 13, 42)  # the cover, Tabell 5.2 opening a page, a Vedlegg 7 page in landscape
WORD_PAGES = (1, 17, 44)  # as LibreOffice lays it out: the cover, a figure with its caption, Vedlegg 7
WEB_PAGES = (("nett-1280.png", "chapters/samhandling.html", 1280, 1000),
             ("nett-390.png", "chapters/oppdrag.html", 390, 1000))


def _pages(pdf: Path, numbers, dest: Path) -> list[Image.Image]:
    images = []
    for n in numbers:
        stem = dest / f"side-{n}"
        subprocess.run(["pdftoppm", "-r", "45", "-png", "-singlefile", "-f", str(n), "-l", str(n), str(pdf), str(stem)],
                       check=True)
        images.append(Image.open(f"{stem}.png"))
    return images


def _side_by_side(images: list[Image.Image], path: Path) -> None:
    gap = 12
    height = max(i.height for i in images)
    sheet = Image.new("RGB", (sum(i.width for i in images) + gap * (len(images) + 1), height + 2 * gap), "#BFC1C3")
    x = gap
    for image in images:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    sheet.save(path, optimize=True)


def _screenshot(url: str, width: int, height: int, path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={width},{height}", f"--screenshot={path}", url],
                   check=True, capture_output=True, timeout=120)
    Image.open(path).convert("P", palette=Image.Palette.ADAPTIVE, colors=128).save(path, optimize=True)


def main() -> int:
    [pdf] = BOOK.glob("*.pdf")
    [docx] = BOOK.glob("*.docx")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _side_by_side(_pages(pdf, PDF_PAGES, tmp), OUT / "pdf.png")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "word"), str(docx)],
                       check=True, capture_output=True, timeout=300)
        [word] = (tmp / "word").glob("*.pdf")
        _side_by_side(_pages(word, WORD_PAGES, tmp / "word"), OUT / "word.png")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(BOOK))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        for name, page, width, height in WEB_PAGES:
            _screenshot(f"http://127.0.0.1:{server.server_port}/{page}", width, height, OUT / name)
        server.shutdown()
    for path in sorted(OUT.glob("*.png")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
