"""Shared plumbing for the engines with our own httpx client: timeouts, errors, redaction."""

from __future__ import annotations

from typing import Any

import httpx

from i18npub.engines.base import (
    BadResponse,
    Engine,
    EngineConfigError,
    EngineTimeout,
    EngineUnavailable,
    Limits,
    RateLimited,
    ServerError,
    Settings,
    display_url,
    parse_retry_after,
    redact,
)

QUOTA_STATUSES = {456}  # DeepL: quota exceeded


class HttpEngine(Engine):
    """An engine that speaks a provider's JSON API with httpx.

    ``timeout`` (read, default 20 s) and ``connect_timeout`` (default 5 s, so an unreachable
    provider fails fast) come from the engine's settings.
    """

    default_url = ""
    default_limits = Limits()

    def __init__(self, settings: Settings) -> None:
        self.name = settings.name
        self.url = settings.text("url") or self.default_url
        if not self.url.endswith("/"):
            self.url += "/"
        self.timeout = settings.number("timeout", 20.0)
        self.connect_timeout = min(settings.number("connect_timeout", 5.0), self.timeout)
        self.limits = settings.limits(self.default_limits)
        self.secrets: list[str] = []
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
                headers={"User-Agent": "i18npub"},
                limits=httpx.Limits(max_connections=self.limits.concurrency),
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def request_json(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send a request; return the decoded JSON body or raise an EngineError."""
        shown = display_url(url)
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.ConnectTimeout as error:
            raise EngineUnavailable(
                f"cannot reach {shown} (no connection within {self.connect_timeout:g} s)"
            ) from error
        except httpx.ConnectError as error:
            raise EngineUnavailable(f"cannot reach {shown} ({self._reason(error)})") from error
        except httpx.TimeoutException as error:
            raise EngineTimeout(f"no answer from {shown} within {self.timeout:g} s") from error
        except httpx.HTTPError as error:
            raise ServerError(f"{shown}: {type(error).__name__}") from error
        self.check_status(response, shown)
        try:
            return response.json()
        except ValueError as error:
            raise BadResponse(f"malformed response from {shown} (not JSON)") from error

    def check_status(self, response: httpx.Response, shown: str) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = self._error_detail(response)
        if status == 429 or status in QUOTA_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            kind = "quota exceeded" if status in QUOTA_STATUSES else "too many requests"
            raise RateLimited(f"{kind} (HTTP {status})", retry_after)
        if status in (401, 403):
            raise EngineConfigError(f"{shown} refused the key (HTTP {status}{detail})")
        if status >= 500:
            raise ServerError(f"{shown}: HTTP {status}{detail}")
        raise BadResponse(f"{shown}: HTTP {status}{detail}")

    def _error_detail(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        message = body.get("error") or body.get("message") if isinstance(body, dict) else ""
        if isinstance(message, dict):
            message = message.get("message", "")
        text = redact(" ".join(str(message or "").split())[:160], self.secrets)
        return f": {text}" if text else ""

    def _reason(self, error: Exception) -> str:
        text = str(error).split("] ", 1)[-1] or type(error).__name__
        return redact(text.lower()[:120], self.secrets)


def expect_strings(value: Any, count: int, what: str) -> list[str]:
    """``value`` if it is a list of ``count`` strings, else BadResponse."""
    if isinstance(value, list) and len(value) == count and all(isinstance(v, str) for v in value):
        return value
    raise BadResponse(f"malformed response: expected {count} {what}")
