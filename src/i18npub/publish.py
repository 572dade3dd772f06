"""What readers see: every sentence's English and, by the publishing policy, its Chinese.

Per sentence, the catalog entry's state decides the Chinese side:

* **approved** → the translation, unmarked;
* **machine** (fuzzy) → the translation, marked "machine translation, not yet reviewed"
  (policy ``mark-machine``) or withheld, the English shown instead (``approved-only``);
* **pseudo** (a machine entry from the ``pseudo`` engine) → marked as pseudo-localization,
  or withheld like any machine text;
* **outdated** (fuzzy, but not a machine draft of the current English: the sentence changed
  since it was translated) → the English, marked as "translation being updated"
  (``mark-machine``), or withheld like machine text (``approved-only``): the stale Chinese
  is never shown;
* **untranslated** → the English, marked, with ``lang="en"``.

An article whose approved share is below ``min_approved`` is still rendered in Chinese but
left out of the Chinese index, feed and sitemap.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from markupsafe import Markup

from i18npub.article import Article, Block, Segment
from i18npub.config import Config, ConfigError
from i18npub.lookup import ArticleKeys, EntryState, Key, entry_key, state_of
from i18npub.markup import join_sentences, render_sentence, safe_url
from i18npub.pofile import POEntry, POFile

APPROVED, MACHINE, PSEUDO = (
    EntryState.APPROVED.value,
    EntryState.MACHINE.value,
    EntryState.PSEUDO.value,
)
OUTDATED, UNTRANSLATED = EntryState.OUTDATED.value, EntryState.UNTRANSLATED.value
WITHHELD = "withheld"  # what a policy makes of a state, not a state of the entry
FALLBACK_STATES = frozenset({UNTRANSLATED, WITHHELD, OUTDATED})  # shown in English
STATE_CLASSES = {MACHINE: "mt", PSEUDO: "pseudo", UNTRANSLATED: "fallback", WITHHELD: "fallback"}
MARK_ORDER = (MACHINE, PSEUDO, WITHHELD, UNTRANSLATED)
POLICIES = ("mark-machine", "approved-only")
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
SUMMARY_SENTENCES = 3


@dataclass(frozen=True)
class PublishSettings:
    """``[site]`` and ``[publish]`` in ``i18npub.toml``."""

    policy: str = "mark-machine"
    min_approved: float = 0.5
    base_url: str = ""
    title: str = "i18npub"
    title_zh: str = ""
    language: str = "zh_CN"  # the catalog behind the Chinese view

    @classmethod
    def from_config(cls, config: Config) -> PublishSettings:
        site = config.raw.get("site", {})
        publish = config.raw.get("publish", {})
        policy = publish.get("policy", cls.policy)
        if policy not in POLICIES:
            raise ConfigError(f"publish.policy must be one of {', '.join(POLICIES)}")
        min_approved = publish.get("min_approved", cls.min_approved)
        if not isinstance(min_approved, int | float) or not 0 <= min_approved <= 1:
            raise ConfigError("publish.min_approved must be a number from 0 to 1")
        base_url = str(site.get("base_url", ""))
        if base_url and not re.match(r"^https?://[^\s/]+", base_url):
            raise ConfigError("site.base_url must be an http(s) URL")
        chinese = [lang for lang in config.target_languages if lang.lower().startswith("zh")]
        return cls(
            policy=policy,
            min_approved=float(min_approved),
            base_url=base_url.rstrip("/") + "/" if base_url else "",
            title=str(site.get("title", config.title)),
            title_zh=str(site.get("title_zh", "")),
            language=(chinese or list(config.target_languages) or ["zh_CN"])[0],
        )

    @property
    def lang_tag(self) -> str:
        """The BCP 47 tag of the Chinese view (``zh-Hans`` for ``zh_CN``)."""
        return language_tag(self.language)


@lru_cache(maxsize=64)
def language_tag(language: str) -> str:
    """A catalog language (``zh_CN``) as an HTML ``lang`` / ``hreflang`` tag (``zh-Hans``)."""
    parts = language.replace("-", "_").split("_")
    if parts[0].lower() == "zh":
        traditional = {"tw", "hk", "mo", "hant"} & {p.lower() for p in parts[1:]}
        return "zh-Hant" if traditional else "zh-Hans"
    return "-".join(parts)


@dataclass(slots=True)
class Sentence:
    """One sentence: its English, what the Chinese side shows, and why."""

    pair: str  # the same id on both sides: "b5s2"
    en: Markup
    zh: Markup
    en_text: str
    zh_text: str
    state: str
    zh_lang: str


@dataclass
class BlockView:
    """A block with its sentences; renders either side, with or without pair spans."""

    index: int
    kind: str
    level: int
    sentences: list[Sentence]
    zh_tag: str
    code: str = ""
    language: str = ""

    @property
    def id(self) -> str:
        return f"b{self.index}"

    @property
    def heading_level(self) -> int:
        return min(max(self.level or 2, 2), 6)

    @cached_property
    def zh_lang(self) -> str:
        langs = {s.zh_lang for s in self.sentences}
        return "en" if langs == {"en"} else self.zh_tag

    def lang(self, side: str) -> str:
        return "en" if side == "en" else self.zh_lang

    @cached_property
    def marks(self) -> list[str]:
        """States that need a badge on the Chinese side, in a fixed order."""
        states = {s.state for s in self.sentences}
        return [state for state in MARK_ORDER if state in states]

    def html(self, side: str, paired: bool = False) -> Markup:
        """The block's sentences joined; ``paired`` wraps each in a span with its pair id."""
        if side == "en":
            return join_sentences([(_en_span(s, paired), False) for s in self.sentences])
        return join_sentences(
            [(_zh_span(s, self.zh_lang, paired), s.zh_lang != "en") for s in self.sentences]
        )


# The spans are built from safe HTML (``Sentence.en``/``zh``) and our own ids and classes;
# ``join_sentences`` marks the joined result safe once.


def _en_span(sentence: Sentence, paired: bool) -> str:
    if not paired:
        return sentence.en
    pair = sentence.pair
    return f'<span class="s" id="{pair}-en" data-pair="{pair}">{sentence.en}</span>'


def _zh_span(sentence: Sentence, block_lang: str, paired: bool) -> str:
    classes = ["s"] if paired else []
    if sentence.state in STATE_CLASSES:
        classes.append(STATE_CLASSES[sentence.state])
    attrs = [f'id="{sentence.pair}-zh" data-pair="{sentence.pair}"'] if paired else []
    if classes:
        attrs.insert(0, f'class="{" ".join(classes)}"')
    if sentence.zh_lang != block_lang:
        attrs.append(f'lang="{sentence.zh_lang}"')
    if not attrs:
        return sentence.zh
    return f"<span {' '.join(attrs)}>{sentence.zh}</span>"


@dataclass(frozen=True)
class Summary:
    """What index pages, feeds and the sitemap need of an article (JSON-friendly)."""

    slug: str
    date: str | None
    title_en: str
    title_zh: str
    title_zh_lang: str
    title_zh_state: str
    summary_en: str
    summary_zh: list[tuple[str, str]]  # (text, lang) per sentence
    percent_approved: float
    listed_zh: bool

    @property
    def day(self) -> dt.date | None:
        return dt.date.fromisoformat(self.date) if self.date else None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        data = dict(data)
        data["summary_zh"] = [tuple(item) for item in data["summary_zh"]]
        return cls(**data)


@dataclass
class ArticleView:
    """An article as published: title, body blocks and translation counts."""

    slug: str
    date: dt.date | None
    byline: str
    source_url: str | None
    title: BlockView
    body: list[BlockView]
    counts: Counter[str]

    @cached_property
    def flow(self) -> list[tuple[str, BlockView | None]]:
        """The body with list structure, flat (see ``list_flow``)."""
        return list_flow(self.body)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def share_approved(self) -> float:
        return self.counts[APPROVED] / self.total if self.total else 0.0

    @property
    def fallback_count(self) -> int:
        return self.counts[UNTRANSLATED] + self.counts[WITHHELD]

    def listed_zh(self, settings: PublishSettings) -> bool:
        return self.total > 0 and self.share_approved >= settings.min_approved

    def summary(self, settings: PublishSettings) -> Summary:
        lead = next((b for b in self.body if b.kind == "paragraph"), None)
        sentences = lead.sentences[:SUMMARY_SENTENCES] if lead else []
        title = self.title.sentences
        return Summary(
            slug=self.slug,
            date=self.date.isoformat() if self.date else None,
            title_en=" ".join(s.en_text for s in title),
            title_zh=_zh_plain(title),
            title_zh_lang=self.title.zh_lang,
            title_zh_state=self.title.marks[0] if self.title.marks else APPROVED,
            summary_en=" ".join(s.en_text for s in sentences),
            summary_zh=[(s.zh_text, s.zh_lang) for s in sentences],
            percent_approved=round(100 * self.share_approved, 1),
            listed_zh=self.listed_zh(settings),
        )


def _zh_plain(sentences: list[Sentence]) -> str:
    text = ""
    for sentence in sentences:
        chinese = sentence.zh_lang != "en"
        if text and not (chinese and CJK_RE.search(text[-1])):
            text += " "
        text += sentence.zh_text
    return text


# Building the view --------------------------------------------------------------------------


def catalog_entries(catalog: POFile | None) -> dict[Key, POEntry]:
    """The catalog's active entries by key, ``(msgctxt, msgid)``."""
    if catalog is None:
        return {}
    return {entry_key(e): e for e in catalog.entries if not e.obsolete}


def publish_article(
    article: Article, entries: Mapping[Key, POEntry], settings: PublishSettings
) -> ArticleView:
    """Apply the policy to every sentence of ``article``."""
    counts: Counter[str] = Counter()
    keys = ArticleKeys.of(article)
    views = [
        _block_view(index, block, entries, settings, counts, keys)
        for index, block in enumerate(article.blocks)
    ]
    title_index = next((i for i, b in enumerate(article.blocks) if b.kind == "title"), None)
    if title_index is None:
        title_block = Block("title", [Segment(article.title)])
        title = _block_view(-1, title_block, entries, settings, counts, keys)
        title.index = 0
    else:
        title = views.pop(title_index)
    return ArticleView(
        slug=article.slug,
        date=article.date,
        byline=article.byline,
        source_url=safe_url(article.url) if article.url else None,
        title=title,
        body=views,
        counts=counts,
    )


def _block_view(
    index: int,
    block: Block,
    entries: Mapping[Key, POEntry],
    settings: PublishSettings,
    counts: Counter[str],
    keys: ArticleKeys,
) -> BlockView:
    sentences = []
    zh_tag = settings.lang_tag
    for number, segment in enumerate(block.segments if block.translatable else [], start=1):
        entry = entries.get(keys.key(block, segment))
        sentence = _sentence(f"b{index}s{number}", segment, entry, settings, zh_tag)
        counts[sentence.state] += 1
        sentences.append(sentence)
    return BlockView(
        index=index,
        kind=block.kind,
        level=block.level,
        sentences=sentences,
        zh_tag=zh_tag,
        code=block.code,
        language=block.language,
    )


def _sentence(
    pair: str, segment: Segment, entry: POEntry | None, settings: PublishSettings, zh_tag: str
) -> Sentence:
    en, en_text = render_sentence(segment.text, segment.markup)
    state = _state(entry, settings)
    if state in FALLBACK_STATES or entry is None:
        return Sentence(pair, en, en, en_text, en_text, state, "en")
    zh, zh_text = render_sentence(entry.msgstr, segment.markup, chinese=True)
    if not zh_text:  # a translation of nothing but controls or whitespace
        return Sentence(pair, en, en, en_text, en_text, UNTRANSLATED, "en")
    zh_lang = zh_tag if CJK_RE.search(zh_text) else "en"
    return Sentence(pair, en, zh, en_text, zh_text, state, zh_lang)


def _state(entry: POEntry | None, settings: PublishSettings) -> str:
    if entry is None:
        return UNTRANSLATED
    state = state_of(entry).value
    if state in (APPROVED, UNTRANSLATED):
        return state
    if settings.policy == "approved-only":
        return WITHHELD
    return state  # machine, pseudo or outdated


def list_flow(blocks: list[BlockView]) -> list[tuple[str, BlockView | None]]:
    """The body as a flat stream for templates: ``("block", b)``, and for list items
    ``("ul", None)``, ``("li", b)``, ``("/li", None)``, ``("/ul", None)``, nested by level."""
    flow: list[tuple[str, BlockView | None]] = []
    levels: list[int] = []  # the levels of the open lists, each with an open item
    for block in blocks:
        if block.kind != "list_item":
            flow += _close_lists(levels, 0)
            flow.append(("block", block))
            continue
        level = max(block.level, 1)
        flow += _close_lists(levels, level)
        if levels and levels[-1] == level:
            flow.append(("/li", None))
        else:
            flow.append(("ul", None))
            levels.append(level)
        flow.append(("li", block))
    return flow + _close_lists(levels, 0)


def _close_lists(levels: list[int], level: int) -> list[tuple[str, BlockView | None]]:
    """Close the lists deeper than ``level`` (each with its open item)."""
    closing: list[tuple[str, BlockView | None]] = []
    while levels and levels[-1] > level:
        levels.pop()
        closing += [("/li", None), ("/ul", None)]
    return closing
