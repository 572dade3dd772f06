"""``chatgpt``: any OpenAI-compatible chat-completions server (OpenAI, or a local Ollama,
vLLM or llama.cpp server for offline use), with our own client.

deep-translator's ``ChatGptTranslator`` calls ``openai.ChatCompletion``, which the ``openai``
package removed in 1.0 (2023), reads the key from ``OPEN_API_KEY`` (sic), sends one text per
request and cannot be pointed at another server. This client sends ``POST
{url}chat/completions`` with ``Authorization: Bearer KEY`` and asks for the batch as a JSON
array of strings; an answer that is not an array of the same length is a bad response (the
sentences then go to the next engine). Tokens like ``[X1X]`` must be kept, as for any engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from i18npub.engines.base import BadResponse, Limits, Settings
from i18npub.engines.http import HttpEngine, expect_strings

LANGUAGES = {
    "zh_CN": "Simplified Chinese (mainland China news style)",
    "zh_TW": "Traditional Chinese (Taiwan)",
    "zh": "Simplified Chinese",
    "en": "English",
}
PROMPT = (
    "You translate news sentences from {source} into {target}. The user sends a JSON array "
    "of strings. Reply with only a JSON array of their translations, same length, same order. "
    "Keep every token like [X1X] exactly as written, in the place the grammar needs."
)


class ChatEngine(HttpEngine):
    default_url = "https://api.openai.com/v1/"
    default_limits = Limits(max_chars=4000, batch_size=20, batch_chars=8000, concurrency=2)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        local = "api.openai.com" not in self.url
        self.api_key = settings.secret("api_key", ["OPENAI_API_KEY"], required=not local)
        self.model = settings.text("model") or "gpt-4o-mini"
        self.temperature = settings.number("temperature", 0.0)
        self.secrets = [self.api_key]
        self.settings = settings

    def cache_id(self) -> str:
        return f"{self.name}:{self.model}"

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        prompt = PROMPT.format(
            source=self.settings.language(source, LANGUAGES),
            target=self.settings.language(target, LANGUAGES),
        )
        body = {
            "model": self.model,
            "temperature": self.temperature,
            "messages": [
                {"role": "system", "content": prompt},
                {"role": "user", "content": json.dumps(list(texts), ensure_ascii=False)},
            ],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        data = self.request_json("POST", self.url + "chat/completions", json=body, headers=headers)
        try:
            content = data["choices"][0]["message"]["content"]
        except (TypeError, KeyError, IndexError) as error:
            raise BadResponse("malformed response: no message content") from error
        return expect_strings(_json_array(content), len(texts), "strings in the reply")


def _json_array(content: object) -> object:
    """The JSON array in a model's reply (code fences and chatter around it ignored)."""
    if not isinstance(content, str):
        return None
    match = re.search(r"\[.*\]", content, re.S)
    try:
        return json.loads(match.group(0)) if match else None
    except ValueError:
        return None


def create(kind: str, settings: Settings) -> ChatEngine:
    return ChatEngine(settings)
