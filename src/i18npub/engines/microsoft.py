"""Microsoft Translator (Azure AI Translator v3), with our own client.

deep-translator's ``MicrosoftTranslator`` fetches the language list from the public endpoint
in its constructor (so it needs the internet before translating anything, and cannot be
pointed at another server), sends one text per request although the API takes up to 1,000,
sets no timeout, and crashes with ``AttributeError`` when the connection fails. This client
sends ``POST {url}translate?api-version=3.0&from=en&to=zh-Hans`` with the headers
``Ocp-Apim-Subscription-Key`` (and ``Ocp-Apim-Subscription-Region`` if ``region`` is set) and
the body ``[{"Text": …}, …]``; the answer is ``[{"translations": [{"text": …}]}, …]``.
"""

from __future__ import annotations

from collections.abc import Sequence

from i18npub.engines.base import BadResponse, Limits, Settings
from i18npub.engines.http import HttpEngine

LANGUAGES = {"zh_CN": "zh-Hans", "zh_TW": "zh-Hant", "zh": "zh-Hans"}


class MicrosoftEngine(HttpEngine):
    default_url = "https://api.cognitive.microsofttranslator.com/"
    default_limits = Limits(max_chars=10_000, batch_size=100, batch_chars=40_000, concurrency=2)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.api_key = settings.secret("api_key", ["MICROSOFT_API_KEY", "AZURE_TRANSLATOR_KEY"])
        self.region = settings.text("region") or settings.context.environ.get(
            "MICROSOFT_REGION", ""
        )
        self.secrets = [self.api_key]
        self.settings = settings

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        params = {
            "api-version": "3.0",
            "from": self.settings.language(source, LANGUAGES),
            "to": self.settings.language(target, LANGUAGES),
        }
        headers = {"Ocp-Apim-Subscription-Key": self.api_key}
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        body = [{"Text": text} for text in texts]
        data = self.request_json(
            "POST", self.url + "translate", params=params, json=body, headers=headers
        )
        if not isinstance(data, list) or len(data) != len(texts):
            raise BadResponse(f"malformed response: expected {len(texts)} results")
        try:
            return [str(item["translations"][0]["text"]) for item in data]
        except (TypeError, KeyError, IndexError) as error:
            raise BadResponse("malformed response: a result without a translation") from error


def create(kind: str, settings: Settings) -> MicrosoftEngine:
    return MicrosoftEngine(settings)
