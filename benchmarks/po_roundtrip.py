"""PO catalogs: does load+save keep the bytes, does one edit touch only its entry, how fast.

Compares i18npub.po with polib, Babel, translate-toolkit and GNU msgcat on the shared
corpus of real zh_CN catalogs (``../shared/corpus/po``, read in place). For each file:

* round trip: load and save without changes; identical bytes or not;
* edit: change the msgstr of the middle (non-plural) entry to a longer text, save, and count
  the *other* entries whose text changed (entries are matched by msgctxt+msgid; the header
  counts) and the lines removed plus added (multiset difference). msgcat cannot edit: it is
  run on the file as edited by i18npub;
* speed: load+save (no edit) of the largest file and of all files, medians of ``--runs``
  runs with the tools interleaved (so that load from other jobs hits all alike).

New catalog write (``--write-only`` for this part alone): the 511 English sentences of the
WMT22 news corpus (``../shared/corpus/news``) with their Chinese reference translations as
new entries, written as a template (msgid, reference) and a catalog (msgid, msgstr,
reference), as ``i18npub ingest`` does; microseconds per entry written. i18npub also
without its fast layout path and cache (the reference emulation it checks against),
and per string: an English msgid, a Chinese msgstr.

Run from the repository root::

    .venv/bin/pip install translate-toolkit   # once; polib and Babel are dependencies
    .venv/bin/python benchmarks/po_roundtrip.py --runs 11
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# benchmarks/translate.py would hide translate-toolkit's ``translate`` package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT / "src"))

from i18npub.po import POEntry, new_po, parse_po  # noqa: E402
from i18npub.po import layout as po_layout  # noqa: E402
from i18npub.po import write as po_write  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "po"
NEWS = ROOT.parent / "shared" / "corpus" / "news" / "wmt22-news-en-zh.jsonl"
ADDED = (
    "（修订）这是一段追加的译文，用来检查编辑后的换行是否遵循文件自己的约定，"
    "并且不改动其他任何条目。"
)

RoundTrip = Callable[[Path], bytes]
Edit = Callable[[Path, "Target"], bytes]


@dataclass
class Target:
    """The entry edited in one file."""

    msgctxt: str | None
    msgid: str
    msgstr: str


@dataclass
class Tool:
    name: str
    roundtrip: RoundTrip
    edit: Edit


# --- the tools ---------------------------------------------------------------------------


def ours_roundtrip(path: Path) -> bytes:
    return parse_po(path.read_bytes().decode("utf-8"), str(path)).dumps().encode("utf-8")


def ours_edit(path: Path, target: Target) -> bytes:
    po = parse_po(path.read_bytes().decode("utf-8"), str(path))
    entry = po.find(target.msgid, target.msgctxt)
    assert entry is not None
    entry.msgstr = target.msgstr
    return po.dumps().encode("utf-8")


def polib_tool() -> Tool:
    import polib

    def roundtrip(path: Path) -> bytes:
        po = polib.pofile(str(path))
        return po.__unicode__().encode(po.encoding)

    def edit(path: Path, target: Target) -> bytes:
        po = polib.pofile(str(path))
        entry = po.find(target.msgid, msgctxt=target.msgctxt)
        entry.msgstr = target.msgstr
        return po.__unicode__().encode(po.encoding)

    return Tool("polib", roundtrip, edit)


def babel_tool() -> Tool:
    from babel.messages.pofile import read_po, write_po

    def save(catalog: object) -> bytes:
        out = io.BytesIO()
        write_po(out, catalog)
        return out.getvalue()

    def roundtrip(path: Path) -> bytes:
        with path.open("rb") as handle:
            return save(read_po(handle))

    def edit(path: Path, target: Target) -> bytes:
        with path.open("rb") as handle:
            catalog = read_po(handle)
        catalog.get(target.msgid, context=target.msgctxt).string = target.msgstr
        return save(catalog)

    return Tool("Babel", roundtrip, edit)


def translate_toolkit_tool() -> Tool:
    from translate.storage import po as ttpo  # translate.storage.po.pofile

    def roundtrip(path: Path) -> bytes:
        return bytes(ttpo.pofile(path.read_bytes()))

    def edit(path: Path, target: Target) -> bytes:
        store = ttpo.pofile(path.read_bytes())
        for unit in store.units:
            if unit.source == target.msgid and (unit.getcontext() or None) == target.msgctxt:
                unit.target = target.msgstr
                break
        return bytes(store)

    return Tool("translate-toolkit", roundtrip, edit)


def msgcat_tool(msgcat: str) -> Tool:
    def run(data: bytes) -> bytes:
        return subprocess.run([msgcat, "-"], input=data, capture_output=True, check=True).stdout

    def roundtrip(path: Path) -> bytes:
        return run(path.read_bytes())

    def edit(path: Path, target: Target) -> bytes:
        return run(ours_edit(path, target))

    return Tool("msgcat (GNU 0.21)", roundtrip, edit)


def available_tools() -> tuple[list[Tool], list[str]]:
    tools = [Tool("i18npub.po", ours_roundtrip, ours_edit)]
    missing = []
    for name, factory in (
        ("polib", polib_tool),
        ("Babel", babel_tool),
        ("translate-toolkit", translate_toolkit_tool),
    ):
        try:
            tools.append(factory())
        except ImportError:
            missing.append(name)
    msgcat = shutil.which("msgcat")
    if msgcat:
        tools.append(msgcat_tool(msgcat))
    else:
        missing.append("msgcat")
    return tools, missing


# --- measures ----------------------------------------------------------------------------


def pick_target(path: Path) -> Target:
    """The middle non-plural, non-obsolete entry, with a longer translation."""
    po = parse_po(path.read_bytes().decode("utf-8"), str(path))
    candidates = [e for e in po.entries if e.msgid_plural is None and not e.obsolete]
    entry = candidates[len(candidates) // 2]
    return Target(entry.msgctxt, entry.msgid, entry.msgstr + ADDED)


def entry_texts(data: bytes) -> dict[tuple[str | None, str], str]:
    po = parse_po(data.decode("utf-8"))
    entries: list[POEntry] = [e for e in (po.header, *po.entries) if e is not None]
    return {(e.msgctxt, e.msgid): e._raw or "" for e in entries}


def edited_entry(data: bytes, target: Target) -> str:
    entry = parse_po(data.decode("utf-8")).find(target.msgid, target.msgctxt)
    return (entry._raw or "") if entry is not None else ""


def conventional(path: Path, original: bytes, edited: bytes, target: Target) -> str | None:
    """The edited entry as the file's own toolchain writes it (None: no oracle here).

    Django: what msgcat makes of it; Python docs: polib (textwrap, 78); Sphinx: the
    original lines with the msgstr on one line (Transifex leaves its msgstr unwrapped).
    """
    if "django" in path.parts:
        msgcat = shutil.which("msgcat")
        if msgcat is None:
            return None
        out = subprocess.run([msgcat, "-"], input=edited, capture_output=True, check=True)
        return edited_entry(out.stdout, target)
    if "python-docs-zh-cn" in path.parts:
        import polib

        entry = parse_po(original.decode("utf-8")).find(target.msgid, target.msgctxt)
        assert entry is not None
        rendered = polib.POEntry(
            msgid=entry.msgid,
            msgstr=target.msgstr,
            msgctxt=entry.msgctxt,
            occurrences=[tuple(ref.rsplit(":", 1)) for ref in entry.references],
            flags=entry.flags,
            tcomment="\n".join(entry.translator_comments),
            comment="\n".join(entry.extracted_comments),
        ).__unicode__(wrapwidth=78)
        return rendered.rstrip("\n") + "\n"
    if "sphinx" in path.parts:
        raw = edited_entry(original, target)
        escaped = target.msgstr.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return raw[: raw.index("msgstr ")] + f'msgstr "{escaped}"\n'
    return None


def other_entries_changed(before: bytes, after: bytes, target: Target) -> int:
    old, new = entry_texts(before), entry_texts(after)
    edited = (target.msgctxt, target.msgid)
    return sum(1 for key, text in old.items() if key != edited and new.get(key) != text)


def lines_changed(before: bytes, after: bytes) -> int:
    old = Counter(before.decode("utf-8").splitlines())
    new = Counter(after.decode("utf-8").splitlines())
    return sum(((old - new) + (new - old)).values())


@dataclass
class Result:
    tool: str
    identical: int = 0
    conventional: int = 0
    others_changed: int = 0
    lines: int = 0
    largest_ms: float = 0.0
    all_s: float = 0.0


def fidelity(tool: Tool, files: list[Path], targets: dict[Path, Target]) -> Result:
    result = Result(tool.name)
    for path in files:
        original = path.read_bytes()
        result.identical += tool.roundtrip(path) == original
        edited = tool.edit(path, targets[path])
        result.others_changed += other_entries_changed(original, edited, targets[path])
        expected = conventional(path, original, edited, targets[path])
        result.conventional += expected == edited_entry(edited, targets[path])
        result.lines += lines_changed(original, edited)
    return result


def timings(tools: list[Tool], files: list[Path], runs: int) -> dict[str, tuple[float, float]]:
    """Median load+save time of the largest file and of all files, tools interleaved."""
    largest = max(files, key=lambda p: p.stat().st_size)
    big: dict[str, list[float]] = {tool.name: [] for tool in tools}
    whole: dict[str, list[float]] = {tool.name: [] for tool in tools}
    for _ in range(runs):
        for tool in tools:
            big[tool.name].append(elapsed(lambda t=tool: t.roundtrip(largest)))
            whole[tool.name].append(elapsed(lambda t=tool: [t.roundtrip(p) for p in files]))
    return {name: (statistics.median(big[name]), statistics.median(whole[name])) for name in big}


def elapsed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def table(results: list[Result], files: list[Path]) -> str:
    largest = max(files, key=lambda p: p.stat().st_size)
    rows = [
        f"| tool | byte-identical load+save (of {len(files)}) "
        "| edited entry in the file's own layout "
        "| other entries changed by one edit per file | lines changed by the edits "
        f"| load+save largest file ({largest.stat().st_size // 1000} kB), ms "
        "| load+save all files, s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r.tool} | {r.identical} | {r.conventional} | {r.others_changed:,} | {r.lines:,} "
            f"| {r.largest_ms:.1f} | {r.all_s:.2f} |"
        )
    return "\n".join(rows)


# --- new catalog write -------------------------------------------------------------------

NewEntry = tuple[str, str, str]  # reference, English msgid, Chinese msgstr
Build = Callable[[list[NewEntry]], object]  # entries -> template and catalog objects
Write = Callable[[object], object]  # those objects -> their text


def news_entries() -> list[NewEntry]:
    entries = []
    with NEWS.open(encoding="utf-8") as handle:
        for line in handle:
            document = json.loads(line)
            for i, (en, zh) in enumerate(
                zip(document["sentences_en"], document["ref_zh_a"], strict=True)
            ):
                entries.append((f"{document['id']}:{i}", en, zh))
    return entries


def ours_build(entries: list[NewEntry]) -> object:
    template, catalog = new_po(), new_po()
    for ref, en, zh in entries:
        template.append(POEntry(msgid=en, references=[ref]))
        catalog.append(POEntry(msgid=en, msgstr=zh, references=[ref]))
    return template, catalog


def ours_write(built: object) -> object:
    po_layout.LINES_CACHE.clear()  # every run lays every string out afresh
    return tuple(po.dumps() for po in built)  # type: ignore[attr-defined]


@contextlib.contextmanager
def exact_layout() -> Iterator[None]:
    """i18npub without the fast layout path and its cache: the reference emulation."""
    fast = po_write.gnu_lines
    po_write.gnu_lines = po_layout.gnu_lines_exact  # type: ignore[assignment]
    try:
        yield
    finally:
        po_write.gnu_lines = fast  # type: ignore[assignment]


def exact_write(built: object) -> object:
    with exact_layout():
        return ours_write(built)


def polib_build(entries: list[NewEntry]) -> object:
    import polib

    template, catalog = polib.POFile(), polib.POFile()
    for ref, en, zh in entries:
        where = [tuple(ref.rsplit(":", 1))]
        template.append(polib.POEntry(msgid=en, occurrences=where))
        catalog.append(polib.POEntry(msgid=en, msgstr=zh, occurrences=where))
    return template, catalog


def polib_write(built: object) -> object:
    return tuple(po.__unicode__() for po in built)  # type: ignore[attr-defined]


def babel_build(entries: list[NewEntry]) -> object:
    from babel.messages.catalog import Catalog

    template, catalog = Catalog(), Catalog(locale="zh_CN")
    for ref, en, zh in entries:
        name, line = ref.rsplit(":", 1)
        template.add(en, locations=[(name, int(line))])
        catalog.add(en, zh, locations=[(name, int(line))])
    return template, catalog


def babel_write(built: object) -> object:
    from babel.messages.pofile import write_po

    out = []
    for catalog in built:  # type: ignore[attr-defined]
        out.append(io.BytesIO())
        write_po(out[-1], catalog)
    return out


def translate_toolkit_build(entries: list[NewEntry]) -> object:
    from translate.storage import po as ttpo

    template, catalog = ttpo.pofile(), ttpo.pofile()
    for ref, en, zh in entries:
        template.addsourceunit(en).addlocation(ref)
        unit = catalog.addsourceunit(en)
        unit.target = zh
        unit.addlocation(ref)
    return template, catalog


def translate_toolkit_write(built: object) -> object:
    return tuple(bytes(store) for store in built)  # type: ignore[attr-defined]


def string_timings(entries: list[NewEntry], runs: int) -> dict[str, list[list[float]]]:
    """Microseconds to lay out one English msgid and one Chinese msgstr, per run."""
    none: frozenset[int] = frozenset()
    layouts = {"fast": po_layout.gnu_lines, "exact": po_layout.gnu_lines_exact}
    times: dict[str, list[list[float]]] = {label: [[], []] for label in layouts}
    for _ in range(runs):
        for label, lines in layouts.items():
            for i, name in enumerate(("msgid", "msgstr")):
                texts = [entry[i + 1] for entry in entries]
                po_layout.LINES_CACHE.clear()
                start = time.perf_counter()
                for text in texts:
                    lines("", name, text, 79, none)
                times[label][i].append((time.perf_counter() - start) / len(texts) * 1e6)
    return times


def write_benchmark(runs: int) -> str:
    entries = news_entries()
    writers: list[tuple[str, Build, Write]] = [
        ("i18npub.po", ours_build, ours_write),
        ("i18npub.po, exact layout only", ours_build, exact_write),
    ]
    missing = []
    for name, module, build, write in (
        ("polib", "polib", polib_build, polib_write),
        ("Babel", "babel", babel_build, babel_write),
        (
            "translate-toolkit",
            "translate.storage",
            translate_toolkit_build,
            translate_toolkit_write,
        ),
    ):
        try:
            __import__(module)
        except ImportError:
            missing.append(name)
        else:
            writers.append((name, build, write))
    built: dict[str, list[float]] = {name: [] for name, _, _ in writers}
    written: dict[str, list[float]] = {name: [] for name, _, _ in writers}
    for _ in range(runs):
        for name, build, write in writers:
            start = time.perf_counter()
            objects = build(entries)
            middle = time.perf_counter()
            write(objects)
            built[name].append(middle - start)
            written[name].append(time.perf_counter() - middle)
    strings = string_timings(entries, runs)
    per_entry = 1e6 / (2 * len(entries))
    en = statistics.mean(len(e[1]) for e in entries)
    zh = statistics.mean(len(e[2]) for e in entries)
    rows = [
        f"New catalog write: {len(entries)} WMT22 news sentences (English {en:.0f} characters "
        f"on average, Chinese {zh:.0f}), template + catalog = {2 * len(entries)} entries; "
        f"medians of {runs} runs, best run in brackets\n",
        "| writer | build entries, µs per entry | write, µs per entry | together, µs per entry |",
        "|---|---:|---:|---:|",
    ]
    for name, _, _ in writers:
        b, w = statistics.median(built[name]), statistics.median(written[name])
        best = min(written[name]) + min(built[name])
        rows.append(
            f"| {name} | {b * per_entry:.1f} ({min(built[name]) * per_entry:.1f}) "
            f"| {w * per_entry:.1f} ({min(written[name]) * per_entry:.1f}) "
            f"| {(b + w) * per_entry:.1f} ({best * per_entry:.1f}) |"
        )
    rows += [
        "",
        "| i18npub layout of one new string | English msgid, µs | Chinese msgstr, µs |",
        "|---|---:|---:|",
    ]
    for label, (msgid, msgstr) in strings.items():
        rows.append(
            f"| {label} | {statistics.median(msgid):.1f} ({min(msgid):.1f}) "
            f"| {statistics.median(msgstr):.1f} ({min(msgstr):.1f}) |"
        )
    if missing:
        rows.append(f"\nnot installed: {', '.join(missing)}")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timing runs (median)")
    parser.add_argument("--only", help="comma-separated tool names (prefixes)")
    parser.add_argument("--write-only", action="store_true", help="only the new catalog write")
    args = parser.parse_args()
    if args.write_only or not CORPUS.is_dir():
        if not CORPUS.is_dir():
            print(f"no PO corpus at {CORPUS}; round trips not measured")
        if NEWS.exists():
            print(write_benchmark(args.runs))
        else:
            print(f"no news corpus at {NEWS}; new catalog write not measured")
        return 0
    files = sorted(CORPUS.rglob("*.po"))
    if not files:
        print(f"no PO corpus at {CORPUS}; nothing to measure")
        return 0
    tools, missing = available_tools()
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split(",")]
        tools = [t for t in tools if any(t.name.lower().startswith(w) for w in wanted)]
    targets = {path: pick_target(path) for path in files}
    results = [fidelity(tool, files, targets) for tool in tools]
    for result, (largest_s, all_s) in zip(
        results, timings(tools, files, args.runs).values(), strict=True
    ):
        result.largest_ms, result.all_s = largest_s * 1000, all_s
    print(f"{len(files)} catalogs, {sum(p.stat().st_size for p in files):,} bytes "
          f"(Python {sys.version.split()[0]})\n")  # fmt: skip
    print(table(results, files))
    if missing:
        print(f"\nnot installed: {', '.join(missing)}")
    if NEWS.exists():
        print("\n" + write_benchmark(args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
