"""Sources of every kind through the project: files, folders, URLs and bad input."""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.loopback import serving

MARKDOWN = (
    "---\ntitle: Ferry Opens\ndate: 2026-03-14\n---\n\nThe ferry opened. Mr. Lee was there.\n"
)
HTML = """<!doctype html><html><head><title>Ferry Opens | Example News</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<article><h1>Ferry Opens Between Harbour and Island</h1>
<p>The first solar ferry in the region began regular service on Saturday, linking the old
harbour with the island in 25 minutes. It carries up to 180 passengers.</p>
<p>Mr. Tomas Reyes, who has commuted by diesel boat for 11 years, was on the first crossing.
"It is quiet enough to hear the gulls," he said. "I did not expect that."</p>
<p>The authority said a single ticket will cost $2.50, down from $3.10 on the old boats,
and that fuel savings are expected to reach $1.2 million by 2030.</p>
</article><footer>© 2026 Example News. All rights reserved.</footer></body></html>"""


def test_markdown_file(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "ferry.md"
    source.write_text(MARKDOWN, encoding="utf-8")
    [result] = project.ingest([source])
    assert (result.action, result.slug, result.segments) == ("created", "ferry-opens", 3)
    assert project.template_path("ferry-opens").is_file()


def test_html_file_keeps_article_and_drops_chrome(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "ferry.html"
    source.write_text(HTML, encoding="utf-8")
    [result] = project.ingest([source])
    assert result.action == "created", result.message
    article = project.load_article(result.slug)
    texts = " ".join(s.text for _, _, s in article.segments())
    assert "Mr. Tomas Reyes" in texts
    assert "Business" not in texts and "All rights reserved" not in texts


def test_folder_ingests_each_source_in_order(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "b.txt").write_text("Second Story\n\nIt happened. Then it ended.\n", encoding="utf-8")
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    (folder / ".hidden.md").write_text(MARKDOWN, encoding="utf-8")
    results = project.ingest([folder])
    assert [(r.action, r.slug) for r in results] == [
        ("created", "ferry-opens"),
        ("created", "second-story"),
    ]


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    pages = {
        "/ferry.html": (200, "text/html; charset=utf-8", HTML.encode()),
        "/ferry.md": (200, "text/markdown", MARKDOWN.encode()),
        "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        "/huge.html": (200, "text/html", b"<p>" + b"x" * 3_000_000 + b"</p>"),
        "/gone": (404, "text/html", b"not here"),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, content_type, body = pages.get(self.path, (404, "text/plain", b""))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    with serving(Handler) as url:
        yield url


def test_url_sources_are_fetched(project: Project, http_server: str) -> None:
    results = project.ingest([f"{http_server}/ferry.html", f"{http_server}/ferry.md"])
    assert [r.action for r in results] == ["created", "created"], [r.message for r in results]
    article = project.load_article(results[0].slug)
    assert article.url == f"{http_server}/ferry.html"
    assert project.ingest([f"{http_server}/ferry.md"])[0].action == "unchanged"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/image.png", "unsupported content type 'image/png'"),
        ("/huge.html", "too large"),
        ("/gone", "HTTP 404"),
    ],
)
def test_bad_urls_get_a_clear_error(
    project: Project, http_server: str, path: str, message: str
) -> None:
    project.config = type(project.config)(**{**project.config.__dict__, "max_bytes": 1_000_000})
    [result] = project.ingest([http_server + path])
    assert result.action == "error"
    assert result.message.startswith(http_server + path + ": ")
    assert message in result.message


def test_refused_connection_is_a_clear_error(project: Project) -> None:
    [result] = project.ingest(["http://127.0.0.1:9/article.html"])
    assert result.action == "error"
    assert result.message.startswith("http://127.0.0.1:9/article.html: ")


BAD_FILES = [
    ("empty.md", b"", "empty source"),
    ("blank.txt", b"  \n\n  \n", "empty source"),
    ("binary.txt", bytes(range(256)) * 20, "binary"),
    (
        "latin.txt",
        "Caf\xe9 News\n\nThe caf\xe9 opened today. It is busy.\n".encode("latin-1"),
        None,
    ),
    ("garbage.html", b"<html><body><div></div></body></html>", "no article text"),
    ("notes.docx", b"PK\x03\x04", "unsupported file type"),
]


@pytest.mark.parametrize("name, data, message", BAD_FILES)
def test_bad_files_get_a_one_line_error_and_write_nothing(
    project: Project, tmp_path: Path, name: str, data: bytes, message: str | None
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    [result] = project.ingest([source])
    if message is None:  # a legacy encoding that can be decoded is accepted
        assert result.action == "created", result.message
        assert "café" in project.load_article(result.slug).title.lower()
        return
    assert result.action == "error"
    assert message in result.message
    assert "\n" not in result.message
    assert str(result.source) in result.message
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("*")) == before


def test_huge_file_is_refused(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "huge.txt"
    source.write_bytes(b"Title\n\n" + b"word " * 2_100_000)
    [result] = project.ingest([source])
    assert result.action == "error" and "too large" in result.message


def test_missing_file_is_a_clear_error(project: Project) -> None:
    [result] = project.ingest(["does-not-exist.md"])
    assert result.action == "error" and "no such file" in result.message


def test_one_bad_source_does_not_stop_the_others(project: Project, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(MARKDOWN, encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"")
    results = project.ingest([bad, good])
    assert [r.action for r in results] == ["error", "created"]
