"""The preview's own small web server (`rapport forhåndsvis`): what the page should say about a
problem (a workbook that cannot be read, a PDF that could not be made), and with `--pdf` the
PDF itself with a page to view it in.

Every page the preview shows asks the server for `/status` each second, and shows the message in
a banner at the top, or hides the banner when there is none. The message is set as text, never
as markup, so whatever a workbook holds shows as written. With `--pdf` the viewer page also
loads the PDF again when a new one has been made.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

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
  let shown = 0;
  async function look() {
    try {
      const status = await (await fetch(__STATUS__, {cache: "no-store"})).json();
      if (banner.textContent !== status.melding) banner.textContent = status.melding;
      banner.hidden = !status.melding;
      if (pdf && status.pdf !== shown) {
        shown = status.pdf;
        pdf.src = __PDF__ + "?v=" + shown;
        pdf.hidden = false;
        document.getElementById("nhsp-venter").hidden = true;
      }
    } catch (e) {}  // the preview has stopped
  }
  look();
  setInterval(look, 1000);
})();
</script>
"""

_VIEWER = """<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>Forhåndsvisning av PDF-en</title>
<style>
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font: 1rem/1.5 system-ui, sans-serif; }
iframe { flex: 1; width: 100%; border: 0; }
p { margin: 1rem; }
</style>
</head>
<body>
<div id="nhsp-melding" role="alert" hidden></div>
<p id="nhsp-venter">PDF-en lages nå. Den vises her når den er ferdig, og lages på nytt hver gang du lagrer
et kapittel eller et regneark.</p>
<iframe id="nhsp-pdf" title="PDF-en" hidden></iframe>
__SCRIPT__</body>
</html>
"""


class Status:
    """What the pages should show: a message for each kind of problem, and the newest PDF."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, str] = {}
        self._pdf = b""
        self._version = 0

    def show(self, kind: str, message: str | None) -> None:
        """The message for `kind` ("data", "pdf"), or none (the problem is gone)."""
        with self._lock:
            if message:
                self._messages[kind] = message
            else:
                self._messages.pop(kind, None)

    def new_pdf(self, content: bytes) -> None:
        with self._lock:
            self._pdf, self._version = content, self._version + 1

    def pdf(self) -> bytes:
        with self._lock:
            return self._pdf

    def as_json(self) -> bytes:
        with self._lock:
            message = "\n\n".join(self._messages.values())
            return json.dumps({"melding": message, "pdf": self._version}, ensure_ascii=False).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        status, path = self.server.status, urlsplit(self.path).path
        if path == "/status":
            self._send(status.as_json(), "application/json")
        elif path == "/" and self.server.viewer:
            self._send(self.server.viewer, "text/html; charset=utf-8")
        elif path == f"/{PDF}" and (content := status.pdf()):
            self._send(content, "application/pdf")
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Access-Control-Allow-Origin", "*")  # Quarto's pages come from another port
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, status: Status, viewer: bytes | None):
        super().__init__(("127.0.0.1", port), _Handler)
        self.status, self.viewer = status, viewer


def serve(status: Status, port: int = 0, pdf: bool = False) -> _Server:
    """The server, answering in a thread of its own (`port` 0: one the system picks). With `pdf`
    it also shows the PDF at /; stop it with `.shutdown()`. OSError if the port is taken."""
    viewer = _VIEWER.replace("__SCRIPT__", _script("")).encode("utf-8") if pdf else None
    server = _Server(port, status, viewer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def address(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_port}"


def _script(base: str) -> str:
    """The banner's script; `base`: this server's address, "" on its own page."""
    return _SCRIPT.replace("__STATUS__", json.dumps(f"{base}/status")).replace("__PDF__", json.dumps(f"{base}/{PDF}"))


def add_banner(copy: Path, server: _Server) -> None:
    """Every web page of the preview's copy (`copy`) gets the banner."""
    (copy / INCLUDE).write_text(_script(address(server)), encoding="utf-8")
    path = copy / QUARTO_FILE
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    html = settings.setdefault("format", {}).setdefault("html", {})
    after = html.get("include-after-body") or []
    html["include-after-body"] = ([after] if isinstance(after, str) else after) + [INCLUDE]
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
