"""PO edits in the file's own layout, for catalogs laid out by other tools and widths.

Each real catalog of ``../shared/corpus/po`` is first laid out again by a tool (GNU
``msgcat`` at several widths or ``--no-wrap``, polib at several ``wrapwidth``s, Babel's
``write_po``), so the file is entirely in that tool's convention. Then one entry at a time
gets a longer msgstr through ``i18npub.po`` (three edits: Chinese prose, a long Chinese
run without spaces or punctuation, and a URL), and the edited entry is compared with what
the same tool writes for it (the oracle: the tool run on our edited file). Two entries per
catalog, picked at random with the file's path as the seed.

    .venv/bin/python benchmarks/po_layout.py            # about two minutes
        [--only msgcat-w100,polib-w76] [--entries 2]

The catalogs are split by a hash of their path into a development half (the one looked at
while writing the detector) and a held-out half; both are reported.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "po"
sys.path.insert(0, str(ROOT / "src"))

from i18npub.po import parse_po  # noqa: E402

EDITS: dict[str, Callable[[str], str]] = {
    "prose": lambda s: (
        s + "（修订）这是一段追加的译文，用来检查编辑后的换行是否遵循文件自己的约定。"
    ),
    "cjk run": lambda s: s + "这是一个非常长的中文字符串中间没有任何空格也没有任何标点符号" * 3,
    "url": lambda s: (
        s + " 详见 https://example.org/zh-cn/3/library/functions.html#a-long-anchor 。"
    ),
}


def msgcat(*options: str) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        return subprocess.run(
            ["msgcat", *options, "-"], input=data, capture_output=True, check=True
        ).stdout

    return run


def polib_at(width: int) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        import polib

        po = polib.pofile(data.decode("utf-8"), wrapwidth=width)
        return po.__unicode__().encode("utf-8")

    return run


def babel_at(width: int) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        from babel.messages.pofile import read_po, write_po

        out = io.BytesIO()
        write_po(out, read_po(io.BytesIO(data)), width=width)
        return out.getvalue()

    return run


def layouts() -> dict[str, Callable[[bytes], bytes]]:
    table: dict[str, Callable[[bytes], bytes]] = {}
    if shutil.which("msgcat"):
        table |= {
            "msgcat (79)": msgcat(),
            "msgcat -w 76": msgcat("-w", "76"),
            "msgcat -w 100": msgcat("-w", "100"),
            "msgcat --no-wrap": msgcat("--no-wrap"),
        }
    table |= {
        "polib (78)": polib_at(78),
        "polib wrapwidth=79": polib_at(79),
        "polib wrapwidth=76": polib_at(76),
        "Babel write_po (76)": babel_at(76),
    }
    return table


def edited_entry(data: bytes, msgid: str, msgctxt: str | None) -> str:
    entry = parse_po(data.decode("utf-8")).find(msgid, msgctxt)
    return (entry._raw or "") if entry is not None else ""


def held_out(path: Path) -> bool:
    return int(hashlib.sha256(str(path.relative_to(CORPUS)).encode()).hexdigest(), 16) % 2 == 1


def measure(
    make: Callable[[bytes], bytes], files: list[Path], per_file: int
) -> dict[bool, list[int]]:
    """held-out? → [edits in own layout, edits, catalogs with every edit right, catalogs]."""
    counts = {False: [0, 0, 0, 0], True: [0, 0, 0, 0]}
    for path in files:
        data = make(path.read_bytes())
        entries = [
            e
            for e in parse_po(data.decode("utf-8")).entries
            if e.msgid and e.msgid_plural is None and not e.obsolete
        ]
        row = counts[held_out(path)]
        good = True
        for entry in random.Random(str(path.relative_to(CORPUS))).sample(
            entries, min(per_file, len(entries))
        ):
            for edit in EDITS.values():
                po = parse_po(data.decode("utf-8"))
                target = po.find(entry.msgid, entry.msgctxt)
                assert target is not None
                target.msgstr = edit(entry.msgstr)
                ours = po.dumps().encode("utf-8")
                same = edited_entry(ours, entry.msgid, entry.msgctxt) == edited_entry(
                    make(ours), entry.msgid, entry.msgctxt
                )
                row[0] += same
                row[1] += 1
                good &= same
        row[2] += good
        row[3] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated layout name prefixes")
    parser.add_argument("--entries", type=int, default=2, help="entries edited per catalog")
    args = parser.parse_args()
    files = sorted(CORPUS.rglob("*.po"))
    if not files:
        print(f"no catalogs at {CORPUS}; nothing to do")
        return 0
    wanted = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    print(
        "| layout of the catalog | edits in own layout, dev half | held-out half | "
        "catalogs with every edit right (held-out) |"
    )
    print("|---|---:|---:|---:|")
    for name, make in layouts().items():
        if wanted and not any(name.lower().startswith(w) for w in wanted):
            continue
        counts = measure(make, files, args.entries)
        dev, test = counts[False], counts[True]
        print(
            f"| {name} | {dev[0]}/{dev[1]} ({dev[0] / dev[1]:.1%}) | "
            f"{test[0]}/{test[1]} ({test[0] / test[1]:.1%}) | {test[2]}/{test[3]} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
