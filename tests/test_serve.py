"""``i18npub serve``: root negotiation, the remembered choice, and files from the site only."""

from __future__ import annotations

import http.client
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from i18npub.serve import make_server, negotiate_view, parse_accept_language, serve_in_thread
from tests.support.sitekit import sample_project


@pytest.mark.parametrize(
    ("accept", "cookie", "view"),
    [
        ("zh-CN,zh;q=0.9", None, "zh"),
        ("zh-TW", None, "zh"),
        ("zh-Hant-HK, en;q=0.5", None, "zh"),
        ("en-US", None, "en"),
        ("en-GB,en;q=0.9,zh-CN;q=0.8", None, "en"),
        ("fr-FR, de;q=0.8", None, "en"),
        ("fr-FR, zh;q=0.5", None, "zh"),
        ("en;q=0.1, zh;q=0.9", None, "zh"),
        ("zh;q=0, en", None, "en"),
        ("*", None, "en"),
        ("", None, "en"),
        (None, None, "en"),
        ("garbage;;q=x,,", None, "en"),
        ("en-US", "i18npub_view=bilingual", "bilingual"),
        ("en-US", "other=1; i18npub_view=zh", "zh"),
        ("zh-CN", "i18npub_view=../../etc", "zh"),
        ("zh-CN", 'i18npub_view="', "zh"),
    ],
)
def test_root_view_follows_the_choice_then_accept_language(
    accept: str | None, cookie: str | None, view: str
) -> None:
    assert negotiate_view(accept, cookie) == view


def test_accept_language_is_ranked_by_quality() -> None:
    assert parse_accept_language("en;q=0.5, zh-CN, fr;q=0.7") == ["zh-CN", "fr", "en"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    root = tmp_path_factory.mktemp("serve")
    project = sample_project(root / "proj")
    project.build()
    site = project.path("site")
    (root / "secret.txt").write_text("secret")
    os.symlink(root / "secret.txt", site / "static" / "link.txt")
    (site / "empty").mkdir()
    httpd = make_server(site, port=0, quiet=True)
    serve_in_thread(httpd)
    host, port = httpd.server_address[:2]
    yield str(host), int(port), site
    httpd.shutdown()
    httpd.server_close()


def _get(server: tuple[str, int, Path], path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(server[0], server[1], timeout=5)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_binds_the_loopback_interface_by_default(server) -> None:
    assert server[0] == "127.0.0.1"


@pytest.mark.parametrize(
    ("headers", "location"),
    [
        ({"Accept-Language": "zh-CN,zh;q=0.9"}, "/zh/"),
        ({"Accept-Language": "zh-TW"}, "/zh/"),
        ({"Accept-Language": "en-US"}, "/en/"),
        ({"Accept-Language": "ja-JP"}, "/en/"),
        ({"Accept-Language": "zh-CN", "Cookie": "i18npub_view=bilingual"}, "/bilingual/"),
        ({"Accept-Language": "zh-CN", "Cookie": "i18npub_view=en"}, "/en/"),
    ],
)
def test_root_redirects_to_the_negotiated_view(server, headers: dict, location: str) -> None:
    response = _get(server, "/", **headers)
    assert response.status == 302
    assert response.getheader("Location") == location
    assert "Accept-Language" in response.getheader("Vary")


def test_pages_are_served_with_security_headers(server) -> None:
    response = _get(server, "/zh/tea-exports/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert _get(server, "/zh/feed.xml").getheader("Content-Type") == "application/atom+xml"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    assert _get(server, "/index.html").status == 200  # the static root with its script


@pytest.mark.parametrize(
    "path",
    [
        "/../i18npub.toml",
        "/%2e%2e/i18npub.toml",
        "/..%2f..%2fi18npub.toml",
        "/en/../../i18npub.toml",
        "/static/..%5c..%5ci18npub.toml",
        "/.i18npub-site.json",
        "/%2ei18npub-site.json",
        "/static/link.txt",
        "/empty/",
        "/static/",
        "/nope.html",
    ],
)
def test_only_files_inside_the_site_are_served(server, path: str) -> None:
    assert _get(server, path).status == 404


@pytest.mark.parametrize(
    ("target", "status"),
    [
        ("/%00", 400),
        ("/en/%00index.html", 400),
        ("/%0d%0aSet-Cookie:x=1", 400),
        ("/" + "a" * 6000, 414),
        ("/en/" + "b" * 1500, 404),  # a name longer than the file system allows
        ("/" + "c/" * 900, 404),
    ],
)
def test_hostile_targets_get_an_answer_not_a_traceback(
    server, capfd: pytest.CaptureFixture[str], target: str, status: int
) -> None:
    assert _get(server, target).status == status
    assert _get(server, "/zh/tea-exports/").status == 200  # and the server goes on
    assert "Traceback" not in capfd.readouterr().err


def test_an_idle_half_sent_request_is_timed_out(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>")
    httpd = make_server(site, port=0, quiet=True, timeout=0.5)
    serve_in_thread(httpd)
    try:
        idle = socket.create_connection(httpd.server_address[:2], timeout=30)
        idle.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert idle.recv(100) == b"", "the server kept the half-sent request open"
        idle.close()
        response = _get(("127.0.0.1", httpd.server_address[1], site), "/index.html")
        assert response.status == 200
    finally:
        httpd.shutdown()
        httpd.server_close()
