"""Markers (declared in pyproject.toml) that a quick local run deselects and CI runs:

* ``server``: starts a Prefect server (the ``prefect_server`` fixture), a worker, a Dask
  cluster, or another service in its own process;
* ``browser``: drives headless Chromium (the ``browser`` fixture);
* ``slow``: takes more than about 3 s (measured with ``--durations`` on the full run), or
  is a parametrized family whose cases add up to more than about 5 s.

A test that uses a fixture below without its marker stops the collection, so
``-m "not server and not browser"`` never starts a server or a browser by accident.
"""

from __future__ import annotations

import pytest

FIXTURE_MARKERS = {"browser": "browser", "prefect_server": "server"}


def check_fixture_markers(items: list[pytest.Item]) -> None:
    """Fail the collection when a test uses a service fixture without the service's marker."""
    unmarked = [
        f"{item.nodeid} (uses {fixture!r}, not marked {marker!r})"
        for item in items
        for fixture, marker in FIXTURE_MARKERS.items()
        if fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker(marker)
    ]
    if unmarked:
        raise pytest.UsageError("tests missing a marker:\n  " + "\n  ".join(unmarked))
