"""Parse page bytes or text into an lxml tree: encoding, garbage checks, the base URL."""

from __future__ import annotations

import re
import threading
from urllib.parse import urljoin

from lxml import etree

from i18npub.ingest.base import IngestError
from i18npub.ingest.html.vocabulary import CONTROL_RE, HTML_TAG_RE

_local = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True
        )
    return parser


def parse_page(html: str | bytes, name: str) -> etree._Element:
    """The parsed page; IngestError for empty input or binary garbage."""
    data = _utf8(html) if isinstance(html, bytes) else html.encode("utf-8", "replace")
    if not data.strip():
        raise IngestError(f"{name}: empty HTML")
    sample = data[:4096].decode("utf-8", "replace")
    if len(CONTROL_RE.findall(sample)) > len(sample) * 0.05:
        raise IngestError(f"{name}: not HTML (binary data)")
    if not HTML_TAG_RE.search(data, 0, 100_000):
        raise IngestError(f"{name}: not HTML (no HTML tags found)")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.ParserError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise IngestError(f"{name}: cannot parse HTML ({reason})") from None
    if root is None:
        raise IngestError(f"{name}: no article text found in HTML")
    return root


def _utf8(data: bytes) -> bytes:
    """Page bytes as UTF-8: from a BOM, as they are, the declared charset or Windows-1252."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "replace").encode("utf-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return data
    codec = "cp1252"
    if found := re.search(rb"""<meta[^>]{0,200}?charset=["']?([\w.:-]+)""", data[:8192], re.I):
        codec = found.group(1).decode("ascii")
    try:
        return data.decode(codec, "replace").encode("utf-8")
    except LookupError:
        return data.decode("cp1252", "replace").encode("utf-8")


def base_url(root: etree._Element, url: str) -> str:
    """The page URL, moved by a ``<base href>`` if the page has one."""
    base = root.find("head/base[@href]")
    return urljoin(url, base.get("href", "").strip()) if base is not None else url


def norm(text: str) -> str:
    return " ".join(text.split())


def text_of(element: etree._Element) -> str:
    return norm("".join(element.itertext()))
