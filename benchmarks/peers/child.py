"""Run one benchmark step in this (fresh) process; print its wall time and peak memory as JSON.

    python child.py '{"commands": [[...], ...], "cwd": "...", "log": "..."}'
    python child.py '{"library": "/project", "actions": ["ingest", "build"]}'

Commands run one after another; the time is from the first start to the last exit and the
memory is ``RUSAGE_CHILDREN`` ``ru_maxrss``: the largest resident set of any one of them
(and their own children; at least this small process's own size, which each inherits at
fork); CPU is their user + system time. A library step imports i18npub first, then times
``i18npub.open(project)`` and the calls (wall and CPU, its worker processes' included); its
memory is this process's own peak (``VmHWM``), imports included (a forked worker's is
smaller: it parses one source at a time).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def run_commands(commands: list[list[str]], cwd: str, log: str) -> dict[str, object]:
    started = time.perf_counter()
    with open(log, "ab") as output:
        for argv in commands:
            output.write(f"$ {' '.join(argv)}\n".encode())
            output.flush()
            code = subprocess.run(argv, cwd=cwd, stdout=output, stderr=subprocess.STDOUT).returncode
            if code:
                return {"error": f"{Path(argv[0]).name} exited with {code} (see {log})"}
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu": _cpu(usage), "rss_mb": usage.ru_maxrss / 1024}


def run_library(project_dir: str, actions: list[str]) -> dict[str, object]:
    import i18npub

    before = _cpu(resource.getrusage(resource.RUSAGE_SELF), _workers())
    started = time.perf_counter()
    project = i18npub.open(project_dir)
    for action in actions:
        if action == "ingest":
            results = project.ingest([project.path("content")])
            errors = [r.message for r in results if r.action == "error"]
            if errors:
                return {"error": f"{len(errors)} ingest errors, first: {errors[0]}"}
        else:
            project.build()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = _cpu(usage, _workers()) - before
    return {"seconds": seconds, "cpu": cpu, "rss_mb": _own_peak_mb(usage)}


def _own_peak_mb(usage: resource.struct_rusage) -> float:
    """This process's peak RSS. Linux's ``ru_maxrss`` keeps the parent's RSS at fork as a
    floor; ``VmHWM`` is the peak of this program's own memory."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return usage.ru_maxrss / 1024
    kilobytes = next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmHWM:")
    return kilobytes / 1024


def _workers() -> resource.struct_rusage:
    return resource.getrusage(resource.RUSAGE_CHILDREN)


def _cpu(*usages: resource.struct_rusage) -> float:
    return sum(usage.ru_utime + usage.ru_stime for usage in usages)


def main() -> None:
    spec = json.loads(sys.argv[1])
    if "library" in spec:
        result = run_library(spec["library"], spec["actions"])
    else:
        result = run_commands(spec["commands"], spec["cwd"], spec["log"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
