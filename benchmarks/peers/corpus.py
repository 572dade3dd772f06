"""A generated news corpus: N Markdown articles from real news text, and an edited version.

Sentences come from the English side of the shared WMT22 news test set
(``../shared/corpus/news/wmt22-news-en-zh.jsonl``, read in place: 31 articles, 511 sentences)
or, when it is absent, from the sentences written below. Each sentence used is *varied* so
that the corpus is not 511 sentences repeated: its numbers are redrawn (same digit count) and
two lowercase words of five letters or more and one capitalised word inside the sentence are
swapped for other corpus words of the same shape. Punctuation, abbreviations, quotes and
sentence length stay those of real news; the result reads like news with odd word choices.

An article (about 22 sentences, 3 KB, like the corpus README's target) is YAML front matter
(title, date, slug), a ``#`` headline, paragraphs of 2-4 sentences, one ``##`` subheading,
sometimes a block quote or a short bullet list; a quarter of the paragraphs hold a link and
some a ``**bold**`` phrase.

The edited version changes about ``share`` of the text blocks (paragraphs, list items,
quotes, subheadings; not titles): a number redrawn, a word replaced, a sentence added or a
sentence rewritten, chosen at random with a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WMT = ROOT.parent / "shared" / "corpus" / "news" / "wmt22-news-en-zh.jsonl"
FALLBACK_HEADLINES = [
    "Harbour council backs plan for solar ferries",
    "Tea growers find new buyers abroad",
    "City library opens its photo archive to the public",
    "Rail strike talks resume after weekend of delays",
]
FALLBACK_SENTENCES = [
    "The city council approved the new harbour plan on Tuesday, officials said.",
    "Officials said the ferry would carry 300 passengers a day from next spring.",
    "Exports of green tea rose 12% in the first quarter, the ministry said on Monday.",
    "The library opened its archive of 40,000 photographs to the public last week.",
    "Farmers in the valley expect a strong harvest after the spring rains.",
    "Dr. Chen, who led the study, said more data was needed before any decision.",
    "Tickets go on sale at 9 a.m. on Friday and cost $15 for adults.",
    '"We are ready," the mayor told reporters outside the town hall.',
    "The U.S. Department of Commerce said the figures would be revised in March.",
    "Shares of Acme Co. rose 5% after the company reported higher profits.",
    "Mr. Smith met Ms. Lee at 3 p.m. on Friday to discuss the contract.",
    "The union said its members would vote on the offer by Jan. 15.",
]
_STOPWORDS = """about after again against being because before below between could during every
first other their there these those through under until where which while would should people
years said says"""
STOPWORDS = frozenset(_STOPWORDS.split())
LOWER_WORD = re.compile(r"(?<![\w'’.-])[a-z]{5,}(?![\w'’-])")
CAPITAL_WORD = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{3,}(?![\w'’.-])")
NUMBER = re.compile(r"\d+")
MARKUP = re.compile(r"\[[^\]]*\]\([^)]*\)|\*\*[^*]+\*\*")


@dataclass
class Block:
    """A heading, paragraph, quote or list item: its kind and its sentences."""

    kind: str  # heading | paragraph | quote | item
    sentences: list[str]


@dataclass
class Story:
    """One generated article."""

    number: int
    title: str
    date: dt.date
    blocks: list[Block] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return f"story-{self.number:05d}"

    def markdown(self) -> str:
        """The article as a Markdown file with front matter."""
        lines = [
            "---",
            f"title: {json.dumps(self.title)}",
            f"date: {self.date.isoformat()}",
            f"slug: {self.slug}",
            "---",
            "",
            f"# {self.title}",
            "",
        ]
        previous = ""
        for block in self.blocks:
            if previous == "item" and block.kind != "item":
                lines.append("")
            lines += _block_lines(block)
            previous = block.kind
        return "\n".join(lines).rstrip() + "\n"


def _block_lines(block: Block) -> list[str]:
    text = " ".join(block.sentences)
    if block.kind == "heading":
        return [f"## {text}", ""]
    if block.kind == "quote":
        return [f"> {text}", ""]
    if block.kind == "item":
        return [f"- {text}"]
    return [text, ""]


class Generator:
    """Varied news sentences and articles, deterministic for a seed."""

    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.headlines, self.sentences = source_text()
        words = " ".join(self.sentences)
        self.lower = sorted({w for w in LOWER_WORD.findall(words) if w not in STOPWORDS})
        self.capital = sorted(set(CAPITAL_WORD.findall(words)))
        self.seen: set[str] = set()

    def vary(self, sentence: str) -> str:
        """A new sentence of the same shape: numbers redrawn, three words swapped."""
        for _ in range(8):
            text = NUMBER.sub(self._number, sentence)
            text = self._swap(text, LOWER_WORD, self.lower, 2)
            text = self._swap(text, CAPITAL_WORD, self.capital, 1)
            if text not in self.seen:
                break
        self.seen.add(text)
        return text

    def sentence(self) -> str:
        return self.vary(self.rng.choice(self.sentences))

    def headline(self) -> str:
        return self.vary(self.rng.choice(self.headlines)).rstrip(".")

    def story(self, number: int) -> Story:
        """An article of about 22 sentences (title and subheading included)."""
        story = Story(number, self.headline(), dt.date(2026, 1, 1) + dt.timedelta(number % 365))
        wanted, count, extras = self.rng.randint(18, 21), 0, {"quote", "item"}
        while count < wanted:
            kind = self.rng.choice(["quote", "item", *["paragraph"] * 8])
            if len(story.blocks) == 3:
                story.blocks.append(Block("heading", [self.headline()]))
            if kind in extras:
                extras.discard(kind)
                size = 1 if kind == "quote" else self.rng.randint(2, 3)
                story.blocks += [Block(kind, [self.sentence()]) for _ in range(size)]
                count += size
                continue
            block = Block("paragraph", [self.sentence() for _ in range(self.rng.randint(2, 4))])
            self._decorate(block, number)
            story.blocks.append(block)
            count += len(block.sentences)
        return story

    def edit(self, story: Story, share: float) -> tuple[Story, int]:
        """A copy of ``story`` with about ``share`` of its text blocks edited; and how many."""
        blocks, changed = [], 0
        for block in story.blocks:
            if self.rng.random() < share:
                block, changed = self._edited(block), changed + 1
            blocks.append(block)
        return replace(story, blocks=blocks), changed

    def _edited(self, block: Block) -> Block:
        sentences = list(block.sentences)
        index = self.rng.randrange(len(sentences))
        how = self.rng.choice(["number", "word", "add", "rewrite"])
        if block.kind == "heading":
            how = "word"
        if how == "number" and NUMBER.search(sentences[index]):
            sentences[index] = NUMBER.sub(self._number, sentences[index], count=1)
        elif how in ("number", "word"):
            edited = self._swap(sentences[index], LOWER_WORD, self.lower, 1)
            unchanged = edited == sentences[index]
            sentences[index] = edited + " Officials agreed." if unchanged else edited
        elif how == "add":
            sentences.append(self.sentence())
        else:
            sentences[index] = self.sentence()
        return Block(block.kind, sentences)

    def _number(self, match: re.Match[str]) -> str:
        digits = len(match.group(0))
        return str(self.rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10**digits - 1))

    def _swap(self, text: str, pattern: re.Pattern[str], pool: list[str], count: int) -> str:
        if not pool:
            return text
        protected = [m.span() for m in MARKUP.finditer(text)]
        spots = [
            m.span()
            for m in pattern.finditer(text)
            if m.group(0).lower() not in STOPWORDS
            and not any(a <= m.start() < b for a, b in protected)
        ]
        for start, end in sorted(self.rng.sample(spots, min(count, len(spots))), reverse=True):
            text = text[:start] + self.rng.choice(pool) + text[end:]
        return text

    def _decorate(self, block: Block, number: int) -> None:
        """A link in a quarter of the paragraphs, a bold phrase in some."""
        roll = self.rng.random()
        if roll > 0.4:
            return
        index = self.rng.randrange(len(block.sentences))
        words = list(LOWER_WORD.finditer(block.sentences[index]))
        if not words:
            return
        start, end = self.rng.choice(words).span()
        text = block.sentences[index]
        if roll < 0.25:
            url = f"https://news.example.org/{number}/{self.rng.randint(1, 999)}"
            block.sentences[index] = f"{text[:start]}[{text[start:end]}]({url}){text[end:]}"
        else:
            block.sentences[index] = f"{text[:start]}**{text[start:end]}**{text[end:]}"


def source_text() -> tuple[list[str], list[str]]:
    """(headlines, body sentences) of the WMT22 news documents, or the fallback text."""
    if not WMT.is_file():
        return FALLBACK_HEADLINES, FALLBACK_SENTENCES
    headlines, sentences = [], []
    for line in WMT.read_text(encoding="utf-8").splitlines():
        document = json.loads(line)["sentences_en"]
        headlines.append(document[0])
        sentences += [s for s in document[1:] if len(s.split()) > 3 and s[-1] in ".!?\"”'’"]
    return headlines, sentences


@dataclass
class Corpus:
    """Where the two versions were written, and what the edit changed."""

    original: Path
    edited: Path
    articles: int
    sentences: int
    blocks: int
    changed_blocks: int
    changed_articles: list[str]
    source: str

    @property
    def megabytes(self) -> float:
        return sum(p.stat().st_size for p in self.original.glob("*.md")) / 1e6


def write_corpus(folder: Path, count: int, share: float = 0.05, seed: int = 2026) -> Corpus:
    """Write ``count`` articles to ``folder/original`` and their edit to ``folder/edited``."""
    generator = Generator(seed)
    original, edited = folder / "original", folder / "edited"
    original.mkdir(parents=True)
    edited.mkdir(parents=True)
    sentences = blocks = changed_blocks = 0
    changed_articles = []
    for number in range(count):
        story = generator.story(number)
        new, changed = generator.edit(story, share)
        (original / f"{story.slug}.md").write_text(story.markdown(), encoding="utf-8")
        (edited / f"{story.slug}.md").write_text(new.markdown(), encoding="utf-8")
        sentences += 1 + sum(len(b.sentences) for b in story.blocks)
        blocks += len(story.blocks)
        changed_blocks += changed
        if changed:
            changed_articles.append(f"{story.slug}.md")
    source = "WMT22 news (shared corpus)" if WMT.is_file() else "built-in sentences"
    return Corpus(
        original, edited, count, sentences, blocks, changed_blocks, changed_articles, source
    )


# Stand-in translations ----------------------------------------------------------------------

_KEEP = re.compile(r"\]\([^)]*\)|<[^>]*>|\{\d+\}|`[^`]*`|https?://\S+|^---\n.*", re.S)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_BETWEEN_IDEOGRAPHS = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")


def pseudo_chinese(text: str) -> str:
    """A stand-in Chinese translation: one ideograph per English word, markup kept as is."""
    pieces, position = [], 0
    for match in _KEEP.finditer(text):
        pieces += [_ideographs(text[position : match.start()]), match.group(0)]
        position = match.end()
    pieces.append(_ideographs(text[position:]))
    return "".join(pieces)


def _ideographs(text: str) -> str:
    text = _WORD.sub(lambda m: chr(0x4E00 + zlib.crc32(m.group(0).lower().encode()) % 0x5000), text)
    text = _BETWEEN_IDEOGRAPHS.sub("", text)
    text = re.sub(r"(?<!\d)\.(?!\d)", "。", text)
    return text.replace(", ", "，")
