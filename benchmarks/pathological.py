"""Pathological segments: time per step as one sentence grows, and the growth ratio.

A newsroom source can hold a "sentence" of megabytes (a table pasted as one line, numbers
without full stops, an unclosed emphasis). Every step must stay linear in its length: for
each case the source is made at ``size`` and ``2 * size`` characters, ingested, translated
by the ``pseudo`` engine (protection, chunking, PO write) and built; the ratio of the two
times should stay near 2 (quadratic would be 4).

    .venv/bin/python benchmarks/pathological.py [--size 200000] [--cases sentence,numbers]
        [--src OTHER/src]   # e.g. an older commit's `git archive` (the "before" column)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
SRC = Path(__file__).resolve().parents[1] / "src"

WORDS = "the council said prices rose in the region over the past year "


def _sentence(n: int) -> str:
    return "The " + WORDS * (n // len(WORDS)) + "end."


def _numbers(n: int) -> str:
    return "Totals " + " ".join(f"{i},{i % 1000:03d}.5" for i in range(n // 12)) + " end."


def _emphasis(n: int) -> str:
    return "Run *" + WORDS * (n // len(WORDS)) + "* end."


def _emphasis_word(n: int) -> str:
    return "Run *" + "x" * n + "* end."  # one long word (a pasted blob) in emphasis


def _many_emphasis(n: int) -> str:
    return "Run " + "*bold* and " * (n // 11) + "end."


def _chinese(n: int) -> str:
    return "市议会表示该地区物价在过去一年上涨" * (n // 17) + "。"


CASES: dict[str, Callable[[int], str]] = {
    "sentence": _sentence,
    "numbers": _numbers,
    "emphasis": _emphasis,
    "emphasis-word": _emphasis_word,
    "many-emphasis": _many_emphasis,
    "chinese": _chinese,
}


def _time_steps(text: str, folder: Path) -> dict[str, float]:
    from i18npub.project import Project

    project = Project.init(folder / "proj", title="Bench")
    config = project.root / "i18npub.toml"
    config.write_text(config.read_text().replace('engines = ["memory"]', 'engines = ["pseudo"]'))
    source = folder / "story.md"
    source.write_text(f"---\ntitle: A long one\n---\n\n{text}\n", encoding="utf-8")
    project = Project.open(project.root)
    times: dict[str, float] = {}
    started = time.perf_counter()
    [result] = project.ingest([source])
    times["ingest"] = time.perf_counter() - started
    assert result.action == "created", result.message
    started = time.perf_counter()
    project.translate()
    times["translate"] = time.perf_counter() - started
    started = time.perf_counter()
    project.build()
    times["build"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000, help="characters (then doubled)")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--src", type=Path, default=SRC, help="where to import i18npub from")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    import i18npub

    print(f"i18npub from {Path(i18npub.__file__).parent}\n")
    print("| case | chars | ingest s | translate s | build s | total s | ratio at 2x |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.cases.split(","):
        totals = []
        for size in (args.size, 2 * args.size):
            folder = Path(tempfile.mkdtemp(prefix="i18npub-bench-"))
            try:
                text = CASES[name](size)
                times = _time_steps(text, folder)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            total = sum(times.values())
            totals.append(total)
            ratio = f"{totals[1] / totals[0]:.2f}" if len(totals) == 2 else ""
            print(
                f"| {name} | {len(text):,} | {times['ingest']:.2f} | {times['translate']:.2f} "
                f"| {times['build']:.2f} | {total:.2f} | {ratio} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
