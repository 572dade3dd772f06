"""One walk over the page body: candidate blocks (pieces) with their word and link-word
counts, and the piece range, junk level and content bonus of every container element."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from i18npub.article import PLACEHOLDER_RE, Inline
from i18npub.ingest.base import RawBlock, RichText
from i18npub.ingest.html.parse import norm, text_of
from i18npub.ingest.html.vocabulary import (
    ALLOWED_SCHEMES,
    BAD_LINK_DENSITY,
    BODY_HINT_RE,
    CAPTION_INLINE,
    CAPTION_RE,
    CAPTION_WORDS,
    CODE_TAGS,
    GOOD_LINK_DENSITY,
    GOOD_WORDS,
    HEADINGS,
    HIDDEN_STYLE_RE,
    INLINE_TAGS,
    INVISIBLE_RE,
    JUNK_ROLES,
    LANG_CLASS_RE,
    LINKED_PROSE_WORDS,
    LIST_TAGS,
    MARKUP_KINDS,
    POST_WRAPPER_RE,
    SCHEME_RE,
    SENTENCE_ENDS,
    SKIP_SHARE,
    SKIP_TAGS,
    STRONG_JUNK_RE,
    TAG_HINTS,
    TAXONOMY_CLASS_RE,
    TIDY_CLOSE_RE,
    TIDY_OPEN_RE,
    TOKEN_SPLIT_RE,
    WEAK_JUNK,
)


@dataclass(slots=True)
class Piece:
    """A candidate block and what the classifier needs to know about it."""

    kind: str
    text: str
    markup: list[Inline]
    level: int
    words: int  # words outside links
    link_words: int = 0
    code: str = ""
    language: str = ""
    junk: int = 0  # 2 inside a chrome-named element, 1 inside a suspect one
    group: int = 0  # list items: which list
    keep: int = 0  # 1 kept, -1 dropped, 0 undecided

    @property
    def plain(self) -> str:
        return PLACEHOLDER_RE.sub("", self.text) if self.markup else self.text

    @property
    def link_density(self) -> float:
        total = self.words + self.link_words
        return self.link_words / total if total else 1.0

    @property
    def prose(self) -> bool:
        if self.words < GOOD_WORDS:
            return False
        density = self.link_density
        if density <= GOOD_LINK_DENSITY:
            return True
        # Running text with many inline links (a roundup, a linked explainer): a long
        # paragraph that closes like a sentence, at most half of it links.
        return (
            self.kind == "paragraph"
            and density <= BAD_LINK_DENSITY
            and self.words + self.link_words >= LINKED_PROSE_WORDS
            and self.plain.rstrip().endswith(SENTENCE_ENDS)
        )

    def value(self) -> float:
        """What this block adds to a container's claim to be the article."""
        if self.kind == "code":
            return self.words / 2
        if self.kind == "caption" or (self.kind == "heading" and not self.link_words):
            return 0
        if self.junk > 1:  # dropped anyway: a container holding it is not worse for that
            return -1
        if self.prose and not self.junk:
            return self.words - self.link_words
        return -self.link_words - 1

    def raw(self, base: str) -> RawBlock:
        """The RawBlock, with link and image addresses made absolute against ``base``."""
        if self.kind == "code":
            return RawBlock(kind="code", code=self.code, language=self.language)
        markup = [_absolute(inline, base) for inline in self.markup] if base else self.markup
        kind = self.kind
        return RawBlock(kind=kind, text=self.text, markup=markup, level=self.level)  # type: ignore[arg-type]


def _absolute(inline: Inline, base: str) -> Inline:
    """The inline with its ``href`` or ``src`` resolved against ``base``."""
    if inline.kind not in ("link", "image"):
        return inline
    attrs = tuple(
        (name, urljoin(base, value) if name in ("href", "src") else value)
        for name, value in inline.attrs
    )
    return Inline(inline.kind, attrs)


@dataclass(slots=True)
class _Open:
    """A markup element being walked: its Inline and its number in the current block."""

    inline: Inline
    number: int = 0  # 0 while not yet opened in the current block (no text since)


class Walker:
    """One pass over the body: candidate blocks and the block range of every container."""

    def __init__(self, names: bool = True) -> None:
        self.pieces: list[Piece] = []
        # (element, first piece, end piece, junk level, content bonus)
        self.containers: list[tuple[etree._Element, int, int, int, float]] = []
        self.rules: list[int] = []  # piece indices where an <hr> stands
        self.kind = "paragraph"
        self.level = 0
        self.list_depth = 0
        self.group = 0  # the list that list items belong to
        self.groups = 0
        self.in_link = 0
        self.stack: list[_Open] = []  # markup elements around the current text
        self.unopened = 0
        self.names = names  # trust class and id names
        self.skip_chars = 0.0
        self.skip_paragraphs = 0
        self._new_block()

    def walk_page(self, body: etree._Element) -> None:
        """Walk the page body."""
        text = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
        self.skip_chars = SKIP_SHARE * len(text)
        self.skip_paragraphs = int(SKIP_SHARE * sum(1 for _ in body.iter("p")))
        self.walk_children(body)
        if self.has_text:
            self.flush()
        if self.pieces:  # the body itself is a candidate too (paragraphs right under it)
            self.containers.append((body, 0, len(self.pieces), 0, 0.0))

    def _new_block(self) -> None:
        self.rich = RichText()
        self.has_text = False
        self.space = False
        self.words = 0
        self.link_words = 0
        self.after_br = False

    # ------------------------------------------------ running text

    def text(self, text: str) -> None:
        """Add a text node to the current block."""
        if text.isspace():
            self.space = self.has_text
            return
        if self.unopened:
            self._open_pending()
        if self.space:
            text = " " + text
            self.space = False
        self.rich.add(text)
        self.has_text = True
        self.after_br = False
        if self.in_link:
            self.link_words += len(text.split())
        else:
            self.words += len(text.split())

    def _open_pending(self) -> None:
        """Open the markup that text is about to appear in."""
        if self.space:
            self.rich.add(" ")
            self.space = False
        for entry in self.stack:
            if not entry.number:
                entry.number = self.rich.open(entry.inline)
        self.unopened = 0

    def flush(self) -> None:
        """End the current block (which holds text) and keep it as a piece."""
        for entry in reversed(self.stack):
            if entry.number:
                self.rich.close(entry.number)
                entry.number = 0
        self.unopened = len(self.stack)
        if text := tidy(self.rich.text, bool(self.rich.markup)):
            group = self.group if self.kind == "list_item" else 0
            words, links = self.words, self.link_words
            self.pieces.append(
                Piece(self.kind, text, self.rich.markup, self.level, words, links, group=group)
            )
        self._new_block()

    def line_break(self) -> None:
        """``<br>`` is a space; two in a row end the block."""
        if self.after_br:
            self.flush()
        elif self.has_text:
            self.space = True
            self.after_br = True

    # ------------------------------------------------ elements

    def walk_children(self, element: etree._Element) -> None:
        """Walk the text and the children of ``element``."""
        if element.text:
            self.text(element.text)
        for child in element:
            tag = child.tag
            if tag.__class__ is str and tag not in SKIP_TAGS:
                if tag in INLINE_TAGS:
                    if tag in CAPTION_INLINE and self.kind != "caption" and _is_caption(child):
                        self.block(child, tag)
                    else:
                        self.inline(child, tag)
                elif tag == "br":
                    self.line_break()
                elif tag == "pre":
                    self.code_block(child)
                elif tag == "hr":
                    if self.has_text:
                        self.flush()
                    self.rules.append(len(self.pieces))
                else:
                    self.block(child, tag)
            if child.tail:
                self.text(child.tail)

    def inline(self, element: etree._Element, tag: str) -> None:
        """Walk running-text markup: links, bold, italics; code and images are atoms."""
        entry = None
        is_link = False
        if tag == "a":
            href = element.get("href")
            is_link = href is not None
            if target := _href(href):
                entry = _Open(Inline("link", (("href", target),)))
        elif tag in MARKUP_KINDS:
            kind = MARKUP_KINDS[tag]
            if not any(open_.inline.kind == kind for open_ in self.stack):
                entry = _Open(Inline(kind))  # type: ignore[arg-type]
        elif tag == "img":
            self.image(element)
            return
        elif tag in CODE_TAGS:
            self.inline_code(element)
            return
        self.in_link += is_link
        if entry:
            self.stack.append(entry)
            self.unopened += 1
        self.walk_children(element)
        if entry:
            self.stack.pop()
            if entry.number:
                self.rich.close(entry.number)
            else:
                self.unopened -= 1
        self.in_link -= is_link

    def inline_code(self, element: etree._Element) -> None:
        if text := text_of(element):
            self._open_pending()
            self.rich.atom(Inline("code", (("text", text),)))
            self.has_text = True
            self.after_br = False
            self.words += len(text.split())

    def image(self, element: etree._Element) -> None:
        """An image inside running text becomes an atom; elsewhere it is dropped."""
        src = element.get("src") or ""
        if not self.has_text or not src or src.startswith("data:"):
            return
        attrs = [("src", src)]
        if alt := norm(element.get("alt") or ""):
            attrs.append(("alt", alt))
        self._open_pending()
        self.rich.atom(Inline("image", tuple(attrs)))

    def code_block(self, element: etree._Element) -> None:
        if self.has_text:
            self.flush()
        code = "".join(element.itertext()).strip("\n").rstrip()
        if code.strip():
            language = _code_language(element)
            self.pieces.append(
                Piece("code", "", [], 0, len(code.split()), code=code, language=language)
            )

    def block(self, element: etree._Element, tag: str) -> None:
        """Walk a block element: a new block starts before and after it."""
        if self.has_text:
            self.flush()
        start = len(self.pieces)
        names = element.keys()
        classes = (
            f"{element.get('class') or ''} {element.get('id') or ''}".lower()
            if "class" in names or "id" in names
            else ""
        )
        junk, bonus = _hints(element, tag, classes if self.names else "", names)
        if junk > 1 and self.skip_small(element, start):
            return
        saved = (self.kind, self.level, self.list_depth, self.group)
        by_class = self._enter(tag, classes)
        self.walk_children(element)
        if self.has_text:
            self.flush()
        self.kind, self.level, self.list_depth, self.group = saved
        if len(self.pieces) == start:
            return
        if by_class and sum(piece.words for piece in self.pieces[start:]) > CAPTION_WORDS:
            for piece in self.pieces[start:]:  # a "caption" that long is something else
                piece.kind = "paragraph" if piece.kind == "caption" else piece.kind
        self.containers.append((element, start, len(self.pieces), junk, bonus))

    def _enter(self, tag: str, classes: str) -> bool:
        """Set the block kind for an element's content; True if set by a caption name."""
        if tag in HEADINGS:
            self.kind, self.level = "heading", max(2, HEADINGS[tag])
        elif tag == "li":
            self.kind, self.level = "list_item", max(1, self.list_depth)
        elif tag in LIST_TAGS:
            self.list_depth += 1
            self.groups += 1
            self.group = self.groups
        elif tag == "blockquote":
            self.kind, self.level = "quote", 0
        elif tag == "figcaption":
            self.kind, self.level = "caption", 0
        elif classes and self.kind != "caption" and _class_hints(classes)[2]:
            self.kind, self.level = "caption", 0
            return True
        return False

    def skip_small(self, element: etree._Element, start: int) -> bool:
        """Count a small chrome-named element as one junk piece instead of walking it.

        Its text is never output, so only its size matters. An element holding much of the
        page's text or paragraphs is walked all the same: it may be a wrapper.
        """
        text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
        if len(text) > self.skip_chars:
            return False
        if self.skip_paragraphs and sum(1 for _ in element.iter("p")) > self.skip_paragraphs:
            return False
        if words := len(text.split()):
            self.pieces.append(Piece("paragraph", "", [], 0, words, junk=2))
            self.containers.append((element, start, start + 1, 2, 0.0))
        return True


def _href(href: str | None) -> str:
    """The link target if it is http(s), mailto or relative; else ""."""
    if not href:
        return ""
    href = "".join(href.split())
    scheme = SCHEME_RE.match(href)
    if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
        return ""
    return href


def _hints(element: etree._Element, tag: str, classes: str, names: list[str]) -> tuple[int, float]:
    """(junk level 0-2, content bonus) of a container from its tag and attributes."""
    junk, bonus, _ = _class_hints(classes) if classes else (0, 0.0, False)
    if len(names) > ("class" in names) + ("id" in names):
        style = element.get("style")
        role = element.get("role")
        if (
            "hidden" in names
            or (style and HIDDEN_STYLE_RE.search(style))
            or (role and role.lower() in JUNK_ROLES)
        ):
            junk = 2
        if element.get("itemprop") == "articleBody":
            bonus = 0.25
    if tag in TAG_HINTS:
        tag_junk, tag_bonus = TAG_HINTS[tag]
        junk, bonus = max(junk, tag_junk), max(bonus, tag_bonus)
    if bonus and junk < 2:
        junk = 0
    return junk, bonus


def _is_caption(element: etree._Element) -> bool:
    classes = element.get("class")
    return bool(classes) and _class_hints(classes.lower())[2]


@lru_cache(maxsize=4096)
def _class_hints(classes: str) -> tuple[int, float, bool]:
    """(junk level, content bonus, names a caption) from lowercase class and id names."""
    if POST_WRAPPER_RE.search(classes):
        classes = TAXONOMY_CLASS_RE.sub(" ", classes)
    bonus = 0.2 if BODY_HINT_RE.search(classes) else 0.0
    caption = bool(CAPTION_RE.search(classes))
    if STRONG_JUNK_RE.search(classes) and "commentary" not in classes:
        return 2, bonus, caption
    if not WEAK_JUNK.isdisjoint(TOKEN_SPLIT_RE.split(classes)):
        return 1, bonus, caption
    return 0, bonus, caption


def _code_language(element: etree._Element) -> str:
    for candidate in (element, *element.iter("code")):
        if found := LANG_CLASS_RE.search(candidate.get("class") or ""):
            return found.group(1).lower()
    return ""


def tidy(text: str, markup: bool) -> str:
    """Collapse whitespace, drop zero-width characters, move spaces out of placeholders."""
    if INVISIBLE_RE.search(text):
        text = INVISIBLE_RE.sub("", text)
    text = " ".join(text.split())
    if markup:
        text = TIDY_CLOSE_RE.sub(r"\1 ", TIDY_OPEN_RE.sub(r" \1", text))
        text = " ".join(text.split())
    return text
