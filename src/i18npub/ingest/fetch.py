"""Fetching http(s) sources: timeouts, a size cap and a content-type check."""

from __future__ import annotations

from dataclasses import dataclass

from i18npub.ingest.base import IngestError

ALLOWED_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}


@dataclass
class Fetched:
    """A downloaded source: its bytes, its kind and the URL it ended at."""

    data: bytes
    kind: str
    url: str
    charset: str | None


def fetch_url(url: str, timeout: float, max_bytes: int) -> Fetched:
    """Download ``url``; raise IngestError with a one-line reason on any failure."""
    import httpx

    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client,
            client.stream("GET", url, headers={"User-Agent": "i18npub"}) as response,
        ):
            if response.status_code >= 400:
                raise IngestError(f"{url}: HTTP {response.status_code}")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            kind = ALLOWED_TYPES.get(content_type)
            if kind is None:
                raise IngestError(f"{url}: unsupported content type {content_type or 'none'!r}")
            data = _read_capped(response, url, max_bytes)
            return Fetched(data, kind, str(response.url), response.charset_encoding)
    except httpx.TimeoutException as error:
        raise IngestError(f"{url}: timed out after {timeout:g} s") from error
    except httpx.HTTPError as error:
        raise IngestError(f"{url}: {type(error).__name__}: {error}") from error


def _read_capped(response: object, url: str, max_bytes: int) -> bytes:
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
    return b"".join(chunks)
