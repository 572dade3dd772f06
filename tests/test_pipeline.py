"""The whole pipeline through the library (``i18npub run`` without Prefect): steps, policies,
dry runs, and runs that fail part-way and are finished by a rerun."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from i18npub import pipeline
from i18npub.catalog import CatalogBusy, CatalogError
from i18npub.errors import I18npubError
from i18npub.fsutil import LockTimeout
from i18npub.pipeline import PipelineError, RunOptions
from i18npub.project import Project
from tests.support.paths import REPO

STORIES = {
    "ferry.md": "---\ntitle: Solar Ferry Sails\n---\n\nThe ferry sailed at 9 a.m. All cheered.\n",
    "tea.md": "---\ntitle: Tea Exports Rise\n---\n\nExports rose 12% in May. Farmers were glad.\n",
    "library.md": "---\ntitle: Library Opens Data\n---\n\nThe library published 40 data sets.\n",
}
PSEUDO = RunOptions(engines=("pseudo",))


@pytest.fixture
def newsroom(project: Project) -> Project:
    for name, text in STORIES.items():
        (project.path("content") / name).write_text(text, encoding="utf-8")
    return project


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def catalogs_are_whole(project: Project) -> bool:
    return not [f for f in project.check() if f.check in ("syntax", "catalog")]


def test_run_ingests_translates_and_builds_the_site(newsroom: Project) -> None:
    report = pipeline.run(newsroom, PSEUDO)
    assert report.ok, report.errors()
    assert sorted(r.action for r in report.ingest) == ["created"] * 3
    assert {r.action for r in report.translate} == {"translated"}
    assert sum(r.filled for r in report.translate) == report.status["totals"]["segments"]
    assert report.publish and report.publish.action == "built"
    assert (newsroom.path("site") / "index.html").is_file()
    [row] = [r for r in report.article_rows() if r["article"] == "tea-exports-rise"]
    assert row["zh_CN % covered"] == 100.0 and row["changes"].startswith("new article")


def test_a_second_run_changes_nothing(newsroom: Project) -> None:
    pipeline.run(newsroom, PSEUDO)
    before = snapshot(newsroom.root)
    report = pipeline.run(newsroom, PSEUDO)
    assert {r.action for r in report.ingest} == {"unchanged"}
    assert report.translate == []  # nothing left untranslated
    assert report.publish and report.publish.action == "unchanged"
    assert snapshot(newsroom.root) == before
    assert not report.changed()


def test_dry_run_writes_nothing_and_says_what_would_happen(newsroom: Project) -> None:
    before = snapshot(newsroom.root)
    report = pipeline.run(newsroom, RunOptions(engines=("pseudo",), dry_run=True))
    assert snapshot(newsroom.root) == before
    assert sorted(r.action for r in report.ingest) == ["would create"] * 3
    assert report.publish and report.publish.action == "planned"


def test_dry_run_plans_translation_of_untranslated_articles(newsroom: Project) -> None:
    pipeline.run(newsroom, RunOptions(steps=("ingest",)))
    report = pipeline.run(newsroom, RunOptions(dry_run=True))
    assert {r.action for r in report.ingest} == {"unchanged"}
    planned = {r.slug: r.filled for r in report.translate}
    assert planned == {"library-opens-data": 2, "solar-ferry-sails": 3, "tea-exports-rise": 3}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("changed", "unchanged"), ("always", "unchanged"), ("never", "skipped")],
)
def test_publish_policy_on_unchanged_content(newsroom: Project, policy: str, expected: str) -> None:
    pipeline.run(newsroom, PSEUDO)
    report = pipeline.run(newsroom, RunOptions(steps=("publish",), publish=policy))
    assert report.publish and report.publish.action == expected
    if policy == "always":  # built again (the renderer found nothing to change)
        assert "rendered" in report.publish.message


def test_a_deleted_site_is_rebuilt_by_the_changed_policy(newsroom: Project) -> None:
    pipeline.run(newsroom, PSEUDO)
    import shutil

    shutil.rmtree(newsroom.path("site"))
    report = pipeline.run(newsroom, RunOptions(steps=("publish",)))
    assert report.publish and report.publish.action == "built"


def test_failed_article_skips_publishing_and_a_rerun_finishes(
    newsroom: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Project.translate

    def flaky(self: Project, engines=None, slugs=None, languages=None):
        if slugs == ["tea-exports-rise"]:
            raise OSError("disk full")
        return real(self, engines, slugs, languages)

    monkeypatch.setattr(Project, "translate", flaky)
    report = pipeline.run(newsroom, PSEUDO)
    assert report.errors() == ["tea-exports-rise: disk full"]
    assert report.publish and report.publish.action == "skipped"
    assert not newsroom.path("site").exists()
    assert catalogs_are_whole(newsroom)

    monkeypatch.setattr(Project, "translate", real)
    again = pipeline.run(newsroom, PSEUDO)
    assert again.ok and [r.slug for r in again.translate] == ["tea-exports-rise"]
    assert again.publish and again.publish.action == "built"
    assert again.status["totals"]["languages"]["zh_CN"]["untranslated"] == 0


def test_a_crash_mid_ingest_leaves_whole_files_and_a_rerun_finishes(
    newsroom: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = Project.save_article
    calls = []

    def crash_on_second(self: Project, article) -> None:
        calls.append(article.slug)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process stops here, between two files
        real(self, article)

    monkeypatch.setattr(Project, "save_article", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(newsroom, PSEUDO)
    assert catalogs_are_whole(newsroom) and len(newsroom.slugs()) == 1

    monkeypatch.setattr(Project, "save_article", real)
    report = pipeline.run(newsroom, PSEUDO)
    assert report.ok and len(newsroom.slugs()) == 3
    clean = Project.init(tmp_path / "clean")
    for name, text in STORIES.items():
        (clean.path("content") / name).write_text(text, encoding="utf-8")
    expected = pipeline.run(clean, PSEUDO)
    assert report.status["totals"] == expected.status["totals"]
    assert catalogs_are_whole(newsroom)


def test_a_failed_build_keeps_the_previous_site(
    newsroom: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run(newsroom, PSEUDO)
    before = snapshot(newsroom.path("site"))
    (newsroom.path("content") / "tea.md").write_text(
        STORIES["tea.md"].replace("glad.", "very glad."), encoding="utf-8"
    )

    def broken_build(self: Project, out=None):
        raise RuntimeError("template error in article.html")

    monkeypatch.setattr(Project, "build", broken_build)
    report = pipeline.run(newsroom, PSEUDO)
    assert report.errors() == ["publish: template error in article.html"]
    assert snapshot(newsroom.path("site")) == before
    monkeypatch.undo()
    again = pipeline.run(newsroom, PSEUDO)
    assert again.publish and again.publish.action == "built"


def test_unknown_engine_fails_before_any_article(newsroom: Project) -> None:
    with pytest.raises(PipelineError, match="unknown engine"):
        pipeline.run(newsroom, RunOptions(engines=("nosuch",)))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"publish": "sometimes"}, "publish policy"),
        ({"steps": ("ingest", "review")}, "unknown step"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_invalid_options(options: dict, message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        RunOptions(**options)


class _StatusHandler(http.server.BaseHTTPRequestHandler):
    """Answers ``/<status>`` with that status, ``/png`` with an image."""

    def do_GET(self) -> None:
        name = self.path.strip("/")
        status, kind = (200, "image/png") if name == "png" else (int(name), "text/html")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"no")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def status_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _refused_url() -> str:
    with socket.socket() as listener:  # a port that nothing listens on once closed
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    return f"http://127.0.0.1:{port}/a"


@pytest.mark.parametrize(
    ("path", "retryable"),
    [("503", True), ("500", True), ("429", True), ("408", True), ("404", False), ("png", False)],
)
def test_a_failed_fetch_says_whether_to_retry(
    project: Project, status_server: str, path: str, retryable: bool
) -> None:
    [result] = pipeline.ingest_batch(project, [f"{status_server}/{path}"])
    assert result.action == "error"
    assert result.retryable is retryable, result.message


def test_a_refused_connection_is_retried_and_a_bad_file_is_not(project: Project) -> None:
    [refused] = pipeline.ingest_batch(project, [_refused_url()])
    assert (refused.action, refused.retryable) == ("error", True), refused.message
    empty = project.path("content") / "empty.md"
    empty.write_text("", encoding="utf-8")
    [bad] = pipeline.ingest_batch(project, [str(empty)])
    assert (bad.action, bad.retryable) == ("error", False), bad.message


def test_a_broken_catalog_fails_translation_for_good(newsroom: Project) -> None:
    newsroom.ingest([str(newsroom.path("content"))])
    slug = next(iter(newsroom.articles())).slug
    language = newsroom.config.target_languages[0]
    newsroom.catalog_path(slug, language).write_text('msgid "a"\nmsgstr\n', encoding="utf-8")
    result = pipeline.translate_article(newsroom, slug, ["pseudo"])
    assert (result.action, result.retryable) == ("error", False), result.message


def test_busy_catalogs_and_locks_are_retryable_errors() -> None:
    assert CatalogBusy("a.po: kept changing; try later").retryable
    assert LockTimeout("held too long").retryable
    assert isinstance(CatalogBusy("x"), I18npubError) and not CatalogError("x").retryable


def test_sources_are_batched_and_urls_stand_alone(newsroom: Project) -> None:
    options = RunOptions(sources=(str(newsroom.path("content")), "https://x.test/a"), batch_size=2)
    batches = pipeline.source_batches(newsroom, options)
    assert [len(batch) for batch in batches] == [2, 1, 1]
    assert batches[-1] == ["https://x.test/a"]


def test_article_fingerprint_follows_the_catalog(newsroom: Project) -> None:
    pipeline.run(newsroom, RunOptions(steps=("ingest",)))
    slug = "tea-exports-rise"
    first = pipeline.article_fingerprint(newsroom, slug, ["memory"])
    assert first == pipeline.article_fingerprint(newsroom, slug, ["memory"])
    assert first != pipeline.article_fingerprint(newsroom, slug, ["pseudo"])
    path = newsroom.catalog_path(slug, "zh_CN")
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert first != pipeline.article_fingerprint(newsroom, slug, ["memory"])


def test_cli_run_reports_json_without_importing_prefect(newsroom: Project) -> None:
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from i18npub.cli import app\n"
        f"result = CliRunner().invoke(app, ['-p', {str(newsroom.root)!r}, 'run', '--json',"
        " '--engine', 'pseudo'])\n"
        "report = json.loads(result.output)\n"
        "assert result.exit_code == 0 and report['ok'], result.output\n"
        "sys.exit('prefect' in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
    assert json.loads((newsroom.root / ".i18npub" / "build-stamp.json").read_text())["content"]


def test_cli_run_rejects_a_bad_policy(newsroom: Project) -> None:
    from typer.testing import CliRunner

    from i18npub.cli import app

    result = CliRunner().invoke(app, ["-p", str(newsroom.root), "run", "--publish", "often"])
    assert result.exit_code == 2 and "--publish 'often': choose one of" in result.output


def test_the_run_reports_ingest_progress_per_source(newsroom: Project) -> None:
    ticks: list[tuple[str, int, int]] = []
    options = RunOptions(engines=("pseudo",), batch_size=2)
    pipeline.run(newsroom, options, pipeline.Runner(lambda *tick: ticks.append(tick)))
    assert [t for t in ticks if t[0] == "ingest"] == [("ingest", n, 3) for n in (1, 2, 3)]
    assert [t for t in ticks if t[0] == "translate"][-1] == ("translate", 3, 3)


def test_translate_in_steps_reports_what_one_call_would(tmp_path: Path) -> None:
    """Article by article (a progress tick each), the report's counts add up to one call's."""
    reports = []
    for name, stepped in (("whole", False), ("stepped", True)):
        project = Project.init(tmp_path / name, title="Steps")
        for story, text in STORIES.items():
            (project.path("content") / story).write_text(text, encoding="utf-8")
        project.ingest([project.path("content")])
        ticks: list[tuple[str, int, int]] = []
        progress = (lambda *tick, seen=ticks: seen.append(tick)) if stepped else None
        reports.append(pipeline.translate_in_steps(project, ["pseudo"], (), progress))
        assert ticks[-1:] == ([("translate", 3, 3)] if stepped else [])
    whole, stepped = (report.as_dict() for report in reports)
    assert stepped["engines"] == whole["engines"] and whole["engines"][0]["translated"] > 0
    for mine, theirs in zip(stepped["languages"], whole["languages"], strict=True):
        assert (mine["filled"], mine["pending"]) == (theirs["filled"], theirs["pending"])


def test_the_site_stamp_covers_the_whole_package_and_the_project(newsroom: Project) -> None:
    import i18npub

    newsroom.ingest([str(newsroom.path("content"))])
    package = Path(i18npub.__file__).resolve().parent
    inputs = set(pipeline.site_inputs(newsroom))
    for part in ("site/build.py", "site/views.py", "theme/article.html", "lookup.py"):
        assert package / part in inputs, part
    assert newsroom.root / "i18npub.toml" in inputs
    assert set(newsroom.path("articles").glob("*.json")) <= inputs
