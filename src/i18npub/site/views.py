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

Marks are per run of sentences in one state (a short label, its full text for screen
readers and as a tooltip), explained once per article by the notice. In the bilingual view a
sentence shown in English is not printed twice: its Chinese cell holds a quiet "not yet
translated" marker that pairs with the English.

Counts are of distinct sentences, as in the catalogs and ``i18npub status``: a sentence that
repeats in an article (a photo credit) counts once.

An article whose approved share is below ``min_approved`` is still rendered in Chinese but
left out of the Chinese feed and sitemap (and marked ``noindex``); the Chinese index still
lists it, marked, when under ``mark-machine`` at least ``min_approved`` of its sentences
read in Chinese. The others are withheld from the Chinese index (``build`` says how many).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markupsafe import Markup, escape

from i18npub.article import Article, Block, Segment
from i18npub.config import PublishSettings
from i18npub.lookup import ArticleKeys, EntryState, Key, entry_key, state_of
from i18npub.markup import join_sentences, render_sentence, safe_url
from i18npub.po import POEntry, POFile
from i18npub.wordbreak import word_breaks

APPROVED, MACHINE, PSEUDO = (
    EntryState.APPROVED.value,
    EntryState.MACHINE.value,
    EntryState.PSEUDO.value,
)
OUTDATED, UNTRANSLATED = EntryState.OUTDATED.value, EntryState.UNTRANSLATED.value
WITHHELD = "withheld"  # what a policy makes of a state, not a state of the entry
FALLBACK_STATES = frozenset({UNTRANSLATED, WITHHELD})  # nothing to show in Chinese
SHOWN_IN_ENGLISH = FALLBACK_STATES | {OUTDATED}  # an outdated text is stale: never shown
STATE_CLASSES = {
    MACHINE: "mt",
    PSEUDO: "pseudo",
    OUTDATED: "outdated",
    UNTRANSLATED: "fallback",
    WITHHELD: "fallback",
}
MARK_ORDER = (MACHINE, PSEUDO, OUTDATED, WITHHELD, UNTRANSLATED)
LISTED, LISTED_MACHINE, UNLISTED = "listed", "machine", "withheld"  # in the Chinese index
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
SUMMARY_SENTENCES = 3


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

    @property
    def shows_english(self) -> bool:
        """The Chinese side shows the English (no translation, or one not shown)."""
        if self.state in FALLBACK_STATES:
            return True
        return self.state == OUTDATED and self.zh_lang == "en" and self.zh_text == self.en_text

    @property
    def mark(self) -> str:
        """The state the Chinese side is marked with ("" for an approved sentence)."""
        return self.state if self.state in STATE_CLASSES else ""


@dataclass(frozen=True)
class Label:
    """A mark's words: ``short`` shown, ``long`` for screen readers and the tooltip."""

    short: str
    long: str
    gap: str = ""  # the bilingual view's Chinese cell for a sentence shown in English
    lang: str = "en"


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
        """States marked on the Chinese side, in a fixed order."""
        states = {s.mark for s in self.sentences}
        return [state for state in MARK_ORDER if state in states]

    @property
    def all_english(self) -> bool:
        """Every sentence's Chinese side is its English (the bilingual cell is a marker)."""
        return bool(self.sentences) and all(s.shows_english for s in self.sentences)

    def html(
        self,
        side: str,
        paired: bool = False,
        labels: Mapping[str, Label] | None = None,
    ) -> Markup:
        """The block's sentences joined; ``paired`` wraps each in a span with its pair id.

        With ``labels`` the Chinese side carries a mark after each run of sentences in one
        marked state; with ``paired`` too (the bilingual view), a run shown in English is
        replaced by one marker cell that pairs with those English sentences.
        """
        if side == "en":
            return join_sentences([(_en_span(s, paired), False) for s in self.sentences])
        words = self.kind in ("title", "heading")  # headings break only between words
        pieces: list[tuple[Markup | str, bool]] = []
        for run in _runs(self.sentences):
            first = run[0]
            label = labels.get(first.mark) if labels and first.mark else None
            if paired and label is not None and first.shows_english:
                pieces.append((_gap_span(run, label), True))
                continue
            pieces += [(_zh_span(s, self.zh_lang, paired, words), s.zh_lang != "en") for s in run]
            if label is not None:
                pieces[-1] = (pieces[-1][0] + _mark_html(first.mark, label), pieces[-1][1])
        return join_sentences(pieces)


def _runs(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Consecutive sentences with the same mark (and the same side shown)."""
    runs: list[list[Sentence]] = []
    for sentence in sentences:
        key = (sentence.mark, sentence.shows_english)
        if runs and (runs[-1][0].mark, runs[-1][0].shows_english) == key:
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return runs


# The spans are built from safe HTML (``Sentence.en``/``zh``), escaped UI labels and our own
# ids and classes; ``join_sentences`` marks the joined result safe once.

_BRACKET_SPACE_RE = re.compile(r"([(\[])[ \u00a0]+|[ \u00a0]+([)\]])")


def tidy_english(text: str) -> str:
    """No space just inside brackets: a scraped "( Photo: X )" reads "(Photo: X)"."""
    return _BRACKET_SPACE_RE.sub(lambda m: m.group(1) or m.group(2), text)


def _en_span(sentence: Sentence, paired: bool) -> str:
    en = tidy_english(sentence.en)
    if not paired:
        return en
    pair = sentence.pair
    return f'<span class="s" id="{pair}-en" data-pair="{pair}">{en}</span>'


def _zh_span(sentence: Sentence, block_lang: str, paired: bool, words: bool = False) -> str:
    classes = ["s"] if paired else []
    if sentence.state in STATE_CLASSES:
        classes.append(STATE_CLASSES[sentence.state])
    attrs = [f'id="{sentence.pair}-zh" data-pair="{sentence.pair}"'] if paired else []
    if classes:
        attrs.insert(0, f'class="{" ".join(classes)}"')
    if sentence.zh_lang != block_lang:
        attrs.append(f'lang="{sentence.zh_lang}"')
    if sentence.zh_lang == "en":
        text: str = tidy_english(sentence.zh)
    else:
        text = word_breaks(sentence.zh, _icu_locale(sentence.zh_lang)) if words else sentence.zh
    if not attrs:
        return text
    return f"<span {' '.join(attrs)}>{text}</span>"


def _icu_locale(tag: str) -> str:
    return "zh_Hant" if tag == "zh-Hant" else "zh"


def _mark_html(state: str, label: Label) -> str:
    """A run's mark: the short label shown, the long one read by screen readers."""
    return (
        f'<small class="mark mark-{state}" lang="{label.lang}" title="{escape(label.long)}">'
        f'<span aria-hidden="true">{escape(label.short)}</span>'
        f'<span class="vh">{escape(label.long)}</span></small>'
    )


def _gap_span(run: list[Sentence], label: Label) -> str:
    """The bilingual Chinese cell of a run shown in English: one quiet marker, paired."""
    pairs = " ".join(s.pair for s in run)
    state = run[0].mark
    return (
        f'<span class="s gap gap-{state}" id="{run[0].pair}-zh" data-pair="{pairs}" '
        f'lang="{label.lang}" title="{escape(label.long)}">{escape(label.gap or label.long)}</span>'
    )


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
    listed_zh: bool  # reviewed enough for the Chinese feed, sitemap and hreflang
    percent_chinese: float = 0.0  # sentences that read in Chinese
    zh_index: str = LISTED  # LISTED, LISTED_MACHINE or UNLISTED: the Chinese index
    title_zh_english: bool = False  # the Chinese title is the English one

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
    """An article as published: title, body blocks and translation counts.

    ``counts`` are of distinct sentences by state (one definition with ``i18npub status``).
    """

    slug: str
    date: dt.date | None
    byline: str
    source_url: str | None
    title: BlockView
    body: list[BlockView]
    counts: Counter[str]
    chinese: int = 0  # distinct sentences whose Chinese side reads in Chinese

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
    def share_chinese(self) -> float:
        return self.chinese / self.total if self.total else 0.0

    @property
    def fallback_count(self) -> int:
        return self.total - self.chinese

    @property
    def marked(self) -> list[tuple[str, int]]:
        """The marked states with their counts, in mark order."""
        return [(state, self.counts[state]) for state in MARK_ORDER if self.counts[state]]

    def listed_zh(self, settings: PublishSettings) -> bool:
        return self.total > 0 and self.share_approved >= settings.min_approved

    def zh_index(self, settings: PublishSettings) -> str:
        """Whether the Chinese index lists the article: reviewed, machine-translated, or not."""
        if self.listed_zh(settings):
            return LISTED
        machine_ok = settings.policy == "mark-machine" and self.chinese > 0
        if machine_ok and self.share_chinese >= settings.min_approved:
            return LISTED_MACHINE
        return UNLISTED

    def summary(self, settings: PublishSettings) -> Summary:
        lead = next((b for b in self.body if b.kind == "paragraph"), None)
        sentences = lead.sentences[:SUMMARY_SENTENCES] if lead else []
        title = self.title.sentences
        return Summary(
            slug=self.slug,
            date=self.date.isoformat() if self.date else None,
            title_en=tidy_english(" ".join(s.en_text for s in title)),
            title_zh=_zh_plain(title),
            title_zh_lang=self.title.zh_lang,
            title_zh_state=self.title.marks[0] if self.title.marks else APPROVED,
            summary_en=tidy_english(" ".join(s.en_text for s in sentences)),
            summary_zh=[(s.zh_text, s.zh_lang) for s in sentences],
            percent_approved=round(100 * self.share_approved, 1),
            listed_zh=self.listed_zh(settings),
            percent_chinese=round(100 * self.share_chinese, 1),
            zh_index=self.zh_index(settings),
            title_zh_english=self.title.all_english,
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
    seen: dict[Key, Sentence] = {}  # the first occurrence of each distinct sentence
    keys = ArticleKeys.of(article)
    views = [
        _block_view(index, block, entries, settings, seen, keys)
        for index, block in enumerate(article.blocks)
    ]
    title_index = next((i for i, b in enumerate(article.blocks) if b.kind == "title"), None)
    if title_index is None:
        title_block = Block("title", [Segment(article.title)])
        title = _block_view(-1, title_block, entries, settings, seen, keys)
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
        counts=Counter(s.state for s in seen.values()),
        chinese=sum(not s.shows_english for s in seen.values()),
    )


def _block_view(
    index: int,
    block: Block,
    entries: Mapping[Key, POEntry],
    settings: PublishSettings,
    seen: dict[Key, Sentence],
    keys: ArticleKeys,
) -> BlockView:
    sentences = []
    zh_tag = settings.lang_tag
    for number, segment in enumerate(block.segments if block.translatable else [], start=1):
        key = keys.key(block, segment)
        sentence = _sentence(f"b{index}s{number}", segment, entries.get(key), settings, zh_tag)
        seen.setdefault(key, sentence)  # distinct catalog keys, as status counts them
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
    if state in SHOWN_IN_ENGLISH or entry is None:
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
