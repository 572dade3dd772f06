"""Fetching http(s) sources: timeouts, a size cap and a content-type check."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass
from typing import Any

from i18npub.ingest.base import IngestError

ALLOWED_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}


def retryable_status(status: int) -> bool:
    """A timeout, throttling or a server error: worth fetching again later."""
    return status in (408, 429) or status >= 500


@dataclass
class Fetched:
    """A downloaded source: its bytes, its kind and the URL it ended at."""

    data: bytes
    kind: str
    url: str
    charset: str | None


def fetch_url(url: str, timeout: float, max_bytes: int) -> Fetched:
    """Download ``url`` within ``timeout`` seconds overall (connect, headers, body, redirects);
    raise IngestError with a one-line reason on any failure.

    httpx's timeouts are per operation: a server trickling a byte a second never trips
    them. A timer shuts the connection's socket when the overall deadline passes.
    """
    import httpx

    deadline = _Deadline(timeout)
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client,
            client.stream(
                "GET", url, headers={"User-Agent": "i18npub"}, extensions={"trace": deadline.trace}
            ) as response,
        ):
            if response.status_code >= 400:
                status = response.status_code
                raise IngestError(f"{url}: HTTP {status}", retryable=retryable_status(status))
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            kind = ALLOWED_TYPES.get(content_type)
            if kind is None:
                raise IngestError(f"{url}: unsupported content type {content_type or 'none'!r}")
            data = _read_capped(response, url, max_bytes, deadline)
            return Fetched(data, kind, str(response.url), response.charset_encoding)
    except httpx.HTTPError as error:
        if deadline.expired or isinstance(error, httpx.TimeoutException):
            raise IngestError(f"{url}: timed out after {timeout:g} s", retryable=True) from error
        dropped = isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError)
        raise IngestError(f"{url}: {type(error).__name__}: {error}", retryable=dropped) from error
    finally:
        deadline.cancel()


class _Deadline:
    """Closes every connection of one fetch when its time is up (from a timer thread)."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: remember each socket as soon as it is connected."""
        if not event.endswith(".connect_tcp.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if self.expired:
                    _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # wakes a blocked recv in the fetching thread
        sock.shutdown(socket.SHUT_RDWR)


def _read_capped(response: object, url: str, max_bytes: int, deadline: _Deadline) -> bytes:
    declared = response.headers.get("content-length")  # type: ignore[attr-defined]
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise IngestError(f"{url}: too large ({int(declared)} bytes; limit {max_bytes})")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # type: ignore[attr-defined]
        size += len(chunk)
        if size > max_bytes:
            raise IngestError(f"{url}: too large (over {max_bytes} bytes)")
        chunks.append(chunk)
        if deadline.expired:
            raise _timed_out()
    if deadline.expired:  # the socket was shut: what arrived may be cut short
        raise _timed_out()
    return b"".join(chunks)


def _timed_out() -> Exception:
    import httpx

    return httpx.ReadTimeout("overall deadline")
