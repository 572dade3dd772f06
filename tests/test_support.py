"""The test suite's own rules (``tests/support``): a missing shared file or tool skips a
test on a developer's machine and fails it in CI; a service fixture needs its marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.markers import check_fixture_markers
from tests.support.require import require_shared, require_tool

ABSENT_TOOL = "i18npub-no-such-tool"


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A developer's environment: neither CI nor I18NPUB_REQUIRE_TOOLS."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("I18NPUB_REQUIRE_TOOLS", raising=False)
    return monkeypatch


@pytest.mark.parametrize(("name", "value"), [("CI", "true"), ("I18NPUB_REQUIRE_TOOLS", "1")])
def test_a_missing_corpus_fails_in_ci(
    tmp_path: Path, local: pytest.MonkeyPatch, name: str, value: str
) -> None:
    local.setenv(name, value)
    with pytest.raises(pytest.fail.Exception, match="CI must run with it"):
        require_shared(tmp_path / "absent.jsonl")


@pytest.mark.parametrize("ci", [None, "false", "0"])
def test_a_missing_corpus_skips_a_local_run(
    tmp_path: Path, local: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is not None:
        local.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="optional outside CI"):
        require_shared(tmp_path / "absent.jsonl")
    assert require_shared(tmp_path) == tmp_path  # present: returned as it is


def test_a_missing_tool_fails_only_when_tools_are_required(local: pytest.MonkeyPatch) -> None:
    with pytest.raises(pytest.skip.Exception):
        require_tool(ABSENT_TOOL)
    local.setenv("I18NPUB_REQUIRE_TOOLS", "1")
    with pytest.raises(pytest.fail.Exception, match="I18NPUB_REQUIRE_TOOLS"):
        require_tool(ABSENT_TOOL)


class _Item:
    """Enough of a collected test for the marker check."""

    def __init__(self, fixtures: list[str], markers: list[str]) -> None:
        self.nodeid = f"tests/test_x.py::test_{'_'.join(fixtures) or 'plain'}"
        self.fixturenames = fixtures
        self.markers = markers

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.markers else None


def test_a_service_fixture_without_its_marker_stops_the_collection() -> None:
    check_fixture_markers([_Item(["browser"], ["browser"]), _Item(["tmp_path"], [])])  # type: ignore[list-item]
    check_fixture_markers([_Item(["prefect_server"], ["server", "slow"])])  # type: ignore[list-item]
    for fixture in ("browser", "prefect_server"):
        with pytest.raises(pytest.UsageError, match=f"uses '{fixture}'"):
            check_fixture_markers([_Item([fixture], ["slow"])])  # type: ignore[list-item]
