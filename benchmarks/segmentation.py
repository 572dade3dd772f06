"""Sentence segmentation: i18npub's splitter against pySBD, Moses, syntok, blingfire, a regex.

Scores every splitter on the shared WMT22 news gold (``shared/corpus/news/sentence-gold.jsonl``,
skipped with a message when absent) and on our hand-labelled cases
(``benchmarks/data/segmentation-cases.jsonl``), times it on one core, and checks that
i18npub's time per sentence stays flat as a paragraph grows.

    .venv/bin/python benchmarks/segmentation.py [--repeats 5] [--only i18npub,blingfire]
        [--errors] [--scaling-all]

Scoring (the gold set's README): a boundary is counted in non-whitespace characters from the
paragraph start; TP/FP/FN are summed over paragraphs for precision, recall and F1; a paragraph
is exact when its predicted boundaries equal the gold ones. ``doubtful`` paragraphs are skipped.
Speed is gold sentences per second: the median over repeats of one pass over all paragraphs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "corpus" / "news" / "sentence-gold.jsonl"
CASES = ROOT / "benchmarks" / "data" / "segmentation-cases.jsonl"
NAIVE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
SCALING_SIZES = (250, 500, 1000, 2000)

Splitter = Callable[[str], list[str]]


@dataclass
class Paragraph:
    text: str
    sentences: list[str]
    quotes_balanced: bool = True


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    paragraphs: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def exact_rate(self) -> float:
        return self.exact / self.paragraphs if self.paragraphs else 0.0


def load_i18npub() -> Splitter:
    """i18npub's splitter, loaded from its file (it is stdlib-only; the package is not needed)."""
    path = ROOT / "src" / "i18npub" / "segment.py"
    spec = importlib.util.spec_from_file_location("i18npub_segment", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.split_sentences


def load_pysbd() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return segmenter.segment


def load_moses() -> Splitter:
    from sentence_splitter import SentenceSplitter

    return SentenceSplitter(language="en").split


def load_syntok() -> Splitter:
    from syntok import segmenter

    def split(text: str) -> list[str]:
        return [
            "".join(token.spacing + token.value for token in sentence).strip()
            for paragraph in segmenter.analyze(text)
            for sentence in paragraph
        ]

    return split


def load_blingfire() -> Splitter:
    import blingfire

    def split(text: str) -> list[str]:
        return blingfire.text_to_sentences(text).split("\n")

    return split


def load_naive() -> Splitter:
    def split(text: str) -> list[str]:
        return NAIVE_RE.split(text)

    return split


LOADERS: dict[str, Callable[[], Splitter]] = {
    "i18npub": load_i18npub,
    "sentence-splitter (Moses)": load_moses,
    "blingfire": load_blingfire,
    "syntok": load_syntok,
    "pysbd": load_pysbd,
    "naive regex": load_naive,
}


def boundaries(sentences: Iterable[str]) -> set[int]:
    """Boundary offsets in non-whitespace characters from the paragraph start."""
    out: set[int] = set()
    count = 0
    for sentence in sentences:
        if count:
            out.add(count)
        count += len("".join(sentence.split()))
    return out


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_gold(path: Path) -> list[Paragraph]:
    return [
        Paragraph(row["text"], row["sentences"], row.get("quotes_balanced", True))
        for row in read_jsonl(path)
        if not row.get("doubtful")
    ]


def load_cases(path: Path) -> list[Paragraph]:
    return [Paragraph(row["text"], row["sentences"]) for row in read_jsonl(path)]


def score(split: Splitter, paragraphs: list[Paragraph], errors: list[str] | None = None) -> Score:
    result = Score()
    for paragraph in paragraphs:
        predicted_sentences = split(paragraph.text)
        predicted = boundaries(predicted_sentences)
        gold = boundaries(paragraph.sentences)
        result.tp += len(predicted & gold)
        result.fp += len(predicted - gold)
        result.fn += len(gold - predicted)
        result.exact += predicted == gold
        result.paragraphs += 1
        if errors is not None and predicted != gold:
            errors.append(f"  gold: {paragraph.sentences}\n  got:  {predicted_sentences}")
    return result


def median_seconds(split: Splitter, texts: list[str], repeats: int) -> float:
    for text in texts[:20]:  # warm up caches and lazy initialisation
        split(text)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for text in texts:
            split(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pin_one_core() -> str:
    """Run on a single CPU so that no splitter uses more than one core."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def evaluate(
    name: str, split: Splitter, paragraphs: list[Paragraph], repeats: int, show_errors: bool
) -> list[str]:
    """One markdown row: precision, recall, F1, exact %, unbalanced-quote F1/exact, sent/s."""
    errors: list[str] | None = [] if show_errors else None
    total = score(split, paragraphs, errors)
    unbalanced = [p for p in paragraphs if not p.quotes_balanced]
    sentences = sum(len(p.sentences) for p in paragraphs)
    seconds = median_seconds(split, [p.text for p in paragraphs], repeats)
    row = [
        name,
        f"{total.precision:.3f}",
        f"{total.recall:.3f}",
        f"{total.f1:.3f}",
        f"{100 * total.exact_rate:.1f}",
    ]
    if unbalanced:
        part = score(split, unbalanced)
        row += [f"{part.f1:.3f}", f"{100 * part.exact_rate:.1f}"]
    row.append(f"{sentences / seconds:,.0f}")
    if errors:
        print(f"\n{name}: {len(errors)} paragraph(s) wrong", file=sys.stderr)
        print("\n".join(errors), file=sys.stderr)
    return row


def table(
    title: str,
    paragraphs: list[Paragraph],
    splitters: dict[str, Splitter | str],
    repeats: int,
    show_errors: bool,
) -> None:
    unbalanced = sum(not p.quotes_balanced for p in paragraphs)
    header = ["splitter", "precision", "recall", "F1", "exact %"]
    if unbalanced:
        header += ["F1 (unbal. quotes)", "exact % (unbal.)"]
    header.append("sentences/s")
    sentences = sum(len(p.sentences) for p in paragraphs)
    gold_boundaries = sum(len(p.sentences) - 1 for p in paragraphs)
    print(f"\n### {title}\n")
    print(
        f"{len(paragraphs)} paragraphs, {sentences} sentences, {gold_boundaries} boundaries"
        + (f"; {unbalanced} paragraphs with unbalanced quotes" if unbalanced else "")
        + "\n"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for name, split in splitters.items():
        if isinstance(split, str):
            print("| " + " | ".join([name, split] + [""] * (len(header) - 2)) + " |")
            continue
        print("| " + " | ".join(evaluate(name, split, paragraphs, repeats, show_errors)) + " |")


def scaling(name: str, split: Splitter, sentences: list[str], repeats: int) -> None:
    """Time per sentence on one paragraph of 250 … 2,000 sentences (should stay flat)."""
    print(f"\n### Scaling: {name}, one paragraph of N sentences\n")
    print("| N sentences | characters | ms per paragraph | µs per sentence |")
    print("|---:|---:|---:|---:|")
    per_sentence = []
    for size in SCALING_SIZES:
        text = " ".join(sentences[i % len(sentences)] for i in range(size))
        seconds = median_seconds(split, [text], repeats)
        per_sentence.append(seconds / size)
        print(f"| {size:,} | {len(text):,} | {1e3 * seconds:.2f} | {1e6 * seconds / size:.2f} |")
    ratio = per_sentence[-1] / per_sentence[0]
    print(f"\nµs per sentence at {SCALING_SIZES[-1]:,} / at {SCALING_SIZES[0]}: {ratio:.2f}")


WORD_LISTS = (
    *("_TITLES", "_NUMBER_PREFIXES", "_AMBIGUOUS", "_WEAK", "_WEAK_CONTINUATIONS"),
    *("_STARTERS", "_SAINT_AFTER", "_LOWER_SPECIAL"),
)


def cross_validate(path: Path) -> str:
    """Leave-one-document-out on the gold: a word of the segmenter's lists that helps no
    document but the held-out one is dropped in that document's fold (as if the lists had
    been written without it). Words of the general abbreviation list
    (``segment.GENERAL_ABBREVIATIONS``, written from general knowledge of English, not from
    this corpus) are prior knowledge and kept; the strict variant drops them too."""
    from i18npub import segment

    rows = [row for row in read_jsonl(path) if not row.get("doubtful")]
    docs = [row["doc"] for row in rows]
    paragraphs = [Paragraph(row["text"], row["sentences"]) for row in rows]
    split = segment.split_sentences

    def errors(index: int) -> int:
        predicted = boundaries(split(paragraphs[index].text))
        return len(predicted ^ boundaries(paragraphs[index].sentences))

    base = [errors(i) for i in range(len(rows))]
    helped: dict[tuple[str, str], str] = {}
    for name in WORD_LISTS:
        words = getattr(segment, name)
        for word in sorted(words):
            setattr(segment, name, words - {word})
            try:
                worse = {docs[i] for i in range(len(rows)) if errors(i) > base[i]}
            finally:
                setattr(segment, name, words)
            if len(worse) == 1:
                helped[(name, word)] = next(iter(worse))
    prior = segment.GENERAL_ABBREVIATIONS
    fitted = {key: doc for key, doc in helped.items() if key[1] not in prior}

    def folds(single: dict[tuple[str, str], str]) -> Score:
        total = Score()
        for doc in sorted(set(docs)):
            dropped = [key for key, where in single.items() if where == doc]
            saved = {name: getattr(segment, name) for name, _ in dropped}
            for name, word in dropped:
                setattr(segment, name, getattr(segment, name) - {word})
            try:
                part = score(split, [p for p, d in zip(paragraphs, docs, strict=True) if d == doc])
            finally:
                for name, words in saved.items():
                    setattr(segment, name, words)
            total.tp, total.fp, total.fn = (
                total.tp + part.tp,
                total.fp + part.fp,
                total.fn + part.fn,
            )
            total.exact += part.exact
            total.paragraphs += part.paragraphs
        return total

    lines = [
        f"\n### Leave-one-document-out ({len(set(docs))} documents)\n",
        "| i18npub | precision | recall | F1 | exact % |",
        "|---|---:|---:|---:|---:|",
    ]
    results = (
        ("shared set", score(split, paragraphs)),
        ("cross-validated, general list as prior", folds(fitted)),
        ("cross-validated, strict (every list word droppable)", folds(helped)),
    )
    for label, result in results:
        lines.append(
            f"| {label} | {result.precision:.3f} | {result.recall:.3f} | {result.f1:.3f} | "
            f"{100 * result.exact_rate:.1f} |"
        )
    lines.append("\nList words that help a single document (dropped in its fold):")
    for (name, word), doc in helped.items():
        note = " (general list: kept unless strict)" if word in prior else ""
        lines.append(f"- `{word}` ({name}): {doc}{note}")
    if not helped:
        lines.append("- none")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (median)")
    parser.add_argument("--only", help="comma-separated splitter names (prefix match)")
    parser.add_argument("--errors", action="store_true", help="print wrong paragraphs")
    parser.add_argument("--scaling-all", action="store_true", help="scaling check for all")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--cv", action="store_true", help="leave-one-document-out (i18npub)")
    args = parser.parse_args(argv)
    if args.cv:
        if not args.gold.exists():
            print(f"{args.gold} not found: nothing to cross-validate.")
            return 0
        print(cross_validate(args.gold))
        return 0

    print(f"Python {sys.version.split()[0]}, {pin_one_core()}, median of {args.repeats} runs")
    wanted = [w.strip().lower() for w in args.only.split(",")] if args.only else None
    splitters: dict[str, Splitter | str] = {}
    for name, loader in LOADERS.items():
        if wanted and not any(name.lower().startswith(w) for w in wanted):
            continue
        try:
            splitters[name] = loader()
        except ImportError as error:
            splitters[name] = f"not installed ({error.name})"

    corpus_sentences: list[str] = []
    if args.gold.exists():
        gold = load_gold(args.gold)
        corpus_sentences = [s for p in gold for s in p.sentences]
        table("WMT22 news gold (shared corpus)", gold, splitters, args.repeats, args.errors)
    else:
        print(f"\n{args.gold} not found: skipping the shared gold set (it is optional).")
    cases = load_cases(args.cases)
    table("Hand-labelled hard cases", cases, splitters, args.repeats, args.errors)

    corpus_sentences = corpus_sentences or [s for p in cases for s in p.sentences]
    for name, split in splitters.items():
        if isinstance(split, str) or (name != "i18npub" and not args.scaling_all):
            continue
        scaling(name, split, corpus_sentences, max(3, args.repeats // 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
