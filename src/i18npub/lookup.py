"""A sentence's identity and state: the one place that decides both.

**Identity.** Every segment of an article has a catalog key, ``(msgctxt, msgid)``: the msgid is
the segment's text; msgctxt is the segment's role (``title``, ``heading``, ``caption`` or
``body``), set only where the same text plays two roles in one article, so each role can be
translated on its own. Template writing and publishing both ask :class:`ArticleKeys`.

**State.** The PO entry says it all, so it survives Poedit, Weblate, Lokalize and text editors:

* ``untranslated``: ``msgstr`` is empty;
* ``approved``: ``msgstr`` is filled and the entry is not fuzzy;
* ``machine``: fuzzy, with i18npub's provenance comment
  ``# i18npub: machine engine=… date=… source=<hash of the msgid>`` for the current msgid;
* ``pseudo``: a machine entry from the ``pseudo`` engine (layout testing);
* ``outdated``: fuzzy, but not a machine draft of the current text: a translation carried
  over from a sentence that changed (``#| msgid``), a machine draft whose ``source`` hash is
  that of an older text, or an entry a translator flagged "needs work".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from i18npub.article import Article, Block, Segment, text_hash
from i18npub.po import POEntry

Key = tuple[str | None, str]  # (msgctxt, msgid)
PROVENANCE_PREFIX = "i18npub: "
MACHINE_KIND = "machine"
PSEUDO_ENGINE = "pseudo"
ROLES = ("title", "heading", "caption")


class EntryState(StrEnum):
    """What a catalog entry's translation is worth to a reader."""

    APPROVED = "approved"
    MACHINE = "machine"
    OUTDATED = "outdated"
    PSEUDO = "pseudo"
    UNTRANSLATED = "untranslated"


# Identity --------------------------------------------------------------------------------


def role(kind: str) -> str:
    """The role a block kind plays for msgctxt: title, heading, caption or body."""
    return kind if kind in ROLES else "body"


@dataclass(frozen=True)
class ArticleKeys:
    """The catalog key of every segment of one article."""

    contexts: dict[tuple[str, str], str]  # (text, role) -> msgctxt, for texts in two roles

    @classmethod
    def of(cls, article: Article) -> ArticleKeys:
        roles: dict[str, set[str]] = {}
        for _, block, segment in article.segments():
            roles.setdefault(segment.text, set()).add(role(block.kind))
        return cls(
            {
                (text, text_role): text_role
                for text, text_roles in roles.items()
                if len(text_roles) > 1
                for text_role in text_roles
            }
        )

    def key(self, block: Block, segment: Segment) -> Key:
        """``(msgctxt, msgid)`` of ``segment`` in ``block``."""
        return (self.contexts.get((segment.text, role(block.kind))), segment.text)


def sentence_count(article: Article) -> int:
    """Distinct sentences (catalog keys) of ``article``: what status, pages and ingest count
    (a photo credit that repeats counts once)."""
    keys = ArticleKeys.of(article)
    return len({keys.key(block, segment) for _, block, segment in article.segments()})


def entry_key(entry: POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


# Provenance ------------------------------------------------------------------------------


def provenance(entry: POEntry) -> dict[str, str]:
    """The provenance recorded by i18npub in the entry's translator comments ({} if none)."""
    for comment in entry.translator_comments:
        if comment.startswith(PROVENANCE_PREFIX):
            words = comment[len(PROVENANCE_PREFIX) :].split()
            fields = dict(word.split("=", 1) for word in words[1:] if "=" in word)
            return {"kind": words[0] if words else "", **fields}
    return {}


def set_machine_translation(entry: POEntry, text: str, engine: str, **details: str) -> None:
    """Fill an entry as a machine translation of its current msgid: fuzzy, with provenance."""
    entry.msgstr = text
    entry.fuzzy = True
    entry.previous_msgid = None
    fields = {"engine": engine, "date": dt.date.today().isoformat(), **details}
    fields["source"] = text_hash(entry.msgid)
    record = (
        PROVENANCE_PREFIX + MACHINE_KIND + " " + " ".join(f"{k}={v}" for k, v in fields.items())
    )
    kept = [c for c in entry.translator_comments if not c.startswith(PROVENANCE_PREFIX)]
    entry.translator_comments = [*kept, record]


def rebase_machine_source(entry: POEntry, old: POEntry) -> None:
    """``entry`` carries the machine draft of ``old``, a trivially equal text: if the draft was
    current for ``old``, it is current for ``entry`` (its ``source`` hash follows)."""
    record = provenance(entry)
    if record.get("kind") != MACHINE_KIND or record.get("source") != text_hash(old.msgid):
        return
    new = f"source={text_hash(entry.msgid)}"
    entry.translator_comments = [
        re.sub(r"\bsource=\S+", new, c) if c.startswith(PROVENANCE_PREFIX) else c
        for c in entry.translator_comments
    ]


# State -----------------------------------------------------------------------------------


def state_of(entry: POEntry) -> EntryState:
    """The entry's state (see the module docstring)."""
    if not (entry.msgstr or any(entry.msgstr_plural.values())):
        return EntryState.UNTRANSLATED
    if not entry.fuzzy:
        return EntryState.APPROVED
    record = provenance(entry)
    if record.get("kind") != MACHINE_KIND or entry.previous_msgid is not None:
        return EntryState.OUTDATED
    if record.get("source", text_hash(entry.msgid)) != text_hash(entry.msgid):
        return EntryState.OUTDATED
    return EntryState.PSEUDO if record.get("engine") == PSEUDO_ENGINE else EntryState.MACHINE


def is_approved(entry: POEntry) -> bool:
    """A reviewed translation of the current text (what the memory and readers may trust)."""
    return not entry.obsolete and state_of(entry) is EntryState.APPROVED


def is_fillable(entry: POEntry) -> bool:
    """An entry machine translation may fill: current, singular and untranslated."""
    return (
        bool(entry.msgid)
        and not entry.obsolete
        and not entry.msgid_plural
        and state_of(entry) is EntryState.UNTRANSLATED
    )


def mark_outdated(entry: POEntry, old: POEntry) -> None:
    """Carry ``old``'s translation onto ``entry`` (whose text changed) as outdated: fuzzy, with
    the text it was made for as ``#| msgid`` (the first such text, if it was outdated already)."""
    entry.msgstr = old.msgstr
    entry.flags = [*[f for f in old.flags if f != "fuzzy"], "fuzzy"]
    entry.previous_msgid = old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid


def outdated_reason(entry: POEntry) -> str:
    """Why an outdated entry needs a translator, in a translator's words."""
    if entry.previous_msgid is not None:
        return (
            f"the English changed since this translation was made (was: {entry.previous_msgid!r})"
        )
    if provenance(entry).get("kind") == MACHINE_KIND:
        return "a machine draft of an older version of the English"
    return "marked fuzzy (needs work) without a machine draft: review it"
