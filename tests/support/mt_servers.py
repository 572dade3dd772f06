"""Loopback servers that speak machine-translation providers' wire formats, with faults.

``ProviderServer("libre")`` answers like a LibreTranslate server on 127.0.0.1; ``.url`` is
what an engine's ``url`` setting takes. Each request is recorded (``.requests``). Faults are
queued per request (``.faults.append("429")``) or set for all (``.fault = "slow"``):

* ``429``: HTTP 429 (``Retry-After`` from ``.retry_after``; Baidu: its error 54003);
* ``quota``: the provider's quota answer (DeepL 456, MyMemory 200 + responseStatus 429,
  Baidu 54004);
* ``500``: HTTP 500; ``slow``: answer after ``.slow_seconds``; ``malformed``: a body the
  client cannot parse; ``html``: HTTP 200 with a proxy's HTML error page; ``drop``:
  translations without their ``[Xn X]`` tokens; ``echo``: the source text back.

``.first_fault = "500"`` faults every request that holds a text the server has not seen
before (each text's first request), whatever else the request holds.

Translations are fake but shaped like MT output (one ideograph per English word, ASCII
punctuation, spaces), or, for sentences of the shared WMT22 corpus when it is present,
a real MT system's Chinese (read in place, never copied).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.corpus import WMT

TOKEN_RE = re.compile(r"\[X\d+X\]")
PATHS = {
    "google": "/m",
    "mymemory": "/get",
    "baidu": "/api/trans/vip/translate",
    "libre": "/",
    "deepl": "/v2/",
    "microsoft": "/",
    "chatgpt": "/v1/",
}
BAIDU_APPID, BAIDU_APPKEY = "test-appid", "test-appkey-secret"


@cache
def wmt_references(system: str = "Online-B") -> dict[str, str]:
    """English sentence -> a real MT system's Chinese, from the shared corpus (if present)."""
    if not WMT.exists():
        return {}
    pairs: dict[str, str] = {}
    for line in WMT.read_text(encoding="utf-8").splitlines():
        document = json.loads(line)
        pairs.update(zip(document["sentences_en"], document["mt"][system], strict=True))
    return pairs


def fake_chinese(text: str) -> str:
    """MT-like Chinese: a real system's output for WMT sentences, else one ideograph per
    English word with tokens, digits and (ASCII) punctuation kept."""
    if text in wmt_references():
        return wmt_references()[text]
    pieces = re.split(r"(\[X\d+X\])", text)
    return "".join(piece if TOKEN_RE.fullmatch(piece) else _ideographs(piece) for piece in pieces)


def _ideographs(text: str) -> str:
    def scaled(match: re.Match[str]) -> str:  # "1.2 million" -> "120万", as engines write
        value = float(match.group(1)) * (100 if match.group(2) == "million" else 10)
        return f"{value:g}{'万' if match.group(2) == 'million' else '亿'}"

    def word(match: re.Match[str]) -> str:
        return chr(0x4E00 + zlib.crc32(match.group(0).lower().encode()) % 0x5000)

    text = re.sub(r"(\d+(?:\.\d+)?) (million|billion)", scaled, text)
    return re.sub(r"[A-Za-z][A-Za-z'’]*", word, text)


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    texts: list[str] = field(default_factory=list)
    mode: str = ""  # chatgpt: "array" (sentences) or "paragraph" (numbered, in context)


class ProviderServer:
    """A provider's API on 127.0.0.1 (a context manager)."""

    def __init__(
        self,
        provider: str,
        translate: Callable[[str], str] = fake_chinese,
        key: str = "",
        delay: float = 0.0,
    ) -> None:
        self.provider = provider
        self.translate = translate
        self.key = key  # required API key (libre/deepl/microsoft/chatgpt), if any
        self.delay = delay  # latency added to every answer
        self.fault: str | None = None
        self.faults: deque[str] = deque()
        self.retry_after: str | None = None
        self.first_fault: str | None = None
        self.seen: set[str] = set()
        self.slow_seconds = 1.0
        self.requests: list[Request] = []
        self.on_request: Callable[[Request], None] | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{PATHS[self.provider]}"

    @property
    def texts(self) -> list[str]:
        """Every text received, in order."""
        return [text for request in self.requests for text in request.texts]

    def __enter__(self) -> ProviderServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_fault(self) -> str | None:
        with self._lock:
            return self.faults.popleft() if self.faults else self.fault

    def fault_for(self, request: Request) -> str | None:
        """The fault for one request: ``first_fault`` if it holds a new text, else the next."""
        if self.first_fault is not None:
            texts = set(texts_of(self.provider, request))
            with self._lock:
                new = bool(texts - self.seen)
                self.seen |= texts
            if new:
                return self.first_fault
        return self.next_fault()

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)
        if self.on_request:
            self.on_request(request)


# The handler -------------------------------------------------------------------


def _handler(server: ProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            request = Request(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length),
            )
            server.record(request)
            fault = server.fault_for(request)
            if server.delay:
                time.sleep(server.delay)
            if fault == "slow":
                time.sleep(server.slow_seconds)
            try:
                status, body, headers = PROVIDERS[server.provider](server, request, fault)
            except Exception as error:  # a bug in the fake: make it visible
                status, body, headers = 599, f"fake server error: {error!r}".encode(), {}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the client may have given up (a timeout test)

    return Handler


Reply = tuple[int, bytes, dict[str, str]]


def _json(data: Any, status: int = 200) -> Reply:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return status, body, {"Content-Type": "application/json"}


def _common_fault(server: ProviderServer, fault: str | None) -> Reply | None:
    if fault == "429":
        headers = {"Retry-After": server.retry_after} if server.retry_after else {}
        return 429, b'{"error": "Too many requests"}', headers
    if fault == "500":
        return 500, b"Internal Server Error", {}
    if fault == "malformed":
        return 200, b'{"translatedText": ["unterminated', {"Content-Type": "application/json"}
    if fault == "html":
        return 200, ERROR_PAGE, {"Content-Type": "text/html; charset=utf-8"}
    return None


ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    b"<h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>"
)


def texts_of(provider: str, request: Request) -> list[str]:
    """The texts a request asks for, before its provider's handler parses it."""
    try:
        if provider in ("google", "mymemory"):
            return request.query.get("q", [])
        if provider == "baidu":
            return request.query.get("q", [""])[0].split("\n")
        data = json.loads(request.body or b"null")
        if provider == "libre":
            return data["q"] if isinstance(data["q"], list) else [data["q"]]
        if provider == "deepl":
            return list(data["text"])
        if provider == "microsoft":
            return [item["Text"] for item in data]
        if provider == "chatgpt":
            return _chat_texts(data)
    except (ValueError, KeyError, TypeError, IndexError):
        pass
    return []


def _answer(server: ProviderServer, text: str, fault: str | None) -> str:
    if fault == "echo":
        return text
    answer = server.translate(text)
    return TOKEN_RE.sub("", answer) if fault == "drop" else answer


def _google(server: ProviderServer, request: Request, fault: str | None) -> Reply:
    request.texts = request.query.get("q", [])
    if fault == "malformed":
        return 200, b"<html><body>Our systems have detected unusual traffic.</body></html>", {}
    if reply := _common_fault(server, fault):
        return reply
    answer = escape(_answer(server, request.texts[0], fault))
    html = f'<html><body><div class="result-container">{answer}</div></body></html>'
    return 200, html.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}


def _mymemory(server: ProviderServer, request: Request, fault: str | None) -> Reply:
    request.texts = request.query.get("q", [])
    if fault == "quota":
        warning = (
            "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT "
            "AVAILABLE IN  23 HOURS 59 MINUTES 59 SECONDS VISIT "
            "HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP TO TRANSLATE MORE"
        )
        return _json(
            {
                "responseData": {"translatedText": warning, "match": 0},
                "quotaFinished": True,
                "responseDetails": warning,
                "responseStatus": 429,
                "matches": [],
            }
        )
    if reply := _common_fault(server, fault):
        return reply
    answer = _answer(server, request.texts[0], fault)
    return _json(
        {
            "responseData": {"translatedText": answer, "match": 0.85},
            "quotaFinished": False,
            "responseDetails": "",
            "responseStatus": 200,
            "matches": [{"translation": answer, "quality": "74"}],
        }
    )


def _baidu(server: ProviderServer, request: Request, fault: str | None) -> Reply:
    fields = {k: v[0] for k, v in request.query.items()}
    request.texts = fields.get("q", "").split("\n")
    sign = hashlib.md5(
        (
            fields.get("appid", "") + fields.get("q", "") + fields.get("salt", "") + BAIDU_APPKEY
        ).encode("utf-8")
    ).hexdigest()
    if fields.get("appid") != BAIDU_APPID or fields.get("sign") != sign:
        return _json({"error_code": "54001", "error_msg": "Invalid Sign"})
    if fault in ("429", "quota"):
        code = "54003" if fault == "429" else "54004"
        return _json({"error_code": code, "error_msg": "Invalid Access Limit"})
    if reply := _common_fault(server, fault):
        return reply
    results = [{"src": t, "dst": _answer(server, t, fault)} for t in request.texts]
    return _json({"from": fields.get("from"), "to": fields.get("to"), "trans_result": results})


def _libre(server: ProviderServer, request: Request, fault: str | None) -> Reply:
    if request.path != "/translate" or request.method != "POST":
        return _json({"error": "Not Found"}, 404)
    data = json.loads(request.body or b"{}")
    texts = data.get("q")
    request.texts = texts if isinstance(texts, list) else [texts]
    if server.key and data.get("api_key") != server.key:
        return _json({"error": "Invalid API key"}, 403)
    if reply := _common_fault(server, fault):
        return reply
    answers = [_answer(server, text, fault) for text in request.texts]
    return _json({"translatedText": answers if isinstance(texts, list) else answers[0]})


def _deepl(server: ProviderServer, request: Request, fault: str | None) -> Reply:
    # The API since the 2025 changes: POST only, key in the Authorization header only.
    if request.method != "POST" or "auth_key" in request.query:
        message = "Legacy authentication and GET requests are no longer supported."
        return _json({"message": message}, 403)
    if request.headers.get("authorization") != f"DeepL-Auth-Key {server.key}":
        return _json({"message": "Authorization failure, check auth_key"}, 403)
    data = json.loads(request.body or b"{}")
    request.texts = list(data.get("text", []))
    if fault == "quota":
        return _json({"message": "Quota Exceeded"}, 456)
    if reply := _common_fault(server, fault):
        return reply
    items = [
        {"detected_source_language": "EN", "text": _answer(server, t, fault)} for t in request.texts
    ]
    return _json({"translations": items})


def _microsoft(server: ProviderServer, request: Request, fault: str | None) -> Reply:
    if request.headers.get("ocp-apim-subscription-key") != server.key:
        return _json({"error": {"code": 401000, "message": "Access denied."}}, 401)
    data = json.loads(request.body or b"[]")
    request.texts = [item["Text"] for item in data]
    if fault == "429":
        headers = {"Retry-After": server.retry_after} if server.retry_after else {}
        body = json.dumps({"error": {"code": 429001, "message": "Too many requests"}})
        return 429, body.encode(), headers
    if reply := _common_fault(server, fault):
        return reply
    target = request.query.get("to", ["?"])[0]
    return _json(
        [
            {"translations": [{"text": _answer(server, t, fault), "to": target}]}
            for t in request.texts
        ]
    )


def _chatgpt(server: ProviderServer, request: Request, fault: str | None) -> Reply:
    """Chat completions: a JSON array of sentences, or a paragraph of numbered sentences
    (``1. …`` lines after ``Sentences:``) answered as numbered lines. ``merge``: two
    sentences of a paragraph answered on one line (a split that cannot be trusted)."""
    if server.key and request.headers.get("authorization") != f"Bearer {server.key}":
        return _json({"error": {"message": "Incorrect API key provided"}}, 401)
    data = json.loads(request.body or b"{}")
    request.texts = _chat_texts(data)
    request.mode = "array" if _chat_user(data).lstrip().startswith("[") else "paragraph"
    if reply := _common_fault(server, fault):
        return reply
    answers = [_answer(server, text, fault) for text in request.texts]
    if request.mode == "array":
        content = "```json\n" + json.dumps(answers, ensure_ascii=False) + "\n```"
    else:
        if fault == "merge" and len(answers) > 1:
            answers[:2] = [answers[0] + answers[1]]
        content = "\n".join(f"{n}. {answer}" for n, answer in enumerate(answers, 1))
    return _json({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})


def _chat_user(data: dict[str, Any]) -> str:
    return next(m["content"] for m in data["messages"] if m["role"] == "user")


def _chat_texts(data: dict[str, Any]) -> list[str]:
    user = _chat_user(data)
    if user.lstrip().startswith("["):
        return json.loads(user)
    sentences = user.split("Sentences:", 1)[-1]
    return [m.group(1) for m in re.finditer(r"^\d+\. (.*)$", sentences, re.M)]


PROVIDERS: dict[str, Callable[[ProviderServer, Request, str | None], Reply]] = {
    "google": _google,
    "mymemory": _mymemory,
    "baidu": _baidu,
    "libre": _libre,
    "deepl": _deepl,
    "microsoft": _microsoft,
    "chatgpt": _chatgpt,
}
