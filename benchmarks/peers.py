"""The whole job against the peers: i18npub vs po4a, Translate Toolkit and Sphinx + sphinx-intl.

One generated corpus (``benchmarks/peers/corpus.py``: N news articles from the WMT22 English
news text, and an edited version with about 5% of the paragraphs changed) goes through each
tool, in a fresh folder per tool and round, in this order of steps (``peers/tools.py``):
cold extract + catalogs, stand-in translations (not timed), render, no-op rerun, the edit
(not timed), update, render again. Each step runs in its own subprocess
(``peers/child.py``), which reports wall time and peak resident memory. Tools alternate
within a round and rotate between rounds; the tables give medians.

Then cost growth: i18npub (library) on 100 / 1,000 / 10,000 articles, and the peers on the
smallest size, one run each.

    .venv/bin/python benchmarks/peers.py [--articles 1000] [--repeats 3] [--only i18npub,po4a]
        [--scaling 100,1000,10000] [--peer-scaling 100] [--keep DIR]

Needs ``pip install -e '.[bench]'`` (Translate Toolkit with Markdown, Sphinx, sphinx-intl,
myst-parser) and ``apt-get install po4a gettext``; a missing tool is reported and skipped.
Generated data goes to a temporary folder, removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peers.corpus import Corpus, write_corpus  # noqa: E402
from peers.tools import STEPS, Library, Step, Tool, all_tools  # noqa: E402

CHILD = HERE / "peers" / "child.py"
METRICS = ("seconds", "cpu", "rss_mb")
STEP_LABELS = {
    "cold": "cold extract + catalogs",
    "render": "render (translated output)",
    "noop": "no-op rerun (extract + catalogs + render)",
    "update": "update after the 5% edit",
    "rerender": "render after the update",
}


@dataclass
class Runs:
    """One tool's measurements: per metric (seconds, cpu, rss_mb) and step, one value a run."""

    tool: Tool
    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    checks: dict[str, object] = field(default_factory=dict)

    def add(self, step: str, result: dict) -> None:
        for metric in METRICS:
            self.values.setdefault(metric, {}).setdefault(step, []).append(result[metric])

    def median(self, metric: str, step: str) -> float | None:
        values = self.values.get(metric, {}).get(step)
        return statistics.median(values) if values else None

    def seconds(self, step: str) -> float | None:
        return self.median("seconds", step)

    def peak(self, step: str) -> float | None:
        values = self.values.get("rss_mb", {}).get(step)
        return max(values) if values else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(step: Step, work: Path) -> dict:
    """Run one step in a fresh child process; its JSON result (or ``{"error": ...}``)."""
    if isinstance(step, Library):
        spec: dict = {"library": step.project, "actions": list(step.actions)}
    else:
        spec = {"commands": step, "cwd": str(work), "log": str(work / "steps.log")}
    done = subprocess.run(
        [sys.executable, str(CHILD), json.dumps(spec)], capture_output=True, text=True
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"error": f"child failed ({done.returncode}): {done.stderr.strip()[-400:]}"}
    return json.loads(lines[-1])


def apply_edit(corpus: Corpus, target: Path) -> None:
    """Copy the edited articles in, with a modification time in a later second (po4a, -S)."""
    time.sleep(1.1)
    for name in corpus.changed_articles:
        shutil.copyfile(corpus.edited / name, target / name)


def one_pass(tool: Tool, corpus: Corpus, work: Path, runs: Runs, check: bool) -> None:
    """The job once through ``tool`` in a fresh folder ``work``."""
    tool.setup(work, corpus.original)
    for step in STEPS:
        if step == "render":
            entries = tool.fill(work)
            if check:
                runs.checks["entries"] = entries
        if step == "update":
            apply_edit(corpus, tool.content(work))
        result = measure(tool.step(step, work), work)
        if "error" in result:
            runs.errors.append(f"{step}: {result['error']}")
            return
        runs.add(step, result)
        if check and step in ("render", "rerender"):
            runs.checks[f"{step}_outputs"] = output_check(tool, work)
    if check:
        runs.checks.update(review_load(tool, work))


def output_check(tool: Tool, work: Path) -> str:
    """How many translated documents exist, and whether a sample holds Chinese."""
    outputs = tool.outputs(work)
    sample = outputs[len(outputs) // 2].read_text(encoding="utf-8") if outputs else ""
    chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in sample)
    return f"{len(outputs)} documents, sample has {chinese} ideographs"


def review_load(tool: Tool, work: Path) -> dict[str, int]:
    """After the update: entries and English words a translator must look at again."""
    import polib

    entries = review = words = 0
    for path in tool.catalogs(work):
        for entry in polib.pofile(str(path)):
            if not entry.msgid or entry.obsolete:
                continue
            entries += 1
            if entry.fuzzy or not entry.msgstr:
                review += 1
                words += len(entry.msgid.split())
    return {"entries_after": entries, "review_entries": review, "review_words": words}


def run_rounds(
    tools: list[Tool], corpus: Corpus, scratch: Path, repeats: int, keep: bool = False
) -> list[Runs]:
    runs = [Runs(tool) for tool in tools]
    for round_number in range(repeats):
        shift = round_number % len(runs)
        for item in runs[shift:] + runs[:shift]:
            if item.tool.max_rounds and round_number >= item.tool.max_rounds:
                continue
            work = scratch / f"{item.tool.name}-{round_number}"
            log(f"round {round_number + 1}/{repeats}: {item.tool.label}")
            started = time.perf_counter()
            one_pass(item.tool, corpus, work, item, check=round_number == 0)
            log(f"  {time.perf_counter() - started:.1f} s {'; '.join(item.errors)}")
            if not keep:
                shutil.rmtree(work, ignore_errors=True)
    return runs


# Tables -------------------------------------------------------------------------------------


def _cell(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if unit == "s" else f"{value:.0f}"


def step_table(runs: list[Runs], value: Callable[[Runs, str], float | None], unit: str) -> str:
    head = "| step | " + " | ".join(r.tool.label for r in runs) + " |"
    lines = [head, "|---|" + "---:|" * len(runs)]
    for step in STEPS:
        cells = [_cell(value(r, step), unit) for r in runs]
        lines.append(f"| {STEP_LABELS[step]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratio_table(ours: Runs, peers: list[Runs]) -> str:
    """i18npub ÷ peer per step: wall-clock ratio · CPU-time ratio."""
    head = "| step | " + " | ".join(f"÷ {p.tool.label}" for p in peers) + " |"
    lines = [head, "|---|" + "---:|" * len(peers)]
    for step in STEPS:
        cells = []
        for peer in peers:
            pairs = [(ours.median(m, step), peer.median(m, step)) for m in ("seconds", "cpu")]
            ok = all(mine is not None and theirs for mine, theirs in pairs)
            cells.append(" · ".join(f"{m / t:.3f}" for m, t in pairs) if ok else "—")  # type: ignore[operator]
        lines.append(f"| {STEP_LABELS[step]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_table(runs: list[Runs]) -> str:
    lines = [
        "| tool | catalog entries | after the edit: entries to review | words to review "
        "| translated documents (render / after update) |",
        "|---|---:|---:|---:|---|",
    ]
    for r in runs:
        c = r.checks
        lines.append(
            f"| {r.tool.label} | {c.get('entries', '—')} | {c.get('review_entries', '—')} "
            f"| {c.get('review_words', '—')} | {c.get('render_outputs', '—')} / "
            f"{c.get('rerender_outputs', '—')} |"
        )
    return "\n".join(lines)


# Scaling ------------------------------------------------------------------------------------


def scaling(
    tools: list[Tool], sizes: list[int], scratch: Path, main: dict[str, Runs], main_size: int
) -> list[tuple[str, int, Runs]]:
    """One pass per (tool, size); the main run's medians stand for ``main_size``."""
    rows = []
    for size in sizes:
        corpus = None
        for tool in tools:
            if size == main_size and tool.name in main:
                rows.append((tool.label, size, main[tool.name]))
                continue
            if corpus is None:
                log(f"scaling: generating {size:,} articles")
                corpus = write_corpus(scratch / f"corpus-{size}", size)
            log(f"scaling: {tool.label}, {size:,} articles")
            runs = Runs(tool)
            one_pass(tool, corpus, scratch / f"scale-{tool.name}-{size}", runs, check=False)
            shutil.rmtree(scratch / f"scale-{tool.name}-{size}", ignore_errors=True)
            rows.append((tool.label, size, runs))
        if corpus is not None:
            shutil.rmtree(scratch / f"corpus-{size}", ignore_errors=True)
    return rows


def scaling_table(rows: list[tuple[str, int, Runs]]) -> str:
    head = "| tool | articles | " + " | ".join(STEP_LABELS[s] for s in STEPS)
    lines = [head + " | peak MB | ms per article (cold / render / update) |"]
    lines.append("|---|---:|" + "---:|" * (len(STEPS) + 2))
    for label, size, runs in rows:
        cells = [_cell(runs.seconds(s)) for s in STEPS]
        peak = max((runs.peak(s) or 0 for s in STEPS), default=0)
        per = [runs.seconds(s) for s in ("cold", "render", "update")]
        per_cell = " / ".join(f"{1000 * v / size:.2f}" if v else "—" for v in per)
        error = f" ({'; '.join(runs.errors)})" if runs.errors else ""
        lines.append(
            f"| {label}{error} | {size:,} | " + " | ".join(cells) + f" | {peak:.0f} | {per_cell} |"
        )
    return "\n".join(lines)


# Main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.05, help="share of paragraphs edited")
    tools = "i18npub,i18npub-cli,ttk,sphinx,po4a-single,po4a"
    parser.add_argument("--only", default="", help=f"some of {tools}")
    parser.add_argument("--scaling", default="100,1000,10000", help="i18npub sizes ('' = none)")
    parser.add_argument("--peer-scaling", default="100", help="peer sizes ('' = none)")
    parser.add_argument("--keep", type=Path, help="work here and keep everything")
    args = parser.parse_args()
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="i18npub-peers-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        run(args, scratch)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path) -> None:
    wanted = set(filter(None, args.only.split(",")))
    tools, skipped = [], []
    for tool in all_tools():
        if wanted and tool.name not in wanted:
            continue
        reason = tool.missing()
        (skipped.append(f"{tool.label}: {reason}") if reason else tools.append(tool))
    corpus = write_corpus(scratch / "corpus", args.articles, args.share)
    print(
        f"{corpus.articles:,} articles ({corpus.source}), {corpus.sentences:,} sentences, "
        f"{corpus.megabytes:.1f} MB of Markdown; the edit changed {corpus.changed_blocks:,} of "
        f"{corpus.blocks:,} text blocks ({100 * corpus.changed_blocks / corpus.blocks:.1f}%) in "
        f"{len(corpus.changed_articles):,} articles. Median of {args.repeats} runs.\n"
    )
    for line in skipped:
        print(f"- skipped {line}")
    runs = run_rounds(tools, corpus, scratch, args.repeats, keep=bool(args.keep))
    for item in runs:
        for error in item.errors:
            print(f"- {item.tool.label} failed: {error}")
    print("\n#### Wall time (seconds, median)\n")
    print(step_table(runs, Runs.seconds, "s"))
    print("\n#### CPU time, user + system (seconds, median)\n")
    print(step_table(runs, lambda r, step: r.median("cpu", step), "s"))
    peers = [r for r in runs if not r.tool.name.startswith("i18npub")]
    for ours in (r for r in runs if r.tool.name.startswith("i18npub")):
        print(f"\n#### {ours.tool.label} ÷ peer: wall-clock ratio · CPU ratio (< 1: faster)\n")
        print(ratio_table(ours, peers))
    print("\n#### Peak resident memory (MB, largest of the runs)\n")
    print(step_table(runs, Runs.peak, "MB"))
    print("\n#### Catalogs and output (first round)\n")
    print(check_table(runs))
    sizes = [int(s) for s in args.scaling.split(",") if s]
    peer_sizes = [int(s) for s in args.peer_scaling.split(",") if s]
    ours = [t for t in tools if t.name == "i18npub"]
    others = [t for t in tools if not t.name.startswith("i18npub")]
    rows = scaling(ours, sizes, scratch, {r.tool.name: r for r in runs}, args.articles)
    rows += scaling(others, peer_sizes, scratch, {}, args.articles)
    if rows:
        main_rows = [(r.tool.label, args.articles, r) for r in runs if r.tool in others]
        print("\n#### Cost growth (one run per size; the main run's medians at its size)\n")
        print(scaling_table(rows + main_rows))


if __name__ == "__main__":
    main()
