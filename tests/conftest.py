"""Fixture registration; what the fixtures are made of lives in ``tests/support``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import launch_chromium
from tests.support.corpus import CORPUS, SEED
from tests.support.markers import check_fixture_markers
from tests.support.require import require_shared

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    check_fixture_markers(items)


@pytest.fixture
def project(tmp_path: Path):
    from i18npub.project import Project

    return Project.init(tmp_path / "proj", title="Test site")


@pytest.fixture
def corpus() -> Path:
    """``../shared/corpus``: skips the test when it is missing, fails it in CI."""
    return require_shared(CORPUS)


@pytest.fixture
def seed() -> Path:
    return require_shared(SEED)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """The system Chromium through playwright (no `playwright install`), one per module."""
    with launch_chromium() as chromium:
        yield chromium
