"""A URL source gets one overall deadline (``fetch_timeout``), not one per read: a loopback
server trickling a byte a second, in the headers or in the body, cannot hold ingest."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from i18npub.config import CONFIG_NAME
from i18npub.project import IngestResult, Project

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
BODY = b"A Slow Story\n\nThe ferry opened on Monday. It carries many people.\n" * 20


def _trickle(conn: socket.socket, data: bytes, stop: threading.Event) -> None:
    for byte in data:
        if stop.wait(0.5):
            return
        conn.sendall(bytes([byte]))


def _serve(listener: socket.socket, mode: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            try:
                conn.recv(65536)
                if mode == "headers":
                    _trickle(conn, HEAD + b"X-Pad: " + b"x" * 10_000, stop)
                elif mode == "body":
                    conn.sendall(HEAD + b"Content-Length: %d\r\n\r\n" % len(BODY))
                    _trickle(conn, BODY, stop)
                else:  # no Content-Length: the body ends when the connection closes
                    conn.sendall(HEAD + b"\r\n")
                    _trickle(conn, BODY, stop)
            except OSError:
                continue


@pytest.fixture(params=["headers", "body", "unsized-body"])
def slow_url(request: pytest.FixtureRequest) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(listener, request.param, stop), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/story.txt"
    stop.set()
    listener.close()


@pytest.mark.slow
def test_a_trickling_server_is_cut_off_at_the_fetch_timeout(tmp_path: Path, slow_url: str) -> None:
    project = Project.init(tmp_path / "proj", title="Slow")
    config = project.root / CONFIG_NAME
    config.write_text(config.read_text().replace("fetch_timeout = 15 ", "fetch_timeout = 2 "))
    project = Project.open(project.root)
    good = tmp_path / "good.md"
    good.write_text("---\ntitle: Good\n---\n\nThe bridge reopened on Tuesday.\n")
    results: list[IngestResult] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: results.extend(project.ingest([slow_url, good])))
    thread.daemon = True
    thread.start()
    thread.join(40)  # the whole trickle would take minutes
    assert not thread.is_alive(), "ingest is still fetching"
    slow, other = results
    assert slow.action == "error" and "timed out after 2 s" in slow.message, slow.message
    assert other.action == "created"
    assert time.monotonic() - started < 40
