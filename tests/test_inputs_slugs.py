"""Slugs from any titles, repeated any number of times: valid, unique and stable."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18npub.article import numbered_slug, slugify, validate_slug
from i18npub.project import Project

WORDS = ["rate", "bank", "holds", "steady", "inflation", "central", "a", "of", "x", "policy"]


def _allocate(project: Project, titles: list[str]) -> list[str]:
    """The slugs ingest gives these titles, in order, in a project without articles."""
    project._slug_numbers.clear()
    taken: set[str] = set()
    slugs = []
    for title in titles:
        slug = project._free_slug(slugify(title), taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


_titles = st.lists(
    st.one_of(st.text(max_size=120), st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(titles=_titles, repeats=st.lists(st.integers(0, 7), min_size=1, max_size=8))
def test_any_titles_repeated_get_valid_unique_stable_slugs(
    tmp_path_factory, titles: list[str], repeats: list[int]
) -> None:
    project = Project.init(tmp_path_factory.mktemp("slugs") / "p", title="Slugs")
    sequence = [t for t, n in zip(titles, repeats, strict=False) for _ in range(n + 1)]
    slugs = _allocate(project, sequence)
    assert all(validate_slug(slug) == slug for slug in slugs)
    assert len(set(slugs)) == len(slugs)
    assert _allocate(project, sequence) == slugs  # the same titles give the same slugs


@given(wanted=st.text(alphabet="ab-", min_size=1, max_size=90), number=st.integers(2, 10**6))
def test_a_numbered_slug_is_valid_whatever_it_is_cut_from(wanted: str, number: int) -> None:
    base = "-".join(part for part in wanted.split("-") if part) or "a"
    assert validate_slug(numbered_slug(base, number))


def _long_titles(count: int) -> list[str]:
    """Long headlines, a few of them, each recurring; some cut at 55 characters on a hyphen."""
    rng = random.Random(12)
    bases = [" ".join(rng.choice(WORDS) for _ in range(25)) for _ in range(40)]
    cut_on_hyphen = [b for b in bases if slugify(b)[:55].endswith("-")]
    assert cut_on_hyphen, "the titles must include the case that used to crash"
    return [bases[i % len(bases)] for i in range(count)]


@pytest.mark.slow
def test_a_thousand_articles_with_recurring_long_titles_ingest(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "proj", title="Recurring")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for number, title in enumerate(_long_titles(1000)):
        (inbox / f"{number:04d}.md").write_text(
            f"---\ntitle: {title}\n---\n\nStory {number} opened on Monday.\n", encoding="utf-8"
        )
    results = project.ingest([inbox])
    assert [r.message for r in results if r.action != "created"] == []
    slugs = [r.slug for r in results]
    assert len(set(slugs)) == 1000 and all(validate_slug(s) for s in slugs)
    again = Project.open(project.root).ingest([inbox])  # re-ingest keeps every slug
    assert [r.slug for r in again] == slugs and {r.action for r in again} == {"unchanged"}
