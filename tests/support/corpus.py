"""The shared corpus beside the checkout (``../shared/corpus``, see its README): real news,
saved pages and PO files the project measures itself on and never tunes on.

A test needing one of these goes through ``require_shared`` (or the ``corpus`` fixture), so
the file's absence skips it locally and fails it in CI.
"""

from __future__ import annotations

from tests.support.paths import SHARED

CORPUS = SHARED / "corpus"
PAGES = CORPUS / "pages"  # saved news pages: html/, manifest.tsv, ground-truth.json
NEWS = CORPUS / "news"
WMT = NEWS / "wmt22-news-en-zh.jsonl"  # WMT22 news, English with two human Chinese references
SENTENCE_GOLD = NEWS / "sentence-gold.jsonl"  # sentence boundaries marked by hand
PO_CORPUS = CORPUS / "po"  # real catalogs of other projects, for byte-exact round trips
SEED = SHARED / "samples" / "wipo-ciftis-2021.txt"  # the scraped page that started the project
