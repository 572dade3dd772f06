"""The values of a PO catalog: entries (:class:`POEntry`), layouts, the syntax error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


class POSyntaxError(ValueError):
    """A PO file that cannot be read; ``str(error)`` is ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


Layout = Literal["gnu", "textwrap", "babel", "none", "single"]


@dataclass(frozen=True)
class WrapStyle:
    """How changed and new entries are laid out.

    ``kind``: ``gnu`` (msgcat: ``width`` display columns), ``textwrap`` (polib: ``width``
    code points), ``babel`` (Babel's ``write_po``: ``width`` code points, default 76),
    ``none`` (one line per logical line, like ``msgcat --no-wrap``) or ``single`` (the
    whole string on one line). ``msgstr_kind`` and ``msgstr_width``: the layout of
    translations when it differs (Transifex writes some projects' msgstr unwrapped; 0 is
    the kind's default width). ``header_wrap``:
    whether the header is wrapped like other entries (GNU) or one field per line (Transifex,
    polib). ``refs``: ``#:`` layout, ``gnu`` (fill to ``ref_width`` bytes), ``textwrap``
    (polib), ``single`` (one line) or ``each`` (one per line). ``empty_comment``: how an
    empty translator comment is written, ``#`` (GNU) or ``# `` (polib, Transifex).
    """

    kind: Layout = "gnu"
    width: int = 79
    msgstr_kind: Layout | None = None
    header_wrap: bool = True
    refs: Literal["gnu", "textwrap", "single", "each"] = "gnu"
    ref_width: int = 79
    empty_comment: str = "#"
    msgstr_width: int = 0


GNU = WrapStyle()
POLIB = WrapStyle(
    "textwrap", 78, header_wrap=False, refs="textwrap", ref_width=78, empty_comment="# "
)
NOWRAP = WrapStyle("none", 79, header_wrap=False, refs="single")
DEFAULT_WIDTH = {"gnu": 79, "textwrap": 78, "babel": 76, "none": 79, "single": 79}

_KEY_FIELDS = frozenset({"msgid", "msgctxt", "obsolete"})  # what the catalog's index uses


class _Index(Protocol):
    """What an entry asks of the catalog that holds it (a :class:`~i18npub.po.POFile`)."""

    def _index(self, entry: POEntry) -> None: ...

    def _unindex(self, entry: POEntry) -> None: ...


@dataclass(eq=False)
class POEntry:
    """One catalog entry. Equality is identity; ``lineno`` is where it starts (1-based)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    lineno: int = 0
    _raw: str | None = field(default=None, init=False, repr=False)
    _prefix: str | None = field(default=None, init=False, repr=False)
    _snap: tuple[Any, ...] | None = field(default=None, init=False, repr=False)
    _owner: _Index | None = field(default=None, init=False, repr=False)

    def __setattr__(self, name: str, value: Any) -> None:
        owner = self.__dict__.get("_owner")
        if owner is not None and name in _KEY_FIELDS:
            owner._unindex(self)
            object.__setattr__(self, name, value)
            owner._index(self)
        else:
            object.__setattr__(self, name, value)

    @property
    def key(self) -> tuple[str | None, str]:
        """``(msgctxt, msgid)``, what identifies the entry in its catalog."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        """Whether the ``fuzzy`` flag is set; setting adds it first or removes it."""
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value:
            self.flags[:] = [f for f in self.flags if f != "fuzzy"]

    @property
    def translated(self) -> bool:
        """Every msgstr is non-empty, and the entry is neither fuzzy nor obsolete."""
        if self.obsolete or self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    def _unchanged(self) -> bool:
        """True if every field still has the value it was read with."""
        s = self._snap
        return s is not None and (
            self.msgstr == s[3]
            and self.msgid == s[1]
            and self.msgctxt == s[0]
            and self.msgid_plural == s[2]
            and tuple(self.msgstr_plural.items()) == s[4]
            and tuple(self.references) == s[8]
            and tuple(self.flags) == s[5]
            and tuple(self.translator_comments) == s[6]
            and tuple(self.extracted_comments) == s[7]
            and self.previous_msgid == s[10]
            and self.previous_msgctxt == s[9]
            and self.previous_msgid_plural == s[11]
            and self.obsolete == s[12]
        )


SNAP_INDEX = {
    "msgctxt": 0,
    "msgid": 1,
    "msgid_plural": 2,
    "msgstr": 3,
    "flags": 5,
    "translator_comments": 6,
    "extracted_comments": 7,
    "references": 8,
    "previous_msgctxt": 9,
    "previous_msgid": 10,
    "previous_msgid_plural": 11,
}


def snapshot(e: POEntry) -> tuple[Any, ...]:
    """The fields of ``e`` as compared by POEntry._unchanged (SNAP_INDEX: their positions)."""
    return (
        e.msgctxt,
        e.msgid,
        e.msgid_plural,
        e.msgstr,
        tuple(e.msgstr_plural.items()),
        tuple(e.flags),
        tuple(e.translator_comments),
        tuple(e.extracted_comments),
        tuple(e.references),
        e.previous_msgctxt,
        e.previous_msgid,
        e.previous_msgid_plural,
        e.obsolete,
    )


def is_header(entry: POEntry) -> bool:
    """Whether ``entry`` has the header's key (msgid ``""``, no msgctxt, not obsolete)."""
    return entry.msgid == "" and entry.msgctxt is None and not entry.obsolete
