"""HTML article extraction: i18npub's ``read_html`` against the usual extractors.

Scores every extractor on the shared news pages (``shared/corpus/pages``) with the
benchmark's token 4-shingle metric (see that folder's README) and times it.

    .venv/bin/python benchmarks/extraction.py [--repeats 3] [--only i18npub,trafilatura]
        [--pages DIR] [--per-page]

English pages (``lang == en`` in manifest.tsv) are reported first, then all pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# newspaper4k's tldextract would otherwise try to download the suffix list on first use.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "corpus" / "pages"
TOKEN_RE = re.compile(r"\w+")
STOPLISTS = {"en": "English", "de": "German", "pt": "Portuguese"}

try:
    from i18npub.ingest.html import read_html
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(ROOT / "src"))
    from i18npub.ingest.html import read_html

from i18npub.article import PLACEHOLDER_RE  # noqa: E402
from i18npub.ingest.base import IngestError, RawBlock  # noqa: E402


@dataclass
class Page:
    """One benchmark page: its id, language, HTML, URL and gold body."""

    id: str
    lang: str
    html: str
    url: str
    gold: str


Extractor = Callable[[Page], str]


# ---------------------------------------------------------------- scoring


def tokens(text: str) -> list[str]:
    """Maximal runs of word characters, case kept."""
    return TOKEN_RE.findall(text)


def shingles(words: list[str]) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token windows (one shingle for 1-3 tokens, none for 0)."""
    if not words:
        return Counter()
    if len(words) < 4:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def score_page(predicted: str, gold: str) -> tuple[float | None, float, bool]:
    """Page precision (None for empty output), recall, and exact token match."""
    pred_words, gold_words = tokens(predicted), tokens(gold)
    pred, ref = shingles(pred_words), shingles(gold_words)
    tp = sum((pred & ref).values())
    n_pred, n_ref = sum(pred.values()), sum(ref.values())
    precision = tp / n_pred if n_pred else None
    recall = tp / n_ref if n_ref else 0.0
    return precision, recall, pred_words == gold_words


def page_f1(precision: float | None, recall: float) -> float:
    """F1 of one page (0 for empty output)."""
    if not precision or not recall:
        return 0.0
    return 2 * precision * recall / (precision + recall)


@dataclass
class Summary:
    """Aggregate scores of one extractor over a set of pages."""

    precision: float
    recall: float
    f1: float
    empty: int
    below_half: int
    exact: float
    pages: int


def summarize(results: list[tuple[float | None, float, bool]]) -> Summary:
    """Mean precision over non-empty pages, mean recall over all, F1 of the two means."""
    precisions = [p for p, _, _ in results if p is not None]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(r for _, r, _ in results)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Summary(
        precision=precision,
        recall=recall,
        f1=f1,
        empty=sum(p is None for p, _, _ in results),
        below_half=sum(page_f1(p, r) < 0.5 for p, r, _ in results),
        exact=sum(e for _, _, e in results) / len(results),
        pages=len(results),
    )


# ---------------------------------------------------------------- corpus


def load_pages(folder: Path) -> list[Page]:
    """The pages of the shared corpus, in manifest order."""
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    lines = (folder / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        page_id, lang, *_ = line.split("\t")
        raw = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        record = gold[page_id]
        pages.append(
            Page(
                page_id, lang, raw.decode("utf-8", "replace"), record["url"], record["articleBody"]
            )
        )
    return pages


# ---------------------------------------------------------------- extractors


def i18npub_body(page: Page) -> str:
    """Body blocks only: no title (never a block) and no captions."""
    return _i18npub_text(page, with_extras=False)


def i18npub_all(page: Page) -> str:
    """Everything read_html returned, headline and captions included."""
    return _i18npub_text(page, with_extras=True)


def i18npub_no_names(page: Page) -> str:
    """Body blocks with the class/id name vocabulary switched off (tags, roles, ``hidden``
    and text statistics only): how the extractor fares on templates it has no words for."""
    from i18npub.ingest import html as module

    original = module._class_hints
    module._class_hints = lambda classes: (0, 0.0, original(classes)[2])  # keep captions
    try:
        return _i18npub_text(page, with_extras=False)
    finally:
        module._class_hints = original


def _i18npub_text(page: Page, with_extras: bool) -> str:
    try:
        draft = read_html(page.html, url=page.url, source=page.id[:12])
    except IngestError:
        return ""
    parts = [draft.title] if with_extras else []
    for block in draft.blocks:
        if block.kind == "code":
            parts.append(block.code)
        elif with_extras or block.kind != "caption":
            parts.append(plain_text(block))
    return "\n\n".join(parts)


def plain_text(block: RawBlock) -> str:
    """A block's text with placeholders removed and inline code put back."""

    def replace(match: re.Match[str]) -> str:
        _, number, atomic = match.groups()
        inline = block.markup[int(number) - 1]
        return inline.attr("text") if atomic and inline.kind == "code" else ""

    return PLACEHOLDER_RE.sub(replace, block.text)


def all_visible_text(page: Page) -> str:
    """Every text node of <body> outside script, style and similar."""
    import lxml.html

    tree = lxml.html.document_fromstring(page.html)
    for element in list(tree.iter("script", "style", "noscript", "template", "head")):
        element.drop_tree()
    return " ".join(tree.text_content().split())


def trafilatura_extractor(**options: bool) -> Extractor:
    """trafilatura.extract with the given options."""
    import trafilatura

    def run(page: Page) -> str:
        return trafilatura.extract(page.html, url=page.url, **options) or ""

    return run


def readability_extractor(page: Page) -> str:
    """readability-lxml's summary, as text with block breaks."""
    import lxml.html
    from readability import Document

    summary = Document(page.html, url=page.url).summary(html_partial=True)
    if not summary.strip():
        return ""
    return _html_text(lxml.html.fragment_fromstring(summary, create_parent="div"))


def _html_text(root: object) -> str:
    """Text of an lxml element with breaks between block elements."""
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "br", "blockquote"}
    for element in root.iter():  # type: ignore[attr-defined]
        if element.tag in blocks:
            element.tail = "\n" + (element.tail or "")
    return root.text_content()  # type: ignore[attr-defined]


def newspaper_extractor(page: Page) -> str:
    """newspaper4k's article text from the given HTML (no download)."""
    from newspaper import Article

    article = Article(
        page.url or "https://example.invalid/", language=page.lang, fetch_images=False
    )
    article.download(input_html=page.html)
    article.parse()
    return article.text


def justext_extractor(page: Page) -> str:
    """jusText's non-boilerplate paragraphs, with the page language's stoplist."""
    import justext

    stoplist = justext.get_stoplist(STOPLISTS.get(page.lang, "English"))
    paragraphs = justext.justext(page.html.encode("utf-8"), stoplist, encoding="utf-8")
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def extractors() -> dict[str, tuple[Extractor | None, str]]:
    """Name → (extractor or None when not installed, note)."""
    table: dict[str, tuple[Extractor | None, str]] = {
        "i18npub read_html (body)": (i18npub_body, ""),
        "i18npub read_html (+title, captions)": (i18npub_all, ""),
        "i18npub read_html (body, class/id names ignored)": (i18npub_no_names, ""),
    }
    checks = {
        "trafilatura": "trafilatura",
        "readability-lxml": "readability",
        "newspaper4k": "newspaper",
        "jusText": "justext",
    }
    available = {name: _importable(module) for name, module in checks.items()}
    if available["trafilatura"]:
        table["trafilatura (default)"] = (trafilatura_extractor(), "")
        table["trafilatura (no comments)"] = (trafilatura_extractor(include_comments=False), "")
        table["trafilatura (favor_precision)"] = (
            trafilatura_extractor(favor_precision=True, include_comments=False),
            "",
        )
        table["trafilatura (favor_recall)"] = (
            trafilatura_extractor(favor_recall=True, include_comments=False),
            "",
        )
    else:
        table["trafilatura"] = (None, "not installed")
    for name, func in (
        ("readability-lxml", readability_extractor),
        ("newspaper4k", newspaper_extractor),
        ("jusText", justext_extractor),
    ):
        table[name] = (func, "") if available[name] else (None, "not installed")
    table["all visible text"] = (all_visible_text, "")
    return table


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------- running


@dataclass
class Run:
    """One extractor's outputs on all pages, its speed and its crashes."""

    outputs: list[str]
    wall_rate: float  # pages per second of wall-clock time, median over repeats
    cpu_rate: float  # pages per second of this process's CPU time, median over repeats
    crashes: int


def run_extractor(func: Extractor, pages: list[Page], repeats: int) -> Run:
    """Run ``func`` over all pages ``repeats`` times; a crash scores the page as empty."""
    outputs: list[str] = []
    wall, cpu = [], []
    crashes = 0
    for _ in range(repeats):
        outputs, crashes = [], 0
        start, start_cpu = time.perf_counter(), time.process_time()
        for page in pages:
            try:
                outputs.append(func(page))
            except Exception:
                outputs.append("")
                crashes += 1
        wall.append(len(pages) / (time.perf_counter() - start))
        cpu.append(len(pages) / max(time.process_time() - start_cpu, 1e-9))
    return Run(outputs, statistics.median(wall), statistics.median(cpu), crashes)


def table_row(name: str, outputs: list[str], pages: list[Page], run: Run) -> str:
    """One Markdown row for the pages given."""
    summary = summarize(
        [score_page(out, page.gold) for out, page in zip(outputs, pages, strict=True)]
    )
    return (
        f"| {name} | {summary.precision:.3f} | {summary.recall:.3f} | **{summary.f1:.3f}** | "
        f"{summary.empty} | {summary.below_half} | {summary.exact:.0%} | "
        f"{run.wall_rate:,.0f} | {run.cpu_rate:,.0f} |"
    )


HEADER = (
    "| extractor | precision | recall | F1 | empty | F1 < 0.5 | exact | pages/s | pages/s (CPU) |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=PAGES, help="the shared pages folder")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats (median)")
    parser.add_argument("--only", default="", help="comma-separated name prefixes to run")
    parser.add_argument("--per-page", action="store_true", help="print per-page F1")
    args = parser.parse_args(argv)
    if not (args.pages / "manifest.tsv").exists():
        print(f"no corpus at {args.pages}; nothing to do")
        return 0
    pages = load_pages(args.pages)
    english = [i for i, page in enumerate(pages) if page.lang == "en"]
    wanted = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    sections: dict[str, list[str]] = {"en": [], "all": []}
    per_page: dict[str, list[float]] = {}
    for name, (func, note) in extractors().items():
        if wanted and not any(name.lower().startswith(w) for w in wanted):
            continue
        if func is None:
            row = f"| {name} | {note} | | | | | | | |"
            sections["en"].append(row)
            sections["all"].append(row)
            continue
        run = run_extractor(func, pages, args.repeats)
        label = f"{name} ({run.crashes} crashed)" if run.crashes else name
        en_pages = [pages[i] for i in english]
        en_outputs = [run.outputs[i] for i in english]
        sections["en"].append(table_row(label, en_outputs, en_pages, run))
        sections["all"].append(table_row(label, run.outputs, pages, run))
        per_page[name] = [
            page_f1(*score_page(o, p.gold)[:2]) for o, p in zip(run.outputs, pages, strict=True)
        ]
        print(f"done: {name}", file=sys.stderr)
    print(f"### English pages ({len(english)}; speed measured on all pages)\n\n{HEADER}")
    print("\n".join(sections["en"]))
    print(f"\n### All pages ({len(pages)})\n\n{HEADER}")
    print("\n".join(sections["all"]))
    if args.per_page:
        names = list(per_page)
        print("\n| page | lang | " + " | ".join(names) + " |")
        for i, page in enumerate(pages):
            cells = " | ".join(f"{per_page[n][i]:.2f}" for n in names)
            print(f"| {page.id[:8]} | {page.lang} | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
