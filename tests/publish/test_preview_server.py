"""The preview's server without Quarto: a page waits until the book is made, then the pages are
served as files; a page learns when it was made again; the page asked about last is the open one."""

import json
import urllib.error
import urllib.request

import pytest

from report.publish.preview_server import Status, serve, source_of


@pytest.fixture
def server(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "index.html").write_text("<p>Forsiden</p>", encoding="utf-8")
    (tmp_path / "chapters" / "a.html").write_text("<p>Kapittel A</p>", encoding="utf-8")
    status = Status()
    server = serve(status, tmp_path)
    yield status, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers["Cache-Control"] == "no-store"
        return r.read().decode("utf-8")


def _version(base: str, page: str) -> int:
    return json.loads(_get(f"{base}/status?side={page}"))["side"]


def test_pages_wait_for_the_book_then_are_served_as_made(server):
    status, base = server
    assert "Nettsidene lages nå" in _get(f"{base}/chapters/a.html")
    assert "/status?side=" in _get(f"{base}/chapters/a.html")  # the waiting page loads itself again
    status.made("")
    assert _get(f"{base}/chapters/a.html") == "<p>Kapittel A</p>"
    assert _get(f"{base}/") == "<p>Forsiden</p>"
    with pytest.raises(urllib.error.HTTPError):
        _get(f"{base}/chapters/finnes-ikke.html")


def test_a_page_learns_when_it_was_made_again(server):
    status, base = server
    status.made("")
    before = {page: _version(base, page) for page in ("/chapters/a.html", "/", "/index.html")}
    status.made("chapters/a.qmd")
    assert _version(base, "/chapters/a.html") == before["/chapters/a.html"] + 1
    assert _version(base, "/") == before["/"] and _version(base, "/index.html") == before["/index.html"]
    status.made("index.qmd")
    assert _version(base, "/") == before["/"] + 1


def test_the_page_asked_about_last_is_the_open_one(server):
    status, base = server
    assert status.viewed_source() is None
    _version(base, "/chapters/a.html")
    assert status.viewed_source() == "chapters/a.qmd"
    _version(base, "/")
    assert status.viewed_source() == "index.qmd"


def test_a_message_is_data_for_the_page(server):
    status, base = server
    status.show("data", "«<b>77</b>» er ikke et tall")
    assert json.loads(_get(f"{base}/status"))["melding"] == "«<b>77</b>» er ikke et tall"
    status.show("data", None)
    assert json.loads(_get(f"{base}/status"))["melding"] == ""


@pytest.mark.parametrize("page, source", [("/chapters/x.html", "chapters/x.qmd"), ("/", "index.qmd"),
                                          ("/index.html", "index.qmd"), ("/chapters/", "chapters/index.qmd")])
def test_a_page_is_made_from_the_chapter_of_its_name(page, source):
    assert source_of(page) == source
