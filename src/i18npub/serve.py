"""Serve a built site on the loopback interface, negotiating the root page's language.

``GET /`` redirects to the reader's remembered view (the ``i18npub_view`` cookie set by the
language switcher) or, failing that, to the view negotiated from ``Accept-Language`` with
Babel (``zh-CN,zh;q=0.9`` and ``zh-TW`` → ``/zh/``; ``en-US`` or anything else → ``/en/``).
Only files inside the output folder are served: no directory listings, no hidden files,
no path traversal, no symlinks out of the folder.
"""

from __future__ import annotations

import os
import re
import threading
from functools import partial
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from babel import negotiate_locale

from i18npub.site.theme import CSP

COOKIE = "i18npub_view"
VIEWS = ("en", "zh", "bilingual")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_TARGET = 2048  # characters in a request target; longer ones get 414
IDLE_TIMEOUT = 20.0  # seconds a connection may wait between bytes of a request
_QUALITY_RE = re.compile(r"^q=([01](?:\.\d{0,3})?)$")


def parse_accept_language(header: str) -> list[str]:
    """Language tags from an ``Accept-Language`` header, most preferred first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            match = _QUALITY_RE.match(param.replace(" ", ""))
            if match:
                quality = float(match.group(1))
        if tag and tag != "*" and quality > 0 and re.fullmatch(r"[A-Za-z0-9-]{1,35}", tag):
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate_view(accept_language: str | None, cookie: str | None = None) -> str:
    """The view for the root page: the reader's choice, else Babel's negotiation, else English."""
    chosen = _cookie_view(cookie)
    if chosen:
        return chosen
    preferred = parse_accept_language(accept_language or "")
    match = negotiate_locale(preferred, ["en", "zh"], sep="-")
    return "zh" if match and match.lower().startswith("zh") else "en"


def _cookie_view(header: str | None) -> str | None:
    if not header:
        return None
    try:
        cookies = SimpleCookie(header)
    except CookieError:
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel and morsel.value in VIEWS else None


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from one folder, plus the negotiated root."""

    server_version = "i18npub"
    sys_version = ""
    extensions_map = {  # noqa: RUF012 (the base class declares it per instance)
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml",
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
    }

    def __init__(self, *args, directory: str, timeout: float = IDLE_TIMEOUT, **kwargs) -> None:
        self.root = Path(directory).resolve()
        self.timeout = timeout  # type: ignore[misc]  # read by setup(): an idle or half-sent request times out
        super().__init__(*args, directory=str(self.root), **kwargs)

    def parse_request(self) -> bool:
        """The standard checks, then 414 for a huge target and 400 for control characters."""
        if not super().parse_request():
            return False
        if len(self.path) > MAX_TARGET:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return False
        target = unquote(self.path)
        if any(ord(c) < 32 or ord(c) == 127 for c in target):  # %00 and friends
            self.send_error(HTTPStatus.BAD_REQUEST, "Control character in the path")
            return False
        return True

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if str(path).endswith("feed.xml"):
            return "application/atom+xml"
        return super().guess_type(path)

    def do_GET(self) -> None:
        if self._negotiate_root():
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self._negotiate_root():
            return
        super().do_HEAD()

    def _negotiate_root(self) -> bool:
        if urlsplit(self.path).path != "/":
            return False
        view = negotiate_view(self.headers.get("Accept-Language"), self.headers.get("Cookie"))
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", f"/{view}/")
        self.send_header("Vary", "Accept-Language, Cookie")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def send_head(self):
        try:
            allowed = self._allowed(urlsplit(self.path).path)
        except (OSError, ValueError):  # a name too long for the file system, and the like
            allowed = False
        if not allowed:
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def _allowed(self, url_path: str) -> bool:
        """Inside the folder, not hidden, and (after symlinks) still inside the folder."""
        parts = [p for p in unquote(url_path).replace("\\", "/").split("/") if p]
        if any(part.startswith(".") for part in parts):
            return False
        target = Path(self.translate_path(url_path)).resolve()
        if target != self.root and self.root not in target.parents:
            return False
        return not target.is_dir() or (target / "index.html").is_file()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page gets the site's own ``404.html`` (bilingual, styled), if built."""
        page = self.root / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if getattr(self.server, "quiet", False):
            return
        super().log_message(format, *args)


class SiteServer(ThreadingHTTPServer):
    """One thread per connection; a failed connection is one log line, not a traceback."""

    def handle_error(self, request, client_address) -> None:
        import sys

        error = sys.exc_info()[1]
        if not getattr(self, "quiet", False):
            sys.stderr.write(f"{client_address[0]}: connection dropped: {error!r}\n")


def make_server(
    out: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    quiet: bool = False,
    timeout: float = IDLE_TIMEOUT,
) -> ThreadingHTTPServer:
    """A server for the site in ``out`` (port 0 picks a free port); connections idle for
    ``timeout`` seconds are closed."""
    if not out.is_dir():
        raise FileNotFoundError(f"{out}: no site here (run `i18npub build`)")
    handler = partial(SiteHandler, directory=str(out), timeout=timeout)
    server = SiteServer((host, port), handler)
    server.daemon_threads = True
    server.quiet = quiet  # type: ignore[attr-defined]
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Run ``server`` in a daemon thread (tests, notebooks); stop with ``server.shutdown()``."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
