"""The machine-translation gate on real translations: what it accepts, rejects and flags.

    .venv/bin/python benchmarks/mt_gate.py [--show-rejected] [--show-flagged ref_zh_b]

The shared WMT22 news set (``../shared/corpus/news/wmt22-news-en-zh.jsonl``, read in
place) has 511 English sentences with two human Chinese references (A, B) and three MT
systems (GTCOM, Online-B, Online-G, the weakest by COMET). Each of the five is replayed
through the real engine path: a project with one article per document (one sentence per
paragraph), ``translate`` with the ``libre`` engine against a loopback LibreTranslate
server (tests/support/mt_servers.py) answering every sentence with that translation, then the
catalogs are read back: accepted = written, unchanged = written exactly as answered apart
from the documented typography fix, flagged = risk score >= ``risk.FLAG_AT``.

The weakest system's worst 10 % of sentences are ranked by sentence chrF (sacrebleu)
against both references. Beside the gate: the previous gate (``qa.py`` of commit
``PREVIOUS``, its checks applied directly: errors reject, warnings flag) and translate-
toolkit's ``pofilter`` (default checks, ``--language=zh_CN``; it only flags).

Cross-validation: the risk constants were fitted on reference A (see ``risk.py``), so
reference B is the held-out human set; the table is also given per half of the documents
(even / odd positions), with the worst 10 % ranked within each half, and for each MT
system's own worst 10 % (the other systems' were never looked at to choose a signal).

Needs ``pip install -e '.[bench]'`` (sacrebleu, translate-toolkit). Prints markdown.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/support/mt_servers.py: the loopback provider servers
try:
    import i18npub  # noqa: F401
except ImportError:  # a checkout without an installed package
    sys.path.insert(0, str(ROOT / "src"))

from i18npub.catalog import read_catalog  # noqa: E402
from i18npub.lookup import provenance  # noqa: E402
from i18npub.project import Project  # noqa: E402
from i18npub.qa import fix_chinese_typography  # noqa: E402
from i18npub.risk import FLAG_AT  # noqa: E402
from tests.support.corpus import WMT  # noqa: E402
from tests.support.mt_servers import ProviderServer  # noqa: E402

SYSTEMS = ("ref_zh_a", "ref_zh_b", "GTCOM", "Online-B", "Online-G")
WEAKEST = "Online-G"
PREVIOUS = "8500433"  # the last commit with the previous gate


@dataclass
class Verdict:
    """What a gate did with one sentence's translation."""

    accepted: bool
    flagged: bool
    unchanged: bool = True  # written as answered, or as the typography fix made it
    retyped: bool = False  # the typography fix changed it
    reason: str = ""
    flags: str = ""


def load_documents() -> list[dict]:
    return [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]


def translations(document: dict, system: str) -> list[str]:
    return document[system] if system.startswith("ref") else document["mt"][system]


# The gate, through the engine path ----------------------------------------------------


def run_gate(documents: list[dict], system: str, folder: Path) -> dict[str, Verdict]:
    """English sentence -> what ``translate`` wrote for it, with ``system`` as the engine."""
    answers: dict[str, str] = {}
    for document in documents:
        for english, chinese in zip(
            document["sentences_en"], translations(document, system), strict=True
        ):
            answers.setdefault(english, chinese.strip())
    root = folder / system / "proj"
    Project.init(root)
    with ProviderServer("libre", translate=lambda text: answers.get(text, "")) as server:
        config = root / "i18npub.toml"
        text = config.read_text(encoding="utf-8").replace('engines = ["memory"]', "engines = []")
        config.write_text(text + f'\n[engines.libre]\nurl = "{server.url}"\n', encoding="utf-8")
        project = Project.open(root)
        for number, document in enumerate(documents):
            source = folder / system / f"doc-{number:02d}.md"
            body = "\n\n".join(document["sentences_en"])
            source.write_text(f"---\nslug: doc-{number:02d}\ntitle: doc\n---\n\n{body}\n")
            project.ingest([source])
        project.translate(engines=["libre"])
    verdicts: dict[str, Verdict] = {}
    for slug in project.slugs():
        for entry in read_catalog(project.catalog_path(slug, "zh_CN")).entries:
            if entry.msgid not in answers or entry.obsolete:
                continue
            if not entry.msgstr:
                verdicts[entry.msgid] = Verdict(False, False)
                continue
            details = provenance(entry)
            answer = answers[entry.msgid]
            verdicts[entry.msgid] = Verdict(
                True,
                int(details.get("risk", 0)) >= FLAG_AT,
                unchanged=entry.msgstr in (answer, fix_chinese_typography(answer)),
                retyped=entry.msgstr != answer,
                flags=details.get("flags", ""),
            )
    _reasons_per_sentence(project, verdicts)
    return verdicts


def _reasons_per_sentence(project: Project, verdicts: dict[str, Verdict]) -> None:
    state = json.loads((project.root / ".i18npub" / "translate-state.json").read_text("utf-8"))
    for reasons in state["pending"].get("zh_CN", {}).values():
        for msgid, reason in reasons.items():
            if msgid in verdicts:
                verdicts[msgid].reason = reason


# The previous gate and pofilter ---------------------------------------------------------


def previous_gate(documents: list[dict], system: str) -> dict[str, Verdict] | None:
    """The checks of the previous ``qa.py`` (numbers in clear): errors reject, warnings flag."""
    try:
        code = subprocess.run(
            ["git", "show", f"{PREVIOUS}:src/i18npub/qa.py"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("previous_qa", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["previous_qa"] = module
    exec(compile(code, "previous_qa.py", "exec"), module.__dict__)
    verdicts = {}
    for document in documents:
        for english, chinese in zip(
            document["sentences_en"], translations(document, system), strict=True
        ):
            text = module.fix_chinese_typography(chinese.strip())
            issues = module.check_translation(english, text)
            errors = [i.message for i in issues if i.severity == "error"]
            verdicts.setdefault(
                english, Verdict(not errors, bool(issues), reason="; ".join(errors))
            )
    return verdicts


def pofilter(documents: list[dict], system: str, folder: Path) -> dict[str, Verdict] | None:
    """translate-toolkit's pofilter over a PO file of the pairs: failing units are flagged."""
    import polib

    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "zh_CN"}
    seen: set[str] = set()
    for document in documents:
        for english, chinese in zip(
            document["sentences_en"], translations(document, system), strict=True
        ):
            if english not in seen:
                seen.add(english)
                catalog.append(polib.POEntry(msgid=english, msgstr=chinese.strip()))
    source, out = folder / f"{system}.po", folder / f"{system}-flagged.po"
    catalog.save(str(source))
    command = [str(Path(sys.executable).with_name("pofilter")), "--language=zh_CN"]
    try:
        subprocess.run([*command, str(source), str(out)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    flagged = {e.msgid for e in polib.pofile(str(out)) if e.msgid}
    return {english: Verdict(True, english in flagged) for english in seen}


# Scoring --------------------------------------------------------------------------------


def worst_sentences(documents: list[dict], share: float = 0.10, system: str = WEAKEST) -> list[str]:
    """A system's (the weakest's) sentences with the lowest chrF against both references."""
    from sacrebleu.metrics import CHRF

    chrf, scored = CHRF(), {}
    for document in documents:
        rows = zip(
            document["sentences_en"],
            translations(document, system),
            document["ref_zh_a"],
            document["ref_zh_b"],
            strict=True,
        )
        for english, mt, a, b in rows:
            scored.setdefault(english, chrf.sentence_score(mt, [a, b]).score)
    ranked = sorted(scored, key=scored.get)
    return ranked[: round(len(ranked) * share)]


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "–"


def rates(verdicts: dict[str, Verdict] | None, sentences: list[str]) -> dict[str, str]:
    if verdicts is None:
        return {}
    found = [verdicts[s] for s in dict.fromkeys(sentences) if s in verdicts]
    accepted = [v for v in found if v.accepted]
    return {
        "n": str(len(found)),
        "accepted": percent(len(accepted), len(found)),
        "unchanged": percent(sum(v.unchanged for v in accepted), len(accepted)),
        "flagged": percent(sum(v.flagged for v in found), len(found)),
        "caught": percent(sum(v.flagged or not v.accepted for v in found), len(found)),
    }


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def report(documents: list[dict], gates: dict[str, dict[str, dict[str, Verdict] | None]]) -> str:
    """The side-by-side table for one set of documents."""
    sentences = {s: [e for d in documents for e in d["sentences_en"]] for s in SYSTEMS}
    worst = worst_sentences(documents)
    rows = []
    for name, per_system in gates.items():
        row = [name]
        for system in SYSTEMS:
            r = rates(per_system[system], sentences[system])
            row.append(f"{r['accepted']} / {r['flagged']}" if r else "n/a")
        weakest = rates(per_system[WEAKEST], worst)
        row.append(f"{weakest['flagged']} / {weakest['caught']}" if weakest else "n/a")
        rows.append(row)
    header = ["gate", *(f"{s}: accepted / flagged %" for s in SYSTEMS)]
    header.append(f"{WEAKEST} worst 10 % ({len(worst)}): flagged / flagged or rejected %")
    return table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show-rejected", action="store_true")
    parser.add_argument("--show-flagged", default="")
    parser.add_argument("--show-retyped", action="store_true")
    args = parser.parse_args()
    if not WMT.exists():
        sys.exit(f"skipped: {WMT} is missing")
    documents = load_documents()
    gates: dict[str, dict[str, dict[str, Verdict] | None]] = {
        "i18npub (this gate)": {},
        "previous gate": {},
        "pofilter": {},
    }
    with tempfile.TemporaryDirectory() as folder:
        for system in SYSTEMS:
            gates["i18npub (this gate)"][system] = run_gate(documents, system, Path(folder))
            gates["previous gate"][system] = previous_gate(documents, system)
            gates["pofilter"][system] = pofilter(documents, system, Path(folder))
    ours = gates["i18npub (this gate)"]
    print("#### All 31 documents (511 sentences)\n")
    print(report(documents, gates))
    for label, half in (("even", documents[0::2]), ("odd", documents[1::2])):
        print(f"\n#### Documents at {label} positions ({len(half)})\n")
        print(report(half, gates))
    print("\n#### Human references written unchanged (apart from the typography fix)\n")
    rows = []
    for system in ("ref_zh_a", "ref_zh_b"):
        found = [v for v in ours[system].values() if v.accepted]
        unchanged = percent(sum(v.unchanged for v in found), len(found))
        retyped = sum(v.retyped for v in found)
        rows.append([system, str(len(found)), unchanged, str(retyped)])
    print(table(["reference", "accepted", "unchanged %", "of them retyped"], rows))
    print("\n#### Each MT system's own worst 10 %: flagged or rejected %\n")
    rows = []
    for label, half in (("all", documents), ("even", documents[0::2]), ("odd", documents[1::2])):
        row = [label]
        for system in SYSTEMS[2:]:
            worst = worst_sentences(half, system=system)
            row.append(f"{rates(ours[system], worst)['caught']} ({len(worst)})")
        rows.append(row)
    print(table(["documents", *SYSTEMS[2:]], rows))
    if args.show_rejected:
        for system in SYSTEMS:
            for english, verdict in ours[system].items():
                if not verdict.accepted:
                    print(f"- {system}: {english[:90]!r}: {verdict.reason}")
    if args.show_retyped:
        for system in ("ref_zh_a", "ref_zh_b"):
            for english, verdict in ours[system].items():
                if verdict.retyped:
                    print(f"- {system} retyped: {english[:90]!r}")
    if args.show_flagged:
        for english, verdict in ours[args.show_flagged].items():
            if verdict.flagged:
                print(f"- {verdict.flags}: {english[:90]!r}")


if __name__ == "__main__":
    main()
