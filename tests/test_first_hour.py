"""A new user's first hour (issue 12, items 1, 3, 4): `init`, `ingest` a file from elsewhere,
`run`, as the installed command, from the shell's point of view."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from i18npub import pipeline
from i18npub.pipeline import RunOptions
from i18npub.project import Project
from tests.support.cli import run_cli

STORY = """Harbour Council Approves Night Ferry Service After Long Debate

The harbour council voted on Tuesday to start a night ferry between the two piers.
The service will run every forty minutes from ten in the evening until two in the morning.
Residents of the island had asked for it for years, the chair of the council said.
"""


def sh(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, env={"COLUMNS": "100"})


def test_init_ingest_an_outside_file_run_exits_0_and_builds(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "ferry.txt").write_text(STORY, encoding="utf-8")
    assert sh("init", "news", cwd=tmp_path).returncode == 0
    project = tmp_path / "news"
    ingest = sh("ingest", "../elsewhere/ferry.txt", cwd=project)  # as typed in the project
    assert ingest.returncode == 0, ingest.stderr
    run = sh("run", cwd=project)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "error" not in output and "skipped" not in output, output
    [page] = (project / "site" / "en").glob("*/index.html")
    assert "night ferry" in page.read_text(encoding="utf-8")
    assert (project / "site" / "zh" / page.parent.name / "index.html").is_file()


def test_a_fresh_project_runs_from_inside_with_an_empty_inbox(tmp_path: Path) -> None:
    assert sh("init", "x", cwd=tmp_path).returncode == 0
    run = sh("run", cwd=tmp_path / "x")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no sources" not in run.stdout + run.stderr
    assert (tmp_path / "x" / "site" / "index.html").is_file()


def test_an_empty_inbox_is_not_an_error_but_an_empty_named_folder_is(project: Project) -> None:
    report = pipeline.run(project, RunOptions(engines=("pseudo",)))
    assert report.ok and report.ingest == [], report.errors()
    assert report.publish and report.publish.action == "built"
    empty = project.root / "empty-folder"
    empty.mkdir()
    named = pipeline.run(project, RunOptions(sources=(str(empty),), engines=("pseudo",)))
    assert [r.action for r in named.ingest] == ["error"]


def test_dry_run_promises_a_build_only_when_the_run_builds(project: Project) -> None:
    inbox = project.path("content")
    (inbox / "ferry.txt").write_text(STORY, encoding="utf-8")
    (inbox / "blank.md").write_text("   \n", encoding="utf-8")  # the run refuses it
    plan = pipeline.run(project, RunOptions(engines=("pseudo",), dry_run=True))
    real = pipeline.run(project, RunOptions(engines=("pseudo",)))
    assert real.publish and real.publish.action == "skipped"
    assert plan.publish and plan.publish.action == "skipped"
    assert sorted(r.action for r in plan.ingest) == sorted(
        {"created": "would create"}.get(r.action, r.action) for r in real.ingest
    )
    (inbox / "blank.md").unlink()
    plan = pipeline.run(project, RunOptions(engines=("pseudo",), dry_run=True))
    real = pipeline.run(project, RunOptions(engines=("pseudo",)))
    assert (plan.publish and plan.publish.action, real.publish and real.publish.action) == (
        "planned",
        "built",
    )


def test_dry_run_plans_the_translation_of_articles_it_would_create(project: Project) -> None:
    (project.path("content") / "ferry.txt").write_text(STORY, encoding="utf-8")
    plan = pipeline.run(project, RunOptions(engines=("pseudo",), dry_run=True))
    [ingest] = plan.ingest
    assert ingest.action == "would create" and ingest.slug.startswith("harbour-council")
    assert [(r.slug, r.action) for r in plan.translate] == [(ingest.slug, "planned")]
    real = pipeline.run(project, RunOptions(engines=("pseudo",)))
    assert [r.slug for r in real.ingest] == [ingest.slug]
    assert real.translate[0].filled == plan.translate[0].filled


def test_paths_are_absolute_or_inside_never_a_climb(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    outside = tmp_path / "a" / "b" / "ferry.txt"
    outside.write_text(STORY, encoding="utf-8")
    assert sh("init", "p", cwd=tmp_path).returncode == 0
    root = tmp_path / "p"
    (root / "content" / "inside.txt").write_text(STORY.replace("night", "day"), encoding="utf-8")
    shown = sh("ingest", "../a/b/ferry.txt", "content/inside.txt", cwd=root)
    assert shown.returncode == 0, shown.stderr
    assert "../" not in shown.stdout and f"<- {outside}" in shown.stdout
    assert "<- content/inside.txt" in shown.stdout
    sources = {
        json.loads(p.read_text(encoding="utf-8"))["source"] for p in (root / "articles").iterdir()
    }
    assert sources == {str(outside), "content/inside.txt"}
    comments = [
        line
        for pot in (root / "locales" / "templates").glob("*.pot")
        for line in pot.read_text(encoding="utf-8").splitlines()
        if line.startswith("# Source:")
    ]
    assert sorted(comments) == sorted(f"# Source: {s}" for s in sources)
    status = json.loads(sh("status", "--json", cwd=root).stdout)
    assert {a["source"] for a in status["articles"]} == sources


def test_a_climbing_label_of_an_older_version_is_replaced_not_duplicated(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    source = tmp_path / "ferry.txt"
    source.write_text(STORY, encoding="utf-8")
    [first] = project.ingest([source])
    path = project.article_path(first.slug)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["source"] = os.path.relpath(source, project.root)  # what 0.1.0 stored: "../ferry.txt"
    path.write_text(json.dumps(data), encoding="utf-8")
    [again] = Project.open(project.root).ingest([source])
    assert (again.action, again.slug, again.source) == ("updated", first.slug, str(source))
    assert project.slugs() == [first.slug]
    assert f"# Source: {source}\n" in project.template_path(first.slug).read_text(encoding="utf-8")
    [third] = Project.open(project.root).ingest([source])
    assert third.action == "unchanged"


def test_init_says_what_next_and_keeps_build_output_out_of_git(tmp_path: Path) -> None:
    created = sh("init", "site-project", cwd=tmp_path)
    assert created.returncode == 0
    assert "i18npub ingest" in created.stdout and "i18npub run" in created.stdout
    assert "cd site-project" in created.stdout
    assert created.stdout.count("base_url") == 1
    root = tmp_path / "site-project"
    assert (root / ".gitignore").read_text(encoding="utf-8").splitlines() == ["site/", ".i18npub/"]
    for _ in range(2):
        built = sh("build", cwd=root)
        assert built.returncode == 0 and "base_url" not in built.stdout + built.stderr


def test_init_adds_to_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".gitignore").write_text("*.pyc\n/site/", encoding="utf-8")
    assert sh("init", "repo", cwd=tmp_path).returncode == 0
    lines = (tmp_path / "repo" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines == ["*.pyc", "/site/", ".i18npub/"]
