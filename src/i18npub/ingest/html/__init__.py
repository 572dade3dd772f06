"""Read a saved news web page: keep the article, drop the site chrome.

``read_html`` parses the page once with lxml and walks its body once. The walk turns every
run of text into a candidate block (paragraph, heading, list item, quote, caption, code)
with its word and link-word counts, and records which blocks each container element holds.

* The article container is the element whose blocks add up to the most prose: long,
  link-poor text counts for it (little when it hangs under a linked headline, like a
  teaser); links and short fragments count against it (less when they sit in a small gap
  between two prose blocks, like an inline "related" box); text inside elements named like
  page chrome (``comments``, ``related``, ``share``, ``<aside>``, hidden…) counts as
  dropped. Article markup (``<article>``, ``itemprop=articleBody``, ``article-body``-like
  names) and starting right after the ``<h1>`` headline earn a bonus. Small chrome-named
  elements are not even walked, only counted.
* Inside the container each block is kept or dropped much as jusText does: long link-poor
  blocks are good, link lists and boilerplate phrases bad, and short blocks take their
  neighbours' side; what follows a closing ``<hr>`` is cut when it is a small tail.
* Headline, date and byline come from JSON-LD, meta tags, ``<h1>``/``<time>`` and datelines.

No rule names a site: everything keys on HTML structure, text statistics and the generic
class-name vocabulary of web page templates.

The modules, in the order a page goes through them: ``parse`` (bytes to a tree),
``metadata`` (headline, date, byline), ``walk`` (the candidate blocks and containers),
``select`` (the article container), ``classify`` (each block kept or dropped); every word
list, pattern and threshold they use is in ``vocabulary``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from lxml import etree

from i18npub.ingest.base import Draft, IngestError
from i18npub.ingest.html.metadata import Meta, body_blocks, misses_body, parse_date, visible_date
from i18npub.ingest.html.parse import base_url, parse_page
from i18npub.ingest.html.select import extract
from i18npub.ingest.html.vocabulary import RETRY_WORDS, STRIP_TAGS

__all__ = ["parse_date", "read_html"]


def read_html(html: str | bytes, url: str = "", source: str = "") -> Draft:
    """Extract the article of a news page: headline, date, byline and body blocks.

    ``url`` makes links absolute; ``source`` names the page in errors. Raises IngestError
    when the page holds no article text (empty, binary, navigation only).
    """
    with _gc_paused():  # the walk makes many small objects and no cycles
        return _read(html, url, source or url or "HTML")


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(html: str | bytes, url: str, name: str) -> Draft:
    root = parse_page(html, name)
    meta = Meta.read(root)
    base = base_url(root, url)
    body = root.find("body")
    body = body if body is not None else root
    etree.strip_elements(body, *STRIP_TAGS, with_tail=False)
    found = extract(body, base, meta.title, names=True)
    words = sum(piece.words for piece in found.kept)
    if words < RETRY_WORDS:  # was the article inside an element with an unlucky name?
        retry = extract(body, base, meta.title, names=False)
        if sum(piece.words for piece in retry.kept) >= max(2 * words, RETRY_WORDS):
            found = retry
    blocks = [piece.raw(base) for piece in found.kept]
    if meta.body and misses_body(found.kept, meta.body):  # the publisher's own text says so
        blocks = body_blocks(meta.body)
    if not blocks:
        raise IngestError(f"{name}: no article text found in HTML")
    return Draft(
        title=meta.title,
        blocks=blocks,
        date=meta.date or visible_date(body, found.chosen),
        byline=meta.byline,
        url=url,
    )
