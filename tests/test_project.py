"""Project behaviour: re-ingest, edits, slugs and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from i18npub.article import slugify, validate_slug
from i18npub.config import ConfigError
from i18npub.project import Project, ProjectError

STORY = "---\ntitle: Ferry Opens\n---\n\nThe ferry opened. Mr. Lee was there.\n\nIt was sunny.\n"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_reingesting_the_same_source_writes_nothing(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(STORY, encoding="utf-8")
    project.ingest([source])
    before = _snapshot(project.root)
    [result] = project.ingest([source])
    assert result.action == "unchanged"
    assert _snapshot(project.root) == before


def test_edited_source_updates_the_same_article(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(STORY, encoding="utf-8")
    [first] = project.ingest([source])
    source.write_text(
        STORY.replace("It was sunny.", "It was sunny. Crowds came."), encoding="utf-8"
    )
    [second] = project.ingest([source])
    assert (second.action, second.slug) == ("updated", first.slug)
    texts = [s.text for _, _, s in project.load_article(first.slug).segments()]
    assert texts == [
        "Ferry Opens",
        "The ferry opened.",
        "Mr. Lee was there.",
        "It was sunny.",
        "Crowds came.",
    ]


def test_segment_keys_are_stable_across_reingest(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(STORY, encoding="utf-8")
    [result] = project.ingest([source])
    keys = [s.key for _, _, s in project.load_article(result.slug).segments()]
    other = Project.init(tmp_path / "other")
    [again] = other.ingest([source])
    assert [s.key for _, _, s in other.load_article(again.slug).segments()] == keys


def test_two_sources_with_the_same_title_get_distinct_slugs(
    project: Project, tmp_path: Path
) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(STORY, encoding="utf-8")
    results = project.ingest([tmp_path / "a.md", tmp_path / "b.md"])
    assert [r.slug for r in results] == ["ferry-opens", "ferry-opens-2"]


@pytest.mark.parametrize("slug", ["../evil", "a/b", "..", "UPPER", "a--b", "-x", "x" * 81, ""])
def test_unsafe_front_matter_slugs_are_refused(project: Project, tmp_path: Path, slug: str) -> None:
    source = tmp_path / "evil.md"
    source.write_text(f"---\ntitle: T\nslug: '{slug}'\n---\n\nBody text.\n", encoding="utf-8")
    [result] = project.ingest([source])
    if slug == "":
        assert result.slug == "t"  # an empty slug falls back to the title
        return
    assert result.action == "error" and "invalid slug" in result.message
    assert not (project.root.parent / "evil.json").exists()


@pytest.mark.parametrize(
    "title, slug",
    [
        (
            "WIPO Attended 2021 China International Fair",
            "wipo-attended-2021-china-international-fair",
        ),
        ("Café & Crème: L'été!", "cafe-creme-l-ete"),
        ("中文标题", "article"),
        ("A " * 80, "a-" * 29 + "a"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert validate_slug(slug) == slug


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    Project.init(tmp_path / "p")
    with pytest.raises(ProjectError, match="already exists"):
        Project.init(tmp_path / "p")


def test_open_outside_a_project_explains(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not an i18npub project"):
        Project.open(tmp_path)


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[paths]\narticles = "../outside"\n', "paths.articles"),
        ('[paths]\nsite = "/tmp/site"\n', "paths.site"),
        ("[project\n", "Expected"),
        ('[project]\ntarget_languages = "zh_CN"\n', "target_languages"),
    ],
)
def test_bad_config_is_reported_with_its_file(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "i18npub.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        Project.open(tmp_path)
    assert "i18npub.toml" in str(info.value)
