"""Small projects for a test: an engine chain written to ``i18npub.toml``, an article added
from Markdown, and a short story more than one suite edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from i18npub.project import Project

# One article, four sentences; the concurrency suites swap and kill around its catalog.
HARBOUR_VOTE = """---
slug: harbour-vote
title: Harbour board vote
---

The harbour board approved a plan for 300 ferries on Monday. Ms. Lee said the vote was close.

The city council will debate the budget of $4.5 million in March. Officials expect a long debate.
"""


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def configure(
    root: Path,
    engines: list[str],
    tables: dict[str, dict[str, Any]] | None = None,
    **translate: Any,
) -> Project:
    """Write ``i18npub.toml`` with a chain, fast retry settings and engine tables."""
    settings = {"engines": engines, "backoff": 0.01, "timeout": 2, "connect_timeout": 1}
    lines = ['[project]\ntitle = "Test"\n\n[translate]']
    lines += [f"{key} = {_toml_value(value)}" for key, value in {**settings, **translate}.items()]
    for name, table in (tables or {}).items():
        lines.append(f"\n[engines.{name}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
    (root / "i18npub.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Project.open(root)


def add_article(project: Project, slug: str, body: str) -> None:
    """Ingest ``body`` as the article ``slug`` (a Markdown file beside the project)."""
    source = project.root.parent / f"{slug}.md"
    source.write_text(f"---\nslug: {slug}\ntitle: {slug}\n---\n\n{body}\n", encoding="utf-8")
    [result] = project.ingest([source])
    assert result.action in ("created", "updated"), result.message
