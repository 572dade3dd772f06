"""Whether work may go to forked worker processes here, and to how many.

Ingest parses sources, and the site build renders articles, in worker processes made with
``fork`` (cheap: they inherit the imports, the compiled templates, the loaded segmenter).
Forking is safe only where the platform's libraries allow it (Linux) and while no other
thread runs: a lock another thread holds would stay held in the child. A fresh interpreter
(``spawn``) instead would import the caller's main module again, which breaks a script
without an ``if __name__ == "__main__"`` guard; so where forking is unsafe the work stays
in the calling process.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import sys
import threading


def cores() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fork_context(own_threads: int = 0) -> multiprocessing.context.BaseContext | None:
    """The ``fork`` context where forking is safe: on Linux, with no thread running but this
    one and ``own_threads`` of the caller's that hold no lock; else None."""
    alone = threading.active_count() - own_threads == 1
    if sys.platform.startswith("linux") and alone:
        return multiprocessing.get_context("fork")
    return None
