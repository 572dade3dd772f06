"""Every shipped engine over real HTTP against a loopback server speaking its wire format."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from i18npub.engines import create_engine
from i18npub.engines.base import (
    BadResponse,
    EngineConfigError,
    EngineContext,
    EngineTimeout,
    EngineUnavailable,
    RateLimited,
    ServerError,
)
from tests.support.loopback import closed_port_url
from tests.support.mt_servers import BAIDU_APPID, BAIDU_APPKEY, ProviderServer

KEY = "sk-test-0123456789-secret"
HTTP_ENGINES = ["google", "mymemory", "baidu", "libre", "deepl", "microsoft", "chatgpt"]
SETTINGS: dict[str, dict[str, Any]] = {
    "google": {},
    "mymemory": {},
    "baidu": {"appid": BAIDU_APPID, "appkey": BAIDU_APPKEY},
    "libre": {"api_key": KEY},
    "deepl": {"api_key": KEY},
    "microsoft": {"api_key": KEY},
    "chatgpt": {"api_key": KEY},
}
SENTENCE = "The ferry opened on [X1X] with [X2X]the new pier[X3X]."


def engine_for(provider: str, url: str, **settings: Any):
    table = {"url": url, "timeout": 0.5, "connect_timeout": 0.5, **SETTINGS[provider], **settings}
    return create_engine(provider, table, EngineContext(environ={}))


def serve(provider: str) -> ProviderServer:
    return ProviderServer(provider, key=KEY)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@pytest.mark.parametrize("provider", HTTP_ENGINES)
def test_engine_translates_over_http_keeping_tokens(provider: str) -> None:
    with serve(provider) as server:
        [answer] = engine_for(provider, server.url).translate_batch([SENTENCE], "en", "zh_CN")
    assert _has_chinese(answer)
    assert [token in answer for token in ("[X1X]", "[X2X]", "[X3X]")] == [True] * 3
    assert server.texts == [SENTENCE]


def test_requests_follow_each_providers_wire_format() -> None:
    checks = {
        "google": lambda r: r.method == "GET" and r.query["tl"] == ["zh-CN"],
        "mymemory": lambda r: r.method == "GET" and r.query["langpair"] == ["en-GB|zh-CN"],
        "baidu": lambda r: r.method == "POST" and r.query["to"] == ["zh"],
        "libre": lambda r: json.loads(r.body)["target"] == "zh" and "api_key" not in r.query,
        "deepl": lambda r: (
            r.headers["authorization"] == f"DeepL-Auth-Key {KEY}"
            and json.loads(r.body)["target_lang"] == "ZH-HANS"
        ),
        "microsoft": lambda r: r.query["to"] == ["zh-Hans"] and r.query["api-version"] == ["3.0"],
        "chatgpt": lambda r: r.headers["authorization"] == f"Bearer {KEY}",
    }
    for provider, check in checks.items():
        with serve(provider) as server:
            engine_for(provider, server.url).translate_batch(["Hello."], "en", "zh_CN")
        assert check(server.requests[0]), provider


@pytest.mark.parametrize("provider", ["libre", "deepl", "microsoft", "chatgpt", "baidu"])
def test_batching_engines_send_several_texts_in_one_request(provider: str) -> None:
    texts = ["One ship sailed.", "Two ships sailed.", "Three ships sailed."]
    with serve(provider) as server:
        answers = engine_for(provider, server.url).translate_batch(texts, "en", "zh_CN")
    assert len(server.requests) == 1 and server.texts == texts
    assert len(answers) == 3 and all(_has_chinese(a) for a in answers)


@pytest.mark.parametrize("provider", HTTP_ENGINES)
def test_refused_connection_fails_fast_as_unavailable(provider: str) -> None:
    engine = engine_for(provider, closed_port_url())
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match=r"cannot reach http://127\.0\.0\.1"):
        engine.translate_batch(["Hello."], "en", "zh_CN")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("provider", HTTP_ENGINES)
def test_slow_answer_beyond_the_timeout(provider: str) -> None:
    with serve(provider) as server:
        server.fault, server.slow_seconds = "slow", 1.5
        engine = engine_for(provider, server.url, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(EngineTimeout, match=r"within 0\.3 s"):
            engine.translate_batch(["Hello."], "en", "zh_CN")
        assert time.monotonic() - started < 1.2


@pytest.mark.parametrize("provider", HTTP_ENGINES)
def test_429_is_rate_limited_with_retry_after(provider: str) -> None:
    with serve(provider) as server:
        server.fault, server.retry_after = "429", "7"
        with pytest.raises(RateLimited) as caught:
            engine_for(provider, server.url).translate_batch(["Hello."], "en", "zh_CN")
    expected = None if provider == "baidu" else 7.0  # Baidu answers 200 + error 54003
    assert caught.value.retry_after == expected


@pytest.mark.parametrize("provider", ["mymemory", "deepl", "baidu"])
def test_exhausted_quota_is_rate_limited(provider: str) -> None:
    with serve(provider) as server:
        server.fault = "quota"
        with pytest.raises(RateLimited) as caught:
            engine_for(provider, server.url).translate_batch(["Hello."], "en", "zh_CN")
    if provider == "mymemory":  # "NEXT AVAILABLE IN 23 HOURS 59 MINUTES 59 SECONDS"
        assert caught.value.retry_after == 23 * 3600 + 59 * 60 + 59


@pytest.mark.parametrize("provider", HTTP_ENGINES)
def test_server_error_is_retryable(provider: str) -> None:
    with serve(provider) as server:
        server.fault = "500"
        with pytest.raises(ServerError) as caught:
            engine_for(provider, server.url).translate_batch(["Hello."], "en", "zh_CN")
    assert caught.value.retryable


@pytest.mark.parametrize("provider", HTTP_ENGINES)
def test_malformed_body_is_a_bad_response(provider: str) -> None:
    with serve(provider) as server:
        server.fault = "malformed"
        with pytest.raises(BadResponse):
            engine_for(provider, server.url).translate_batch(["Hello."], "en", "zh_CN")


@pytest.mark.parametrize("provider", ["libre", "deepl", "microsoft", "chatgpt"])
def test_rejected_key_is_a_config_error_that_never_shows_the_key(provider: str) -> None:
    with (
        ProviderServer(provider, key="the-right-key") as server,
        pytest.raises(EngineConfigError) as caught,
    ):
        engine_for(provider, server.url).translate_batch(["Hello."], "en", "zh_CN")
    assert KEY not in str(caught.value)


def test_keys_come_from_the_environment_and_missing_keys_are_named() -> None:
    context = EngineContext(environ={"DEEPL_API_KEY": KEY})
    engine = create_engine("deepl", {"url": "http://127.0.0.1:1/"}, context)
    assert engine.api_key == KEY
    with pytest.raises(EngineConfigError, match="DEEPL_API_KEY"):
        create_engine("deepl", {}, EngineContext(environ={}))


def test_a_named_engine_of_another_type() -> None:
    engine = create_engine("libre-local", {"type": "libre"}, EngineContext(environ={}))
    assert engine.name == "libre-local" and engine.url == "http://127.0.0.1:5000/"


def test_deep_translators_deepl_client_fails_against_the_current_api() -> None:
    """nidhaloff/deep-translator#299: GET + auth_key query parameter; ours uses POST + header."""
    from deep_translator import DeeplTranslator

    with serve("deepl") as server:
        legacy = DeeplTranslator(source="en", target="zh", api_key=KEY)
        legacy._base_url = server.url
        with pytest.raises(Exception, match=r"403|auth|Auth"):
            legacy.translate("Hello.")
        [answer] = engine_for("deepl", server.url).translate_batch(["Hello."], "en", "zh_CN")
    assert server.requests[0].method == "GET" and "auth_key" in server.requests[0].query
    assert _has_chinese(answer)


def test_deep_translator_without_our_timeout_keeps_its_behaviour() -> None:
    """Our timeout applies only inside our engine's calls, not to other deep-translator users."""
    import deep_translator.google as module

    from i18npub.engines import deeptranslator

    with serve("google") as server:
        engine_for("google", server.url).translate_batch(["Hello."], "en", "zh_CN")
        assert module.requests is deeptranslator._SHIM
        plain = module.GoogleTranslator(source="en", target="zh-CN")
        plain._base_url = server.url
        assert plain.translate("Hello.")
    assert getattr(deeptranslator._calls, "timeout", None) is None
