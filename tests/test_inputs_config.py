"""``i18npub.toml`` is checked whole when a project opens: one line per problem, naming the
key; unknown keys are warned about; folders symlinked out of the project are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from i18npub.config import CONFIG_NAME, ConfigError
from i18npub.project import Project
from tests.support.cli import run_cli

BAD = {
    "max_bytes = 10_000_000": ('max_bytes = "ten"', "ingest.max_bytes"),
    "fetch_timeout = 15 ": ("fetch_timeout = [1] ", "ingest.fetch_timeout"),
    'target_languages = ["zh_CN"]': ('target_languages = ["zh CN"]', "project.target_languages"),
    "min_approved = 0.5": ("min_approved = true", "publish.min_approved"),
    'policy = "mark-machine"': ('policy = "sometimes"', "publish.policy"),
    'engines = ["memory"]': ('engines = "memory"', "translate.engines"),
    'title = "Config"': ("title = 7", "project.title"),
    'base_url = ""': ('base_url = "news.example.org"', "site.base_url"),
}


def _project(tmp_path: Path) -> Path:
    return Project.init(tmp_path / "proj", title="Config").root


def _edit(root: Path, old: str, new: str) -> None:
    config = root / CONFIG_NAME
    text = config.read_text()
    assert old in text, old
    config.write_text(text.replace(old, new))


@pytest.mark.parametrize("old", sorted(BAD))
def test_a_wrong_value_is_one_line_naming_its_key(tmp_path: Path, old: str) -> None:
    root = _project(tmp_path)
    new, key = BAD[old]
    _edit(root, old, new)
    with pytest.raises(ConfigError) as caught:
        Project.open(root)
    [line] = str(caught.value).splitlines()
    assert line.startswith(str(root / CONFIG_NAME)) and f": {key}: " in line


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for old, (new, _) in BAD.items():
        _edit(root, old, new)
    (root / CONFIG_NAME).write_text('engines = "libre"\n' + (root / CONFIG_NAME).read_text())
    with pytest.raises(ConfigError) as caught:
        Project.open(root)
    lines = str(caught.value).splitlines()
    assert sorted(line.split(": ")[1] for line in lines) == sorted(
        [key for _, key in BAD.values()] + ["engines"]
    )


def test_a_section_given_as_a_string_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path)
    config = root / CONFIG_NAME
    config.write_text('ingest = "fast"\n' + config.read_text().replace("[ingest]\n", "[x]\n"))
    with pytest.raises(ConfigError, match=r": ingest: must be a table"):
        Project.open(root)


def test_unknown_keys_are_warned_not_refused(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _edit(root, "fetch_timeout = 15 ", "fetch_timout = 15 ")
    _edit(root, "[site]", "[sitee]\nx = 1\n\n[site]")
    project = Project.open(root)
    assert project.config.fetch_timeout == 15
    assert any("'ingest.fetch_timout'" in w for w in project.warnings)
    assert any("'sitee'" in w for w in project.warnings)


@pytest.mark.parametrize("key", ["site", "locales", "articles"])
def test_a_folder_symlinked_out_of_the_project_is_refused(tmp_path: Path, key: str) -> None:
    root = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = root / key
    if target.exists():
        target.rmdir()
    target.symlink_to(elsewhere)
    with pytest.raises(ConfigError, match=rf": paths\.{key}: .*outside the project"):
        Project.open(root)


def test_the_cli_prints_the_problems_without_a_traceback(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _edit(root, "min_approved = 0.5", "min_approved = true")
    _edit(root, "max_bytes = 10_000_000", 'max_bytes = "ten"')
    for command in (["status"], ["ingest", str(root)], ["build"]):
        done = run_cli("-p", root, *command, env={"NO_COLOR": "1"})
        assert done.returncode == 1 and "Traceback" not in done.stderr, (command, done.stderr)
        assert "publish.min_approved" in done.stderr and "ingest.max_bytes" in done.stderr
