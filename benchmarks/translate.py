"""Machine translation: requests sent, throughput under latency, translation-memory lookups.

    .venv/bin/python benchmarks/translate.py [--articles 24] [--latency 0.2] [--tm-size 100000]

1. A multi-article corpus with heavy repetition (wire boilerplate, a story quoted by every
   article, each article's own sentences) from the shared WMT22 news corpus (read in place;
   skipped when absent). Counts requests sent against unique sentences, first run and rerun.
2. Throughput against a loopback server that adds ``--latency`` seconds to every request:
   plain deep-translator usage (one request per sentence, in order, per article) against
   i18npub's scheduler (dedup, batching where the provider allows, per-engine concurrency).
3. ``memory`` engine lookups against ``--tm-size`` stored sentences: exact hits, fuzzy hits
   and misses, with the length window against a full rapidfuzz scan.

Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/support/mt_servers.py: the loopback provider servers
try:
    import i18npub  # noqa: F401
except ImportError:  # a checkout without an installed package
    sys.path.insert(0, str(ROOT / "src"))

from i18npub.catalog import read_catalog  # noqa: E402
from i18npub.project import Project  # noqa: E402
from tests.support.corpus import WMT  # noqa: E402
from tests.support.mt_servers import ProviderServer  # noqa: E402

BOILERPLATE = [
    "( Photo: XINHUA NET)",
    "Reporting by the news desk; editing by the world desk.",
    "Our Standards: The Trust Principles.",
    "Sign up for our daily newsletter to get the top stories.",
]


def load_documents() -> list[dict]:
    return [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]


def build_corpus(documents: list[dict], articles: int) -> list[tuple[str, list[str]]]:
    """``articles`` articles: own sentences, a quoted hot story, boilerplate."""
    hot_story = documents[0]["sentences_en"][1:5]
    corpus = []
    for number in range(articles):
        document = documents[1 + number % (len(documents) - 1)]
        start = 1 + (number // (len(documents) - 1)) * 8
        own = document["sentences_en"][start : start + 8]
        corpus.append((f"story-{number:02d}", [*own, *hot_story, *BOILERPLATE]))
    return corpus


def make_project(folder: Path, corpus: list[tuple[str, list[str]]], tables: str) -> Project:
    root = folder / "proj"
    Project.init(root)
    config = root / "i18npub.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('engines = ["memory"]', "engines = []") + tables,
        encoding="utf-8",
    )
    project = Project.open(root)
    for slug, sentences in corpus:
        source = folder / f"{slug}.md"
        body = "\n\n".join(sentences)
        source.write_text(f"---\nslug: {slug}\ntitle: {slug}\n---\n\n{body}\n", encoding="utf-8")
        project.ingest([source])
    return project


def catalog_msgids(project: Project) -> list[list[str]]:
    """The untranslated sentences of each catalog, as a naive pipeline would send them."""
    return [
        [e.msgid for e in read_catalog(project.catalog_path(slug, "zh_CN")).entries if e.msgid]
        for slug in project.slugs()
    ]


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# 1 + 2: requests and throughput ---------------------------------------------------


def baseline_deep_translator(server: ProviderServer, catalogs: list[list[str]]) -> tuple:
    """Plain deep-translator: for each article, translate_batch(its sentences)."""
    from deep_translator import GoogleTranslator

    before = len(server.requests)
    started = time.perf_counter()
    for sentences in catalogs:
        translator = GoogleTranslator(source="en", target="zh-CN")
        translator._base_url = server.url
        translator.translate_batch(sentences)
    return len(server.requests) - before, time.perf_counter() - started


def run_engine(folder: Path, corpus, provider: str, latency: float, extra: str = "") -> list:
    """First run and rerun through i18npub's scheduler; returns result rows."""
    with ProviderServer(provider, delay=latency) as server:
        tables = f'\n[engines.{provider}]\nurl = "{server.url}"\n{extra}'
        project = make_project(folder, corpus, tables)
        rows = []
        for label in ("first run", "rerun: new article, known sentences"):
            if label.startswith("rerun"):  # a new process; an article repeating the first
                title, sentences = corpus[0]
                source = folder / "again.md"
                body = "\n\n".join(sentences)
                source.write_text(f"---\nslug: again\ntitle: {title}\n---\n\n{body}\n")
                project = Project.open(project.root)
                project.ingest([source])
            before = len(server.requests)
            started = time.perf_counter()
            report = project.translate(engines=[provider])
            elapsed = time.perf_counter() - started
            language = report.languages[0]
            rows.append(
                [
                    label,
                    language.untranslated,
                    language.unique,
                    len(server.requests) - before,
                    report.engine(provider).cache_hits,
                    language.filled,
                    f"{elapsed:.2f}",
                    f"{language.untranslated / elapsed:,.0f}",
                ]
            )
    return rows


def requests_and_throughput(documents: list[dict], articles: int, latency: float) -> None:
    corpus = build_corpus(documents, articles)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = make_project(folder / "base", corpus, "")
        catalogs = catalog_msgids(project)
        occurrences = sum(len(c) for c in catalogs)
        unique = len({m for c in catalogs for m in c})
        print(
            f"{articles} articles, {occurrences} sentences to translate, {unique} unique "
            f"({occurrences / unique:.1f}× repetition); server latency {latency * 1000:.0f} ms "
            "per request\n"
        )
        rows = []
        with ProviderServer("google", delay=latency) as server:
            sent, elapsed = baseline_deep_translator(server, catalogs)
        rows.append(
            [
                "deep-translator `GoogleTranslator.translate_batch` per article",
                "every run",
                occurrences,
                unique,
                sent,
                0,
                occurrences,
                f"{elapsed:.2f}",
                f"{occurrences / elapsed:,.1f}",
            ]
        )
        for provider, extra, label in (
            ("google", "", "i18npub `google` (deep-translator, 1 text/request, 4 at once)"),
            ("libre", "", "i18npub `libre` (batches of 25, 2 at once)"),
        ):
            for row in run_engine(folder / provider, corpus, provider, latency, extra):
                rows.append([label, *row])
    header = [
        "client",
        "run",
        "sentences",
        "unique",
        "requests",
        "cache hits",
        "filled",
        "seconds",
        "sentences/s",
    ]
    print(table(header, rows))


# 3: translation memory -----------------------------------------------------------


def memory_lookups(documents: list[dict], size: int, queries: int) -> None:
    from rapidfuzz import fuzz, process

    from i18npub.engines.memory import TranslationMemory

    rng = random.Random(4)
    sentences = [s for d in documents for s in d["sentences_en"] if len(s.split()) > 4]
    vocabulary = sorted({w for s in sentences for w in s.split()})
    stored: list[str] = []
    seen: set[str] = set()
    while len(stored) < size:
        words = rng.choice(sentences).split()
        for _ in range(rng.randint(2, 4)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        text = " ".join(words)
        if text not in seen:
            seen.add(text)
            stored.append(text)
    memory = TranslationMemory()
    started = time.perf_counter()
    for number, text in enumerate(stored):
        memory.add(text, f"译文{number}", "bench")
    memory.lookup("warm up the index", 90)
    build = time.perf_counter() - started

    def near(text: str) -> str:
        words = text.split()
        words[rng.randrange(len(words))] = "harbour"
        return " ".join(words)

    def novel(_: str) -> str:
        return " ".join(rng.sample(vocabulary, 14))

    kinds = {
        "exact hit": [rng.choice(stored) for _ in range(queries)],
        "fuzzy hit (one word changed)": [near(rng.choice(stored)) for _ in range(queries)],
        "miss (unrelated sentence)": [novel("") for _ in range(queries)],
    }
    rows = []
    for kind, texts in kinds.items():
        times, hits = [], 0
        for text in texts:
            started = time.perf_counter()
            hits += memory.lookup(text, 90) is not None
            times.append(time.perf_counter() - started)
        full = []
        for text in texts[: max(10, queries // 5)]:
            started = time.perf_counter()
            process.extractOne(text, stored, scorer=fuzz.ratio, score_cutoff=90)
            full.append(time.perf_counter() - started)
        rows.append(
            [
                kind,
                queries,
                hits,
                f"{statistics.mean(times) * 1000:.2f}",
                f"{sorted(times)[int(len(times) * 0.95)] * 1000:.2f}",
                f"{statistics.mean(full) * 1000:.2f}",
            ]
        )
    print(f"\n{size:,} stored sentences (built in {build:.2f} s), threshold 90\n")
    header = ["query", "queries", "hits", "mean ms", "p95 ms", "full scan mean ms"]
    print(table(header, rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--tm-size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    if not WMT.exists():
        print(f"skipped: {WMT} not present (the shared corpus is optional)")
        return
    documents = load_documents()
    requests_and_throughput(documents, args.articles, args.latency)
    memory_lookups(documents, args.tm_size, args.queries)


if __name__ == "__main__":
    main()
