"""LibreTranslate (and compatible servers): the self-hosted path, batched, with our own client.

Wire format: ``POST {url}translate`` with a JSON body ``{"q": [texts], "source", "target",
"format": "text", "api_key"}``; the answer is ``{"translatedText": [texts]}`` (a list for a
list). deep-translator's ``LibreTranslator`` is not used: it refuses to run without a key
(self-hosted servers usually have none), puts the key and the text in the query string, sends
one text per request and sets no timeout.
"""

from __future__ import annotations

from collections.abc import Sequence

from i18npub.engines.base import Limits, Settings
from i18npub.engines.http import HttpEngine, expect_strings

LANGUAGES = {"zh_CN": "zh", "zh_TW": "zt", "zh": "zh"}  # newer servers: set zh-Hans / zh-Hant


class LibreEngine(HttpEngine):
    default_url = "http://127.0.0.1:5000/"
    default_limits = Limits(max_chars=5000, batch_size=25, batch_chars=20_000, concurrency=2)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.api_key = settings.secret("api_key", ["LIBRE_API_KEY"], required=False)
        self.secrets = [self.api_key]
        self.settings = settings

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        body: dict[str, object] = {
            "q": list(texts),
            "source": self.settings.language(source, LANGUAGES),
            "target": self.settings.language(target, LANGUAGES),
            "format": "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        data = self.request_json("POST", self.url + "translate", json=body)
        translated = data.get("translatedText") if isinstance(data, dict) else None
        return expect_strings(translated, len(texts), "translations in translatedText")


def create(kind: str, settings: Settings) -> LibreEngine:
    return LibreEngine(settings)
