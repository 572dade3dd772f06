"""DeepL, with our own client for the current API.

deep-translator's ``DeeplTranslator`` (1.11.4) sends ``GET /v2/translate?auth_key=…``. DeepL
deprecated GET requests to ``/translate`` (March 2025) and authentication by query parameter
(November 2025), so it fails today (nidhaloff/deep-translator#299, fix in PR #303, both open),
and it also has no timeout and no batching. This client sends what DeepL documents:
``POST {url}translate`` with ``Authorization: DeepL-Auth-Key KEY`` and a JSON body
``{"text": [up to 50 texts], "source_lang": "EN", "target_lang": "ZH-HANS"}``; the answer is
``{"translations": [{"text": …}, …]}``. HTTP 456 (quota exceeded) is a rate limit.
Free-plan keys (ending in ``:fx``) go to ``api-free.deepl.com``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from i18npub.engines.base import BadResponse, Limits, Settings
from i18npub.engines.http import HttpEngine

TARGETS = {"zh_CN": "ZH-HANS", "zh_TW": "ZH-HANT", "zh": "ZH-HANS", "en": "EN-US", "pt": "PT-BR"}


class DeepLEngine(HttpEngine):
    default_limits = Limits(max_chars=30_000, batch_size=50, batch_chars=100_000, concurrency=2)

    def __init__(self, settings: Settings) -> None:
        self.api_key = settings.secret("api_key", ["DEEPL_API_KEY", "DEEPL_AUTH_KEY"])
        free = self.api_key.endswith(":fx")
        self.default_url = f"https://api{'-free' if free else ''}.deepl.com/v2/"
        super().__init__(settings)
        self.secrets = [self.api_key]
        self.settings = settings
        options = settings.data.get("options", {})
        self.options: Mapping[str, Any] = options if isinstance(options, Mapping) else {}

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        body = {
            **self.options,
            "text": list(texts),
            "source_lang": self.settings.language(source, {}).split("-")[0].upper(),
            "target_lang": self.settings.language(target, TARGETS).upper(),
        }
        headers = {"Authorization": f"DeepL-Auth-Key {self.api_key}"}
        data = self.request_json("POST", self.url + "translate", json=body, headers=headers)
        items = data.get("translations") if isinstance(data, dict) else None
        if not isinstance(items, list) or len(items) != len(texts):
            raise BadResponse(f"malformed response: expected {len(texts)} translations")
        try:
            return [str(item["text"]) for item in items]
        except (TypeError, KeyError) as error:
            raise BadResponse("malformed response: a translation without text") from error


def create(kind: str, settings: Settings) -> DeepLEngine:
    return DeepLEngine(settings)
