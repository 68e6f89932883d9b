"""The preview's own small web server (`rapport forhåndsvis`): the web pages Quarto made in the
preview's copy (or with `--pdf` the PDF, in a page to view it in), and what the page should say
about a problem (a workbook that cannot be read, a page or PDF that could not be made).

Every page the preview shows asks the server for `/status` each second, naming itself. The
answer holds the message, shown in a banner at the top (set as text, never as markup, so
whatever a workbook holds shows as written), and which version of that page is newest: a page
made again loads itself again. With `--pdf` the viewer page loads the newest PDF. The server
also learns from the asking which page the writer has open, which the preview renders first.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from report.data.config import QUARTO_FILE

PDF = "forhandsvisning.pdf"
INCLUDE = "_forhandsvisning.html"  # the banner's script, in the preview's copy of the sources

_SCRIPT = """<script>
(() => {
  let banner = document.getElementById("nhsp-melding");
  if (!banner) {
    banner = document.createElement("div");
    banner.id = "nhsp-melding";
    banner.setAttribute("role", "alert");
    banner.hidden = true;
    banner.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2000";
    document.body.append(banner);
  }
  banner.style.cssText += ";margin:0;padding:.75rem 1rem;background:#fdecea;color:#5f1410;"
    + "border-bottom:3px solid #b3261e;font:1rem/1.5 system-ui,sans-serif;white-space:pre-wrap";
  const pdf = document.getElementById("nhsp-pdf");
  const asking = "/status?side=" + encodeURIComponent(location.pathname);
  let shown = 0, version = null;
  async function look() {
    try {
      const status = await (await fetch(asking, {cache: "no-store"})).json();
      if (banner.textContent !== status.melding) banner.textContent = status.melding;
      banner.hidden = !status.melding;
      if (status.side != null) {
        if (version === null) version = status.side;
        else if (status.side !== version) location.reload();
      }
      if (pdf && status.pdf !== shown) {
        shown = status.pdf;
        pdf.src = "/__PDF__?v=" + shown;
        pdf.hidden = false;
        document.getElementById("nhsp-venter").hidden = true;
      }
    } catch (e) {}  // the preview has stopped
  }
  look();
  setInterval(look, 1000);
})();
</script>
""".replace("__PDF__", PDF)

_PAGE = """<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>Forhåndsvisning</title>
<style>
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font: 1rem/1.5 system-ui, sans-serif; }
iframe { flex: 1; width: 100%; border: 0; }
p { margin: 1rem; }
</style>
</head>
<body>
<div id="nhsp-melding" role="alert" hidden></div>
<p id="nhsp-venter">__WAITING__</p>
__FRAME__
__SCRIPT__</body>
</html>
"""


_WAITING = {
    True: "PDF-en lages nå. Den vises her når den er ferdig, og lages på nytt hver gang du lagrer et kapittel "
          "eller et regneark.",
    False: "Nettsidene lages nå. De vises her når de er ferdige, og lages på nytt hver gang du lagrer et "
           "kapittel eller et regneark.",
}
_OPEN = 5.0  # seconds: a page that asked this recently is open


class Status:
    """What the pages should show: a message for each kind of problem, which version of each page
    is newest, the newest PDF, and the page the writer looked at last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, str] = {}
        self._book = 0  # times the whole book was made
        self._pages: dict[str, int] = {}  # times a chapter was made alone, by source
        self._pdf = b""
        self._version = 0
        self._viewed: tuple[str, float] | None = None

    def show(self, kind: str, message: str | None) -> None:
        """The message for `kind` ("data", "quarto chapters/x.qmd" …), or none (the problem is gone)."""
        with self._lock:
            if message:
                self._messages[kind] = message
            else:
                self._messages.pop(kind, None)

    def made(self, source: str) -> None:
        """A chapter (or with "" the whole book) was made again: its pages load again."""
        with self._lock:
            if source:
                self._pages[source] = self._pages.get(source, 0) + 1
            else:
                self._book += 1

    def book_made(self) -> bool:
        with self._lock:
            return self._book > 0

    def new_pdf(self, content: bytes) -> None:
        with self._lock:
            self._pdf, self._version = content, self._version + 1

    def pdf(self) -> bytes:
        with self._lock:
            return self._pdf

    def viewed_source(self) -> str | None:
        """The chapter whose page the writer has open (asked last, and lately), or None."""
        with self._lock:
            if self._viewed and time.monotonic() - self._viewed[1] < _OPEN:
                return self._viewed[0]
            return None

    def as_json(self, page: str | None) -> bytes:
        """The answer to the page `page` (its path on the server), which is then the one open."""
        with self._lock:
            answer = {"melding": "\n\n".join(self._messages.values()), "pdf": self._version}
            if page is not None:
                source = source_of(page)
                self._viewed = (source, time.monotonic())
                answer["side"] = self._book + self._pages.get(source, 0)
            return json.dumps(answer, ensure_ascii=False).encode("utf-8")


def source_of(page: str) -> str:
    """The chapter a page is made from: "/chapters/x.html" → "chapters/x.qmd", "/" → "index.qmd"."""
    page = page.strip("/") or "index.html"
    return (page if page.endswith(".html") else f"{page}/index.html").removesuffix(".html") + ".qmd"


class _Handler(SimpleHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        server, url = self.server, urlsplit(self.path)
        if url.path == "/status":
            page = None if server.pdf else parse_qs(url.query).get("side", [None])[0]
            self._send(server.status.as_json(page), "application/json")
        elif server.pdf:
            if url.path == "/":
                self._send(server.page, "text/html; charset=utf-8")
            elif url.path == f"/{PDF}" and (content := server.status.pdf()):
                self._send(content, "application/pdf")
            else:
                self.send_error(404)
        elif not server.status.book_made():
            self._send(server.page, "text/html; charset=utf-8")
        else:
            super().do_GET()  # the pages Quarto made, as files

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, status: Status, folder: Path, pdf: bool):
        super().__init__(("127.0.0.1", port), functools.partial(_Handler, directory=str(folder)))
        self.status, self.pdf = status, pdf
        frame = '<iframe id="nhsp-pdf" title="PDF-en" hidden></iframe>' if pdf else ""
        self.page = (_PAGE.replace("__WAITING__", _WAITING[pdf]).replace("__FRAME__", frame)
                     .replace("__SCRIPT__", _SCRIPT).encode("utf-8"))


def serve(status: Status, folder: Path, port: int = 0, pdf: bool = False) -> _Server:
    """The server, answering in a thread of its own (`port` 0: one the system picks): the web
    pages in `folder` once the book is made (a page that waits for them before), or with `pdf`
    the PDF at /. Stop it with `.shutdown()`. OSError if the port is taken."""
    server = _Server(port, status, folder, pdf)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def address(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_port}"


def add_banner(copy: Path) -> None:
    """Every web page of the preview's copy (`copy`) gets the banner and loads itself again when
    it was made again."""
    (copy / INCLUDE).write_text(_SCRIPT, encoding="utf-8")
    path = copy / QUARTO_FILE
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    html = settings.setdefault("format", {}).setdefault("html", {})
    after = html.get("include-after-body") or []
    html["include-after-body"] = ([after] if isinstance(after, str) else after) + [INCLUDE]
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
