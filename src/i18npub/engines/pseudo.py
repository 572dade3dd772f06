"""``pseudo``: pseudo-localization for layout testing — never a translation.

Every letter becomes an accented look-alike (``Ŧĥé fęřřý``), or, for Chinese and Japanese,
its full-width form (``Ｔｈｅ ｆｅｒｒｙ``, as wide as ideographs), and the text is wrapped in
``⟦ ⟧`` so cut-off text shows. Tokens and placeholders are kept. The provenance says
``engine=pseudo pseudo=layout-test``, so pages can mark it and reviewers never approve it.
"""

from __future__ import annotations

from collections.abc import Sequence

from i18npub.engines.base import Answer, Engine, Limits, Settings

ACCENTS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "ÅƁÇĐÉƑĜĤÎĴĶĹṀŃÖƤǪŘŠŦÜṼŴẊÝŽåƀçđéƒĝĥîĵķĺɱńöƥǫřšŧüṽŵẋýž",
)
FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


class PseudoEngine(Engine):
    kind = "pseudo"
    cacheable = False
    limits = Limits(max_chars=10**9, batch_size=10**9, batch_chars=10**12, concurrency=1)

    def __init__(self, settings: Settings) -> None:
        self.name = settings.name

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[Answer]:
        wide = target.lower()[:2] in ("zh", "ja")
        return [Answer(pseudolocalize(text, wide), {"pseudo": "layout-test"}) for text in texts]


def pseudolocalize(text: str, wide: bool = False) -> str:
    """``text`` made visibly foreign, tokens and placeholders untouched."""
    from i18npub.article import PLACEHOLDER_RE
    from i18npub.translate.tokens import TOKEN_RE

    out, position = [], 0
    for match in sorted(
        [*TOKEN_RE.finditer(text), *PLACEHOLDER_RE.finditer(text)], key=lambda m: m.start()
    ):
        out.append(_transform(text[position : match.start()], wide))
        out.append(match.group(0))
        position = match.end()
    out.append(_transform(text[position:], wide))
    return f"⟦{''.join(out)}⟧"


def _transform(text: str, wide: bool) -> str:
    return text.translate(FULLWIDTH) if wide else text.translate(ACCENTS)


def create(kind: str, settings: Settings) -> PseudoEngine:
    return PseudoEngine(settings)
