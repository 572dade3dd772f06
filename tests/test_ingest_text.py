"""Plain-text sources: the scraped WIPO page and hand-made pages like it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from i18npub.ingest.base import IngestError
from i18npub.ingest.text import is_navigation, read_text

NAV = " ".join(
    ["Home", "About Us", "News & Events", "Patents", "Trademarks", "Industrial Designs"] * 6
)
PAGE = f"""{NAV}

Harbour Authority Opens New Ferry Line

March 14, 2026

The ferry began service on Saturday. It carries 180 passengers.

( Photo: Harbour Authority)
( Photo: City Hall)

Cheaper Tickets

A single ticket costs $2.50. Dr. Okafor said so.

Share this article
"""


def test_navigation_run_is_dropped_and_title_and_date_found() -> None:
    draft = read_text(PAGE, "page.txt")
    assert draft.title == "Harbour Authority Opens New Ferry Line"
    assert draft.date == dt.date(2026, 3, 14)
    assert [b.kind for b in draft.blocks] == [
        "paragraph",
        "caption",
        "caption",
        "heading",
        "paragraph",
    ]
    assert all("About Us" not in block.text for block in draft.blocks)


def test_each_caption_line_is_its_own_block() -> None:
    draft = read_text(PAGE, "page.txt")
    captions = [b.text for b in draft.blocks if b.kind == "caption"]
    assert captions == ["( Photo: Harbour Authority)", "( Photo: City Hall)"]


def test_trailing_share_line_is_dropped() -> None:
    draft = read_text(PAGE, "page.txt")
    assert draft.blocks[-1].text == "A single ticket costs $2.50. Dr. Okafor said so."


def test_hard_wrapped_lines_are_joined() -> None:
    text = "Title Here\n\nThe first line of a paragraph\nwraps onto a second line.\n"
    draft = read_text(text, "wrapped.txt")
    assert draft.blocks[0].text == "The first line of a paragraph wraps onto a second line."


def test_list_lines_become_list_items() -> None:
    text = "Title\n\nThree things happened.\n\n- One thing.\n- Another thing.\n"
    draft = read_text(text, "list.txt")
    assert [(b.kind, b.text) for b in draft.blocks[1:]] == [
        ("list_item", "One thing."),
        ("list_item", "Another thing."),
    ]


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        (NAV, True),
        ("The ferry began service on Saturday. It carries 180 passengers.", False),
        (
            "Officials said the ferry, which carries 180 passengers and was built by a local "
            "yard over three years at a cost of $4 million, began service on Saturday after "
            "a delay caused by a shortage of parts and an unusually stormy winter season",
            False,
        ),
    ],
)
def test_is_navigation(paragraph: str, expected: bool) -> None:
    assert is_navigation(paragraph) is expected


def test_page_with_only_navigation_is_refused() -> None:
    with pytest.raises(IngestError, match=r"^nav\.txt: no article text found"):
        read_text(NAV + "\n\n" + NAV, "nav.txt")


def test_seed_article_is_kept_word_for_word(seed) -> None:
    from i18npub.ingest import draft_to_article

    text = seed.read_text(encoding="utf-8")
    draft = read_text(text, "seed")
    assert draft.title.startswith("WIPO Attended 2021 China International Fair")
    assert draft.date == dt.date(2021, 9, 9)
    article = draft_to_article(draft, "seed", "seed", "x")
    kept = " ".join(s.text for _, _, s in article.segments())
    body = text.split("\n\n", 1)[1]  # everything after the navigation run
    body = body.replace("September 9, 2021", "")
    assert _words(kept) == _words(body)
    assert "About Intellectual Property" not in kept
    captions = [b for b in article.blocks if b.kind == "caption"]
    assert len(captions) == 7
    assert all(re.fullmatch(r"\( Photo: [A-Z ]+\)", b.segments[0].text) for b in captions)
    headings = [b.segments[0].text for b in article.blocks if b.kind == "heading"]
    assert headings == [
        'Trademark Protection Helps Chinese Enterprises "Go Global" --- International Symposium '
        "on the Promotion of Madrid International Trademark System",
        "About the 2021 China International Fair for Trade in Services (CIFTIS)",
    ]


def _words(text: str) -> list[str]:
    return text.split()
