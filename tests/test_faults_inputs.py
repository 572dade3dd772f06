"""Bad inputs: each gets a clear one-line error, nothing is written outside the project, and
the other articles are unaffected.

Sources come from ``tests/data/bad-inputs/sources`` (hand-written) and from this module
(binary, 50 MB, oversized lines, other encodings: generated here, never committed);
catalogs from ``tests/data/bad-inputs/po`` plus generated ones (NUL bytes, Latin-1, empty,
a 5 MB line).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.paths import REPO

DATA = REPO / "tests" / "data" / "bad-inputs"
GOOD = "---\nslug: {slug}\ntitle: Story {slug}\n---\n\nThe ferry opened on Monday. It carries {n} people.\n"  # noqa: E501
TEXT = "The café in Zürich opened on Monday. Prices rose 5% in a year, the owner said.\n"

# name -> (bytes maker, expected words in the error, or "" when the source must be accepted)
GENERATED: dict[str, tuple[Callable[[], bytes], str]] = {
    "huge.md": (lambda: b"# Huge\n\n" + TEXT.encode() * 640_000, "too large"),
    "png.md": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "binary"),
    "nul.txt": (lambda: b"Hello world. This is text.\x00\x00 More text.", "binary"),
    "controls.txt": (lambda: b"\x01\x02\x03\x04 text " * 200, "binary"),
    "bad-utf16.md": (lambda: b"\xff\xfe\x00\xd8\x41\x00", "not valid utf-16"),
    "unsupported.pdf": (lambda: b"%PDF-1.7 Hello", "unsupported file type"),
    "long-line.md": (lambda: b"# Long\n\n" + b"word " * 400_000 + b"end.\n", ""),
    "latin1.txt": (lambda: ("Zürich cafés\n\n" + TEXT).encode("latin-1"), ""),
    "utf16.txt": (lambda: ("Zürich cafés\n\n" + TEXT).encode("utf-16"), ""),
}
COMMITTED = {  # tests/data/bad-inputs/sources
    "traversal-slug.md": "invalid slug",
    "absolute-slug.md": "invalid slug",
    "dotdot-slug.md": "invalid slug",
    "alias-bomb.md": "must be a single value",
    "python-tag.md": "invalid front matter",
    "empty.md": "empty source",
    "whitespace.txt": "empty source",
    "hostile.html": "",
}


def _tree(folder: Path, skip: Path) -> dict[str, str]:
    """Every file under ``folder`` but ``skip``: relative path -> content hash."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and skip not in p.parents
    }


@pytest.fixture
def world(tmp_path: Path) -> tuple[Project, Path]:
    """A project with two good articles, and a folder of inputs beside it."""
    project = Project.init(tmp_path / "proj", title="Inputs")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for number, slug in enumerate(("good-one", "good-two")):
        (inputs / f"{slug}.md").write_text(GOOD.format(slug=slug, n=100 + number))
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("must not change")
    return project, inputs


def test_bad_sources_get_clear_errors_and_touch_nothing_else(world: tuple[Project, Path]) -> None:
    project, inputs = world
    root = project.root.parent
    expected: dict[str, str] = {}
    for name, (make, words) in GENERATED.items():
        (inputs / name).write_bytes(make())
        expected[name] = words
    for name, words in COMMITTED.items():
        shutil.copy(DATA / "sources" / name, inputs / name)
        expected[name] = words
    first = project.ingest([inputs / "good-one.md"])
    assert first[0].action == "created"
    good_files = {p: p.read_bytes() for p in project.root.rglob("*.po*")}
    outside = _tree(root, project.root)

    started = time.monotonic()
    named = [inputs, inputs / "unsupported.pdf"]  # a folder skips unknown file types
    results = {Path(r.source).name: r for r in project.ingest(named)}
    elapsed = time.monotonic() - started

    assert elapsed < 60, f"ingest of the bad inputs took {elapsed:.0f} s"
    for name, words in expected.items():
        result = results[name]
        if not words:
            assert result.action == "created", (name, result.message)
            continue
        assert result.action == "error", (name, result.action)
        message = result.message
        assert words in message and message.startswith(result.source), (name, message)
        assert "\n" not in message and len(message) < 300, (name, message)
    assert results["good-one.md"].action == "unchanged"
    assert results["good-two.md"].action == "created"
    assert {p: p.read_bytes() for p in good_files} == good_files, "a good article changed"
    assert _tree(root, project.root) == outside, "something was written outside the project"
    made = {p.relative_to(project.root).parts[0] for p in project.root.rglob("*") if p.is_file()}
    assert made <= {"i18npub.toml", "articles", "locales", ".i18npub"}, made
    slugs = project.slugs()
    assert len(slugs) == 2 + sum(1 for words in expected.values() if not words)
    assert not any(".." in slug or "/" in slug for slug in slugs)
    assert project.build().pages  # the accepted ones (hostile HTML included) publish


# Catalogs ---------------------------------------------------------------------------------

PO_GENERATED: dict[str, Callable[[str], bytes]] = {
    "nul-bytes.po": lambda good: b"\x00\x01\x02PNG" * 100,
    "latin1.po": lambda good: good.replace('msgstr ""\n\n#', 'msgstr "caf\u00e9"\n\n#', 1).encode(
        "latin-1", "replace"
    ),
    "empty.po": lambda good: b"",
    "cut-mid-string.po": lambda good: good[: good.rindex('msgid "') + 11].encode(),
}
PO_COMMITTED = sorted(p.name for p in (DATA / "po").glob("*.po"))


def _po_case(name: str, good: str) -> bytes:
    if name in PO_GENERATED:
        return PO_GENERATED[name](good)
    return (DATA / "po" / name).read_bytes()


@pytest.mark.parametrize("name", [*PO_COMMITTED, *PO_GENERATED])
def test_a_broken_catalog_is_reported_never_overwritten_and_spares_the_others(
    tmp_path: Path, name: str
) -> None:
    project = Project.init(tmp_path / "proj", title="Catalogs")
    config = project.root / "i18npub.toml"
    config.write_text(config.read_text().replace('engines = ["memory"]', 'engines = ["pseudo"]'))
    project = Project.open(project.root)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for number, slug in enumerate(("a0", "a1", "a2")):
        (inputs / f"{slug}.md").write_text(GOOD.format(slug=slug, n=180 + number))
    assert all(r.action == "created" for r in project.ingest([inputs]))
    broken = project.catalog_path("a1", "zh_CN")
    data = _po_case(name, broken.read_text(encoding="utf-8"))
    broken.write_bytes(data)

    findings = [f for f in project.check() if f.severity == "error"]
    assert [f.path for f in findings] == ["locales/zh_CN/LC_MESSAGES/a1.po"], findings
    assert findings[0].line >= 1 and "\n" not in findings[0].message
    rows = {row["slug"]: row["languages"]["zh_CN"] for row in project.status()["articles"]}
    assert "a1.po" in rows["a1"]["error"] and "error" not in rows["a0"]

    report = project.translate()
    assert [e for e in report.languages[0].errors if "a1.po" in e]
    assert report.filled == 6 and report.pending == 0  # a0 and a2: title and two sentences

    (inputs / "a1.md").write_text(GOOD.format(slug="a1", n=999))  # the source changes
    (inputs / "a0.md").write_text(GOOD.format(slug="a0", n=998))
    results = {r.slug: r for r in project.ingest([inputs])}
    assert results["a1"].action == "error" and "a1.po" in results["a1"].message
    assert results["a0"].action == "updated"

    build = project.build()
    assert any("a1.po" in warning for warning in build.warnings) or name == "empty.po"
    assert (project.path("site") / "zh" / "a0" / "index.html").is_file()
    assert broken.read_bytes() == data, "the broken catalog was rewritten"


@pytest.mark.slow
def test_an_oversized_msgstr_line_is_handled(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "proj", title="Big")
    source = tmp_path / "big.md"
    source.write_text(GOOD.format(slug="big", n=3))
    project.ingest([source])
    path = project.catalog_path("big", "zh_CN")
    text = path.read_text(encoding="utf-8")
    huge = "渡" * 5_000_000
    path.write_text(text.replace('msgstr ""\n\n#', f'msgstr "{huge}"\n\n#', 1), encoding="utf-8")
    started = time.monotonic()
    assert project.status()["totals"]["languages"]["zh_CN"]["approved"] == 1
    project.build()
    assert time.monotonic() - started < 60
    assert huge in (project.path("site") / "zh" / "big" / "index.html").read_text()
