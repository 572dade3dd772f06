"""``chatgpt``: any OpenAI-compatible chat-completions server (OpenAI, or a local Ollama,
vLLM or llama.cpp server for offline use), with our own client.

deep-translator's ``ChatGptTranslator`` calls ``openai.ChatCompletion``, which the ``openai``
package removed in 1.0 (2023), reads the key from ``OPEN_API_KEY`` (sic), sends one text per
request and cannot be pointed at another server. This client sends ``POST
{url}chat/completions`` with ``Authorization: Bearer KEY`` (none for a local server).

A language model translates better with context, so by default (``paragraphs = true``) it
gets a paragraph at a time: its sentences numbered (``1. …``) after the glossary terms that
occur in them, and it answers numbered lines. The answer is split back to sentences only if
the split can be trusted — the numbers are exactly 1…n, every line is there, every sentence
keeps its own tokens and no sentence's length is far out of line with the paragraph's —
otherwise :meth:`translate_paragraph` returns None and the sentences are sent as a batch:
a JSON array of strings answered by a JSON array of the same length (anything else is a bad
response). Tokens like ``[X1X]`` must be kept, as for any engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from i18npub.engines.base import BadResponse, EngineConfigError, Limits, Settings
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
PARAGRAPH_PROMPT = (
    "You translate news from {source} into {target}. The user sends one paragraph as "
    "numbered sentences after 'Sentences:'. Translate them as one text, so that each reads "
    "naturally in its context, but reply with only the numbered translations, one line per "
    "sentence, with the same numbers ('1. …'): never merge, split or reorder sentences. "
    "Keep every token like [X1X] exactly as written, in the sentence it belongs to. "
    "Translate the terms listed under 'Glossary:' as given."
)
TOKEN_RE = re.compile(r"\[X\d+X\]")
_LINE_RE = re.compile(r"^\s*(\d+)\s*[.．)）、:：]\s*(.*?)\s*$")
_FENCE_RE = re.compile(r"^\s*```\w*\s*$")
RATIO_SPREAD = 2.0  # a sentence this many times longer/shorter than the paragraph's ratio
RATIO_MIN_CHARS = 25  # ... counts only for sentences at least this long


class ChatEngine(HttpEngine):
    default_url = "https://api.openai.com/v1/"
    default_limits = Limits(max_chars=4000, batch_size=20, batch_chars=8000, concurrency=2)

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        local = "api.openai.com" not in self.url
        self.api_key = settings.secret("api_key", ["OPENAI_API_KEY"], required=not local)
        self.model = settings.text("model") or "gpt-4o-mini"
        self.temperature = settings.number("temperature", 0.0)
        paragraphs = settings.data.get("paragraphs", True)
        if not isinstance(paragraphs, bool):
            raise EngineConfigError(f"engines.{settings.name}.paragraphs must be true or false")
        self.context = paragraphs
        self.secrets = [self.api_key]
        self.settings = settings

    def cache_id(self) -> str:
        return f"{self.name}:{self.model}"

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        content = self._chat(PROMPT, json.dumps(list(texts), ensure_ascii=False), source, target)
        return expect_strings(_json_array(content), len(texts), "strings in the reply")

    def translate_paragraph(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        glossary: Sequence[tuple[str, str]] = (),
    ) -> list[str] | None:
        terms = "".join(f"- {term} → {translation}\n" for term, translation in glossary)
        numbered = "\n".join(f"{n}. {sentence}" for n, sentence in enumerate(sentences, 1))
        user = (f"Glossary:\n{terms}\n" if terms else "") + f"Sentences:\n{numbered}"
        content = self._chat(PARAGRAPH_PROMPT, user, source, target)
        return split_numbered(content, sentences)

    def _chat(self, system: str, user: str, source: str, target: str) -> object:
        prompt = system.format(
            source=self.settings.language(source, LANGUAGES),
            target=self.settings.language(target, LANGUAGES),
        )
        body = {
            "model": self.model,
            "temperature": self.temperature,
            "messages": [
                {"role": "system", "content": prompt},
                {"role": "user", "content": user},
            ],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        data = self.request_json("POST", self.url + "chat/completions", json=body, headers=headers)
        try:
            return data["choices"][0]["message"]["content"]
        except (TypeError, KeyError, IndexError) as error:
            raise BadResponse("malformed response: no message content") from error


def split_numbered(content: object, sentences: Sequence[str]) -> list[str] | None:
    """One translation per sentence from a numbered reply, or None if the split is doubtful."""
    if not isinstance(content, str):
        return None
    found: list[str] = []
    for line in content.strip().splitlines():
        if not line.strip() or _FENCE_RE.match(line):
            continue
        match = _LINE_RE.match(line)
        if not match or int(match.group(1)) != len(found) + 1 or not match.group(2):
            return None  # an unnumbered line, a number out of order, an empty translation
        found.append(match.group(2))
    if len(found) != len(sentences):
        return None
    if any(_tokens(a) != _tokens(s) for a, s in zip(found, sentences, strict=True)):
        return None  # a token in another sentence's line: the lines are shifted
    return found if _lengths_agree(found, sentences) else None


def _tokens(text: str) -> list[str]:
    return sorted(TOKEN_RE.findall(text))


def _lengths_agree(answers: Sequence[str], sentences: Sequence[str]) -> bool:
    """No long sentence's length ratio is far from the paragraph's (two merged, one lost)."""
    overall = sum(map(len, answers)) / max(1, sum(map(len, sentences)))
    for answer, sentence in zip(answers, sentences, strict=True):
        if len(sentence) < RATIO_MIN_CHARS or overall == 0:
            continue
        ratio = len(answer) / len(sentence) / overall
        if not 1 / RATIO_SPREAD <= ratio <= RATIO_SPREAD:
            return False
    return True


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
