"""Engines backed by deep-translator: ``google``, ``mymemory``, ``baidu``.

deep-translator (1.11.4) calls ``requests.get``/``requests.post`` with no timeout, so a
provider that stops answering hangs the caller forever. We do not patch ``requests``:
each provider module's ``requests`` name is pointed at :class:`_TimeoutRequests`, which adds
the timeout of the calling thread's engine (a ``(connect, read)`` tuple) and remembers the
response (for ``Retry-After`` and error bodies) — and behaves exactly like ``requests`` for
any other caller. deep-translator's translators keep per-call state in attributes, so one is
made per request (construction sends nothing for these three).

* ``google``: the ``translate.google.com/m`` web page, one text per request, under 5,000
  characters. Unofficial: Google may answer 429 or a page without a translation.
* ``mymemory``: ``api.mymemory.translated.net/get``, one text per request, under 500
  characters; an exhausted daily quota comes back as HTTP 200 with ``responseStatus`` 429
  and a warning as the "translation" — deep-translator returns that warning; we raise
  RateLimited. Set ``email`` (or ``MYMEMORY_EMAIL``) for the larger quota.
* ``baidu``: the Baidu Fanyi API (``BAIDU_APPID`` and ``BAIDU_APPKEY``); several texts per
  request as lines of one query, which the API translates line by line.

``url`` points any of them at another server (deep-translator has no option for it, so the
translator's ``_base_url`` is replaced).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, ClassVar

from i18npub.engines.base import (
    BadResponse,
    Engine,
    EngineConfigError,
    EngineError,
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

_calls = threading.local()


class _TimeoutRequests:
    """Stands in for the ``requests`` module inside deep-translator's provider modules."""

    def __getattr__(self, name: str) -> Any:
        import requests

        return getattr(requests, name)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._send("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._send("POST", url, **kwargs)

    def _send(self, method: str, url: str, **kwargs: Any) -> Any:
        import requests

        timeout = getattr(_calls, "timeout", None)
        if timeout is not None:
            kwargs.setdefault("timeout", timeout)
        response = requests.request(method, url, **kwargs)
        _calls.response = response
        return response


_SHIM = _TimeoutRequests()


def _install(module: Any) -> None:
    if module.requests is not _SHIM:
        module.requests = _SHIM


class DeepTranslatorEngine(Engine):
    """One deep-translator provider: language codes, timeouts and error mapping."""

    provider = ""
    default_url = ""
    default_limits = Limits()
    languages: ClassVar[dict[str, str]] = {}

    def __init__(self, settings: Settings) -> None:
        self.name = settings.name
        self.settings = settings
        self.url = settings.text("url") or self.default_url
        self.timeout = settings.number("timeout", 20.0)
        self.connect_timeout = min(settings.number("connect_timeout", 5.0), self.timeout)
        self.limits = settings.limits(self.default_limits)
        self.secrets: list[str] = []

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        src, tgt = (self.settings.language(x, self.languages) for x in (source, target))
        return [self.call(partial(self.translate_one, text, src, tgt)) for text in texts]

    def translate_one(self, text: str, source: str, target: str) -> str:
        raise NotImplementedError

    def call(self, function: Callable[[], Any]) -> str:
        """Run a deep-translator call with our timeout; map its failures to EngineErrors."""
        import deep_translator.exceptions as dt_errors
        import requests

        _calls.timeout, _calls.response = (self.connect_timeout, self.timeout), None
        shown = display_url(self.url)
        try:
            result = function()
        except requests.exceptions.ConnectTimeout as error:
            raise EngineUnavailable(f"cannot reach {shown} (connect timed out)") from error
        except requests.exceptions.ConnectionError as error:
            raise EngineUnavailable(f"cannot reach {shown} ({_reason(error)})") from error
        except requests.exceptions.Timeout as error:
            raise EngineTimeout(f"no answer from {shown} within {self.timeout:g} s") from error
        except requests.exceptions.JSONDecodeError as error:
            raise BadResponse(f"malformed response from {shown}") from error
        except requests.exceptions.RequestException as error:
            raise ServerError(f"{shown}: {type(error).__name__}") from error
        except dt_errors.LanguageNotSupportedException as error:
            raise EngineConfigError(f"language not supported: {error.val}") from error
        except (
            dt_errors.TooManyRequests,
            dt_errors.RequestError,
            dt_errors.ServerException,
            dt_errors.BaiduAPIerror,
        ) as error:
            raise self.http_error(shown) from error
        except (dt_errors.TranslationNotFound, dt_errors.ElementNotFoundInGetRequest) as error:
            raise BadResponse(f"no translation in the response from {shown}") from error
        except (dt_errors.NotValidLength, dt_errors.NotValidPayload) as error:
            raise BadResponse("text refused as too long or invalid") from error
        except dt_errors.ApiKeyException as error:
            raise EngineConfigError("no API key") from error
        except ValueError as error:  # a JSON body that does not parse
            raise BadResponse(f"malformed response from {shown}") from error
        except (AttributeError, KeyError, TypeError, IndexError, StopIteration) as error:
            raise BadResponse(f"malformed response from {shown}") from error
        finally:
            _calls.timeout = None
        if not isinstance(result, str):
            raise BadResponse(f"no translation in the response from {shown}")
        self.check_answer(getattr(_calls, "response", None))
        return result

    def check_answer(self, response: Any) -> None:
        """Provider-specific errors hidden in a successful HTTP answer."""

    def http_error(self, shown: str) -> EngineError:
        """An EngineError from the last HTTP response (deep-translator's errors hide it)."""
        response = getattr(_calls, "response", None)
        status = getattr(response, "status_code", 0)
        if status == 429 and response is not None:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return RateLimited("too many requests (HTTP 429)", retry_after)
        if status in (401, 403):
            return EngineConfigError(f"{shown} refused the request (HTTP {status})")
        if status >= 500:
            return ServerError(f"{shown}: HTTP {status}")
        return BadResponse(f"{shown}: HTTP {status or 'error'}")


def _reason(error: Exception) -> str:
    text = str(error)
    for known in (
        "Connection refused",
        "Name or service not known",
        "Network is unreachable",
        "Temporary failure in name resolution",
        "No route to host",
    ):
        if known in text:
            return known.lower()
    return type(error).__name__


class GoogleEngine(DeepTranslatorEngine):
    default_url = "https://translate.google.com/m"
    default_limits = Limits(max_chars=4800, batch_size=1, batch_chars=4800, concurrency=4)
    languages: ClassVar[dict[str, str]] = {"zh_CN": "zh-CN", "zh_TW": "zh-TW", "zh": "zh-CN"}

    def translate_one(self, text: str, source: str, target: str) -> str:
        import deep_translator.google as module

        _install(module)
        translator = module.GoogleTranslator(source=source, target=target)
        translator._base_url = self.url
        return translator.translate(text)


class MyMemoryEngine(DeepTranslatorEngine):
    default_url = "https://api.mymemory.translated.net/get"
    default_limits = Limits(max_chars=480, batch_size=1, batch_chars=480, concurrency=2)
    languages: ClassVar[dict[str, str]] = {
        "zh_CN": "zh-CN",
        "zh_TW": "zh-TW",
        "zh": "zh-CN",
        "en": "en-GB",
    }

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.email = settings.text("email") or settings.context.environ.get("MYMEMORY_EMAIL", "")

    def translate_one(self, text: str, source: str, target: str) -> str:
        import deep_translator.mymemory as module

        _install(module)
        extra = {"email": self.email} if self.email else {}
        translator = module.MyMemoryTranslator(source=source, target=target, **extra)
        translator._base_url = self.url
        return translator.translate(text)

    def check_answer(self, response: Any) -> None:
        try:
            data = response.json()
            status = int(data.get("responseStatus", 200))
        except (AttributeError, ValueError, TypeError):
            return
        if status == 429 or data.get("quotaFinished"):
            details = str(data.get("responseDetails") or "")
            raise RateLimited("daily quota exhausted", _next_available(details))
        if status != 200:
            raise BadResponse(f"MyMemory status {status}: {str(data.get('responseDetails'))[:100]}")


def _next_available(details: str) -> float | None:
    """Seconds from MyMemory's "NEXT AVAILABLE IN 23 HOURS 59 MINUTES 59 SECONDS"."""
    match = re.search(r"(\d+) HOURS? (\d+) MINUTES?(?: (\d+) SECONDS?)?", details.upper())
    if not match:
        return None
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return hours * 3600.0 + minutes * 60 + seconds


class BaiduEngine(DeepTranslatorEngine):
    default_url = "https://fanyi-api.baidu.com/api/trans/vip/translate"
    default_limits = Limits(max_chars=2000, batch_size=20, batch_chars=2000, concurrency=1)
    languages: ClassVar[dict[str, str]] = {"zh_CN": "zh", "zh_TW": "cht", "zh": "zh"}
    # Baidu error codes: 54003 access limit, 54004 balance, 52001 timeout, 52002 system error
    RATE_LIMITED, TIMEOUT, SERVER = {"54003", "54004", "54005"}, {"52001"}, {"52002"}

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.appid = settings.secret("appid", ["BAIDU_APPID"])
        self.appkey = settings.secret("appkey", ["BAIDU_APPKEY"])
        self.secrets = [self.appid, self.appkey]

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if any("\n" in text for text in texts) or len(texts) == 1:
            return super().translate_batch(texts, source, target)
        src, tgt = (self.settings.language(x, self.languages) for x in (source, target))
        lines = self.call(lambda: self.translate_one("\n".join(texts), src, tgt)).split("\n")
        if len(lines) != len(texts):
            raise BadResponse(f"{len(lines)} lines answered for {len(texts)}")
        return lines

    def translate_one(self, text: str, source: str, target: str) -> str:
        import deep_translator.baidu as module

        _install(module)
        translator = module.BaiduTranslator(
            source=source, target=target, appid=self.appid, appkey=self.appkey
        )
        translator._base_url = self.url
        return translator.translate(text)

    def http_error(self, shown: str) -> EngineError:
        response: Any = getattr(_calls, "response", None)  # None: AttributeError below
        try:
            code = str(response.json().get("error_code", ""))
            message = redact(str(response.json().get("error_msg", "")), self.secrets)[:100]
        except (AttributeError, ValueError, TypeError):
            return super().http_error(shown)
        if code in self.RATE_LIMITED:
            return RateLimited(f"Baidu error {code}: {message}", None)
        if code in self.TIMEOUT:
            return EngineTimeout(f"Baidu error {code}: {message}")
        if code in self.SERVER:
            return ServerError(f"Baidu error {code}: {message}")
        if code in ("52003", "54001"):
            return EngineConfigError(f"Baidu refused the app id or key (error {code})")
        return BadResponse(f"Baidu error {code or '?'}: {message}")


ENGINES = {"google": GoogleEngine, "mymemory": MyMemoryEngine, "baidu": BaiduEngine}


def create(kind: str, settings: Settings) -> DeepTranslatorEngine:
    return ENGINES[kind](settings)
