"""Sentence segmentation of one paragraph, for English news and for Chinese.

One left-to-right pass over candidate boundaries with precompiled regexes and set lookups:
linear time, stdlib only. The English rules, in short:

* A candidate is a run of ``. ! ? …`` plus any closing quotes, brackets and closing or
  atomic placeholders (``</1>``, ``<2/>``, which stay with the sentence they end),
  followed by whitespace, or a period glued to a plain capitalized word (``said.The``).
* The next word must start with a capital letter or a digit (``iPhone``, ``$5``,
  ``#tag`` count too), after any opening quotes, brackets and placeholders. So
  ``Wait... what?`` is one sentence and ``Wait... What?`` two (an ellipsis before a
  capital ends a sentence, as in the WMT news segmentation).
* ``!``, ``?`` and ellipses then end a sentence, except before a quote attribution:
  ``"Why?" Smith asked.``; so does a period, unless the word before it says otherwise:

  - titles never end a sentence: ``Mr.``, ``Dr.``, ``Sen.``, ``Gen.``, ``Mt.``, ``e.g.``;
  - number prefixes don't before a number: ``No. 5``, ``p. 12``;
  - ambiguous abbreviations end one only before a common sentence starter (``The``,
    ``He``, ``Later``, ``Officials``…) or an opening quote: ``Co.``, ``Inc.``, ``Ltd.``,
    ``Jr.``, dotted acronyms (``U.S.``, ``U.N.``, ``D.C.``) and single initials
    (``John F. Kennedy``);
  - weak abbreviations end one before any capitalized word except a few continuations:
    months (``Jan. 24``), ``a.m.``/``p.m.`` after a number (``10 a.m. Monday``),
    ``etc.`` and US states (``Seattle, Wash. The``; ``COLUMBIA, S.C. (AP)`` goes on);
  - ``St.`` is Saint before a name and Street after one (``Downing St. London is``);
  - a number or a letter opening a sentence is a list marker (``1. First item``);
  - a closing quote then a name and a speech verb is an attribution
    (``"It is over." Smith said.``, ``"It is over." John Smith told reporters.``).
* ``!`` glued to a capitalized word, before a capitalized word that is no sentence
  starter, is part of a name: ``shares of Yahoo! Japan``; at the start of a sentence only
  if the word is no interjection and the clause goes on (``Yahoo! Japan shares rose.``,
  but ``Wow! Amazing scenes.``).
* The abbreviation lists are general English (titles, military ranks, months, US states,
  Canadian provinces, Mt/Ft/St, Latin forms, company and street words, units), written
  from general knowledge: ``GENERAL_ABBREVIATIONS``.
* Never inside a paired placeholder span ``<1>…</1>``.

Chinese (``lang="zh"``, ``"zh_CN"``, ``"zh-Hans"``…): after ``。！？…`` and ``?!``, with any
closing quotes and brackets; no whitespace is needed between sentences. Any other ``lang``
uses the English rules.
"""

from __future__ import annotations

import re
from bisect import bisect_left

__all__ = ["sentence_spans", "split_sentences"]

_CLOSE = r"""(?:["'”’)\]}»›]|</\d{1,3}>|<\d{1,3}/>)"""
_OPEN = r"""(?:(?:["'“‘(\[{«‹]|<\d{1,3}/?>)\s*)"""
_EN_TAIL = rf"""(?P<punct>[.!?…]*+){_CLOSE}*+
    (?=(?P<ws>\s+)(?P<open>{_OPEN}*+)(?P<next>[\w'’&-]*)|(?P<glued>)[A-Z][a-z])"""
# One pattern per terminal character, each starting with that literal (which re finds
# several times faster than a character class); a run like "?!." is found once.
_EN_CANDIDATES = {
    char: re.compile(rf"{char}(?<![.!?…]{char}){_EN_TAIL}", re.VERBOSE)
    for char in (r"\.", "!", r"\?", "…")
}
_EN_PERIOD = _EN_CANDIDATES[r"\."]
_EN_OTHERS = [(char[-1], pattern) for char, pattern in _EN_CANDIDATES.items() if char != r"\."]
_ZH_CANDIDATE = re.compile(
    rf"(?<![。！？!?…])[。！？!?…]++(?:{_CLOSE}|[」』）》】〉])*+(?=(\s*)\S)"
)
_GLUED_NEXT = re.compile(r"[A-Z][a-z]+(?:['’][a-z]+)?[,;:!?\"”’)]*(?:\s|\.?\Z|\.\s)")
_PLACEHOLDER = re.compile(r"<(/?)(\d{1,3})(/?)>")
_DOTTED = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")
_LIST_MARKER = re.compile(r"\d{1,3}|[A-Za-z]|[ivxIVX]{1,4}")
_ATTRIBUTION = re.compile(
    r"[A-Z][\w'’-]*\.?(?:\s+[A-Z][\w'’-]*)?\s+(said|says|asked|asks|added|adds|told|tells|wrote"
    r"|writes|explained|replied|shouted|insisted|noted|continued|tweeted|recalled|warned|argued"
    r"|laughed|joked|exclaimed|cried|whispered|answered|responded)\b"
    r"(?:(?:(?<=told)|(?<=tells))(?:\s+[\w'’-]+){1,3}(?=[.,]))?([.,])?"  # "told reporters."
)
_FOLLOWING_WORD = re.compile(r"[\w'’-]*\s+(\w+)")
_CURRENCY = frozenset("$£€¥₹")
_QUOTES = frozenset("\"'“‘«‹")
_OPENING = "\"'“‘«‹([{"
_MAX_TOKEN = 80
_STRIP = "\"'“”‘’()[]{}«»‹›*_"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# General English abbreviations: prior knowledge, not fitted to any corpus. Written from
# general knowledge of English usage and news style (the kinds of words that the Moses
# sentence splitter's nonbreaking prefixes or Punkt's abbreviation lists hold), grouped by
# what the word does before a period. benchmarks/segmentation.py --cv keeps these words.
_GENERAL_TITLES = _words(
    # civil and religious titles before a name
    """Mr Mrs Ms Mx Messrs Mmes Mme Mlle Dr Drs Prof Profs Sen Sens Rep Reps Gov Govs
    Lt Atty Amb Pres Sec Treas Hon Rt Rev Revd Fr Msgr Mgr Supt Insp Det Const Ofc Asst
    Commr Ald Cllr Sra Srta"""
    # military ranks (army, navy, air force, marines, police)
    """ Gen Gens Col Maj Sgt Sgts Capt Cpt Cmdr Cdr Comdr Cmdt Adm Brig Cpl Pvt Pfc Spc
    Spec Sfc Ens Lieut"""
    # place-name prefixes: Mount, Mounts, Fort
    """ Mt Mts Ft"""
    # abbreviated given names
    """ Wm Geo Chas Jas Thos Jos Benj Robt Edw Saml"""
    # Latin and scholarly forms that run on
    """ Vs vs v e.g i.e a.k.a aka cf viz approx incl esp resp ca"""
)
# Don't end a sentence before a number: "No. 5", "p. 12", "Vol. 3".
_GENERAL_NUMBER_PREFIXES = _words(
    """c No Nos no nos Nr nr Art art Vol vol Vols pp p pg Fig fig Figs ch Chap Para para
    Sect sect Ex Ref ref Tel tel Op op Apt Rm Ste Bldg Reg Ps Psalm Ed ed"""
)
# End a sentence only before a sentence starter (or an opening quote).
_GENERAL_AMBIGUOUS = _words(
    # companies and institutions, name suffixes, Latin "et al.", "et seq."
    """Co Cos Corp Inc Ltd Bros Plc Pty Pte Bhd Assn Assoc Dept Univ Inst Intl Natl Govt
    Mfg Jr Sr Esq al seq"""
    # streets and places, weekdays, states that are also words or names
    """ Ave Blvd Rd Hwy Pkwy Sq Fwy Ln Ct Pl Ter Cir Pt Mtn Hts Jct Mon Tue Tues Wed Thu
    Thur Thurs Fri Sat Sun Del Penn Cal"""
    # units and lowercase forms
    """ ft mi km kg cm mm min mins hr hrs sec secs yr yrs lb lbs oz gal qt pt pts
    est govt dept mgmt intl jr sr"""
)
# End a sentence before any capitalized word but a few: months ("Jan. 24"), a.m. and p.m.
# ("10 a.m. Monday"), US states (AP style) and Canadian provinces ("Seattle, Wash. The").
_GENERAL_WEAK = _words(
    """Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec etc a.m p.m A.M P.M"""
    """ Ala Ariz Ark Calif Colo Conn Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss
    Mo Mont Neb Nebr Nev Okla Ore Oreg Pa Tenn Tex Va Vt Wash Wis Wisc Wyo"""
    """ Ont Que Alta Sask Nfld"""
)
# One-word exclamations: "Wow! Amazing scenes." is two sentences, "Yahoo! Japan rose." one.
_INTERJECTIONS = _words(
    """ah aha alas amazing argh attention aw awesome bang bingo boo boom bravo brilliant
    bye cheers congrats congratulations cool damn darn encore enough excellent fantastic
    fire fore gee goal golly good goodbye gosh great ha hallelujah halt hello help hey hi
    hooray horrible hurrah hurray incredible indeed jeez look listen magnificent no nope
    oh ok okay oops ouch perfect phew please quick quiet really right run shame shh
    silence sorry splendid stop superb terrible thanks timber touchdown ugh unbelievable
    wait welcome well whoa whoops wonderful wow yay yeah yes yikes yippee yo yuck"""
)
GENERAL_ABBREVIATIONS = (
    _GENERAL_TITLES | _GENERAL_NUMBER_PREFIXES | _GENERAL_AMBIGUOUS | _GENERAL_WEAK
)
# The project's own additions (the benchmark's cross-validation may drop these).
_TITLES = _GENERAL_TITLES | _words("Sdn Dist Ch Ret ret")
_NUMBER_PREFIXES = _GENERAL_NUMBER_PREFIXES
_AMBIGUOUS = _GENERAL_AMBIGUOUS
_WEAK = _GENERAL_WEAK
_WEAK_CONTINUATIONS = _words(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur
    Thurs Fri Sat Sun Eastern Central Mountain Pacific Atlantic ET EST EDT CT CST CDT MT MST
    MDT PT PST PDT AKST HST GMT BST UTC CET CEST EET EEST WET MSK IST PKT ICT WIB SGT HKT
    JST KST AEST AEDT ACST AWST NZST NZDT Gov Sen Rep Lt Del Governor Senator Congressman
    Congresswoman Mayor Attorney Democrat Republican General State"""
)
_LOWER_SPECIAL = frozenset(
    w for w in _TITLES | _NUMBER_PREFIXES | _AMBIGUOUS | _WEAK if w.isalpha() and w.islower()
)
# All-caps forms (datelines, headings): "ST. LOUIS (AP) —", "MR. SMITH".
_UPPERCASE_FORMS = {
    word.upper(): word
    for word in _words(
        """St Mt Ft Mr Mrs Ms Dr Gov Sen Rep Gen No Nos Co Corp Inc Ltd Jan Feb Mar Apr Jun
        Jul Aug Sep Sept Oct Nov Dec"""
    )
}
# "St." after one of these is Saint ("Mount St. Helens"), after other names Street.
_SAINT_AFTER = _words("Mount Mt Fort Ft Port Lake Cape Sault Upper Lower Pointe Baie")
# Capitalized words that usually open a sentence rather than continue a name.
_STARTERS = _words(
    """The A An He She It They We I You His Her Its Their Our My Your This That These
    Those There Here But And Or So Yet Nor In On At For From As After Before When While
    If Although Though Because Since Despite During However Meanwhile Later Then Now
    Today Yesterday Tomorrow Tonight Earlier Still Also Other Others Some Many Most
    Several All Both Each Every No Not None One Two Three Four Five Six Seven Eight Nine
    Ten What Who Whom Whose Why How Where Which Whatever Is Are Was Were Be Been Do Does
    Did Has Have Had Can Could Will Would Should Shall May Might Must Such Under With
    Without By According Moreover Furthermore Instead Indeed Even Only Just Last Next
    Finally Overall Separately Similarly Currently Previously
    Already Recently Once Until Unless Whether Like Among About Over Into Through Across
    Against Amid Following Nearly More Less Few Much Any Neither Either Another
    Otherwise Thus Therefore Hence Nevertheless Nonetheless Besides Everyone Everybody
    Nobody Someone Somebody Nothing Something Everything Anyone Anything Let Please
    Yes Sometimes Often Usually Never Always Perhaps Maybe Both Asked Speaking Under
    Mr Mrs Ms Hundreds Thousands Millions Dozens Officials Experts Analysts Critics
    Residents People Authorities Investors Shares Stocks Prices Profits Prosecutors
    Researchers Scientists Doctors Lawmakers Voters Investigators Witnesses Protesters
    Workers Employees Customers Consumers Students Teachers Parents Passengers Rescuers
    Firefighters Officers Fans Players Sources Members Leaders Ministers Companies"""
)


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split one paragraph into sentences.

    Each returned sentence is stripped; ``" ".join(result)`` equals the paragraph modulo
    whitespace (no character is lost, added or reordered).
    """
    return [text[start:end] for start, end in sentence_spans(text, lang)]


def sentence_spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """(start, end) offsets into text of each sentence, stripped of surrounding whitespace.

    ``lang`` is ``"en"`` (the default; any language but Chinese gets the English rules) or
    ``"zh"``, ``"zh_CN"``, ``"zh-Hans"`` and the like.
    """
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip())
    if first >= last:
        return []
    cuts = _en_cuts(text, first) if lang == "en" or not _is_chinese(lang) else _zh_cuts(text)
    edges = [first, *cuts, last]
    return list(zip(edges[::2], edges[1::2], strict=True))


def _is_chinese(lang: str) -> bool:
    return lang[:2].lower() == "zh" and lang[2:3] in ("", "-", "_")


def _zh_cuts(text: str) -> list[int]:
    """End of each Chinese sentence but the last (with its closing marks), start of the next."""
    spans = _paired_spans(text) if "<" in text else []
    starts = [start for start, _ in spans]
    cuts: list[int] = []
    for m in _ZH_CANDIDATE.finditer(text):
        if not spans or _outside(spans, starts, m.end()):
            cuts += (m.end(), m.end(1))
    return cuts


def _en_cuts(text: str, sentence_start: int) -> list[int]:
    """End of each English sentence but the last (with its closing marks), start of the next."""
    cuts: list[int] = []
    spans = _paired_spans(text) if "<" in text else []
    span_index = 0
    for m in _en_candidates(text):
        end = m.end()
        if spans:
            while span_index < len(spans) and spans[span_index][1] <= end:
                span_index += 1
            if span_index < len(spans) and spans[span_index][0] < end:
                continue  # inside <n>…</n>
        if m.start() <= sentence_start or not _is_boundary(text, m, sentence_start):
            continue
        sentence_start = end if m.group("ws") is None else m.end("ws")
        cuts += (end, sentence_start)
    return cuts


def _en_candidates(text: str) -> list[re.Match[str]]:
    """Every run of terminal punctuation that may end a sentence, in text order."""
    matches = list(_EN_PERIOD.finditer(text))
    others = False
    for char, pattern in _EN_OTHERS:
        if char in text:
            matches.extend(pattern.finditer(text))
            others = True
    if others:
        matches.sort(key=_match_start)
    return matches


def _match_start(m: re.Match[str]) -> int:
    return m.start()


def _is_boundary(text: str, m: re.Match[str], sentence_start: int) -> bool:
    """Whether the candidate ``m`` ends a sentence."""
    _, ws, _, nxt, _ = m.groups()
    start = m.start()
    period = m.end("punct") == start + 1 and text[start] == "."
    if ws is None:
        return period and _glued_boundary(text, m, sentence_start)
    if not nxt:
        after = text[m.end("open") : m.end("open") + 2]
        if after[:1] in _CURRENCY and after[1:].isdigit():
            nxt = after[1]  # "$5 million was raised.": decide as before a number
        elif after[:1] in "#@" and after[1:].isalnum():
            nxt = "X"  # "#hashtag", "@handle": decide as before a capitalized name
        else:
            return False
    first = nxt[0]
    if first.islower() and not (len(nxt) > 1 and nxt[1].isupper()):
        return False  # "Wait... what?", "e.g. the" (but "eBay", "iPhone" open sentences)
    digit = first.isdigit()
    if not digit and not first.isalpha():
        return False  # "life! - and", "_"
    if not period:
        return _strong_boundary(text, m, nxt) and not _exclaimed_name(text, m, sentence_start, nxt)
    return _period_boundary(text, m, sentence_start, nxt, digit)


def _strong_boundary(text: str, m: re.Match[str], nxt: str) -> bool:
    """``!``, ``?`` or an ellipsis before a capital: split, but not in ``"Why?" Smith asked``."""
    return not _attribution(text, m, nxt, strict=False)


def _exclaimed_name(text: str, m: re.Match[str], sentence_start: int, nxt: str) -> bool:
    """A name spelled with ``!`` before another capitalized word of the same clause:
    ``shares of Yahoo! Japan``, ``a Jeopardy! Champion``, and at the start of a sentence
    ``Yahoo! Japan shares rose`` when the word is no interjection (``Wow! Amazing``) and
    the clause goes on after the next word; after an opening quote or bracket, when the
    word is no interjection (``"Yahoo! Japan"``, not ``"Help! Police``). Not after a
    comma (``Thank you, Seattle! Goodnight``), nor before a sentence starter (``We beat
    Boston! The fans``)."""
    start = m.start()
    if text[start] != "!" or m.end() != start + 1 or not nxt[0].isupper() or nxt in _STARTERS:
        return False
    token_start = _token_start(text, sentence_start, start)
    token = text[token_start:start]
    word = token.lstrip(_OPENING)  # '"Yahoo! Japan"', "(Yahoo! Japan"
    if not (word[:1].isupper() and word.isalpha()):
        return False
    if word != token or token_start <= sentence_start:  # an utterance may open here
        if word.lower() in _INTERJECTIONS:
            return False  # 'Wow! Amazing', 'he yelled "Help! Police …'
        if token_start <= sentence_start:
            return _clause_goes_on(text, m.end("open"))
    before = text[max(sentence_start, token_start - 2) : token_start]
    return not before.strip() or before.rstrip()[-1:] not in ",;:"


def _clause_goes_on(text: str, offset: int) -> bool:
    """Whether the word at offset is followed by another word before any punctuation."""
    return _FOLLOWING_WORD.match(text, offset) is not None


def _attribution(text: str, m: re.Match[str], nxt: str, strict: bool) -> bool:
    """A closing quote, then a name and a speech verb (strict: and a comma or period)."""
    if text[m.end() - 1] not in "\"”'’" or not nxt[0].isupper():
        return False
    if nxt in _STARTERS and nxt not in _TITLES:  # '"Can we win?" He said yes.'
        return False
    after = _ATTRIBUTION.match(text, m.end("open"))
    return after is not None and (not strict or after.group(2) is not None)


def _period_boundary(
    text: str, m: re.Match[str], sentence_start: int, nxt: str, digit: bool
) -> bool:
    """A period before a capitalized word or a digit: decide by the word before it."""
    punct_start = m.start()
    closed = m.end() > punct_start + 1
    if closed and _attribution(text, m, nxt, strict=True):
        return False  # '"It is over." Smith said.'
    low = max(sentence_start, punct_start - _MAX_TOKEN)
    token_start = text.rfind(" ", low, punct_start) + 1 or low
    token = text[token_start:punct_start]
    if token.isalpha() and token.islower() and len(token) > 1 and token not in _LOWER_SPECIAL:
        return True  # the common case: "said. The"
    if not token.isprintable():  # another kind of whitespace inside: keep the last word
        token_start = punct_start - len(token.split()[-1]) if token.strip() else punct_start
        token = text[token_start:punct_start]
    word = _core(token)
    if not word:
        return True
    if token_start == sentence_start and _LIST_MARKER.fullmatch(word):
        return False  # "1. First item", "a. Option"
    kind = _kind(text, word, token_start, sentence_start)
    if kind == "regular":
        return True
    if kind == "title" or (kind == "number" and digit):
        return False
    if kind == "number":
        return True
    if digit:
        return False
    opening = m.group("open")[:1]
    if closed or opening in _QUOTES:
        return True  # 'in the U.S." The', 'Acme Co. "We'
    if kind == "weak" and not opening:  # but "COLUMBIA, S.C. (AP) —" goes on
        return not _weak_continues(text, m, nxt)
    return nxt.replace("’", "'").split("'")[0] in _STARTERS  # ambiguous


def _token_start(text: str, sentence_start: int, punct_start: int) -> int:
    """Start of the token before a period (at most _MAX_TOKEN characters back: linear time)."""
    low = max(sentence_start, punct_start - _MAX_TOKEN)
    return text.rfind(" ", low, punct_start) + 1 or low


def _weak_continues(text: str, m: re.Match[str], nxt: str) -> bool:
    """Whether a weak abbreviation runs on: "10 a.m. Monday", "9 p.m. London time"."""
    if nxt in _WEAK_CONTINUATIONS:
        return True
    after = _FOLLOWING_WORD.match(text, m.end("open"))
    return after is not None and after.group(1).lower() == "time"


def _core(token: str) -> str:
    """The word in a token: without placeholders, quotes, brackets or a leading dash part."""
    if "<" in token:
        token = _PLACEHOLDER.sub("", token)
    token = token.strip(_STRIP)
    for dash in "—–":
        if dash in token:
            token = token.rpartition(dash)[2]
    return token


def _kind(text: str, word: str, token_start: int, sentence_start: int) -> str:
    """Classify the word before a period: title, number, ambiguous, weak or regular."""
    word = _UPPERCASE_FORMS.get(word, word)
    if word in _TITLES:
        return "title"
    if word in _NUMBER_PREFIXES:
        return "number"
    if word in _AMBIGUOUS:
        return "ambiguous"
    if word in _WEAK:
        return "weak" if word[1:2] != "." or _after_number(text, token_start) else "ambiguous"
    if word == "St":
        return "regular" if _street(text, token_start, sentence_start) else "title"
    if "/" in word or "@" in word:
        return "regular"  # URLs, e-mail addresses, "and/or"
    if len(word) == 1 and word.isalpha():
        return "ambiguous" if word.isupper() else "regular"  # initials: "John F. Kennedy"
    if "." in word and _DOTTED.fullmatch(word):
        return "ambiguous"  # "U.S.", "a.m.", "J.R.R."
    if "-" in word:
        return _kind(text, word.rpartition("-")[2], token_start, sentence_start)
    return "regular"


def _after_number(text: str, token_start: int) -> bool:
    """Whether the token at token_start follows a number: "10 a.m." (not "A.M. Kuchling")."""
    return text[max(0, token_start - 2) : token_start].strip()[-1:].isdigit()


def _street(text: str, token_start: int, sentence_start: int) -> bool:
    """Whether ``St.`` at token_start follows a street name ("Downing St.")."""
    if token_start <= sentence_start:
        return False
    before = text[max(sentence_start, token_start - 40) : token_start].split()
    if not before:
        return False
    prev = before[-1]
    if prev in _SAINT_AFTER:
        return False
    if prev[:1].isupper() and prev.isalpha():
        return True
    return prev[:1].isdigit() and prev[-2:] in ("st", "nd", "rd", "th")


def _glued_boundary(text: str, m: re.Match[str], sentence_start: int) -> bool:
    """``said.The``: a lowercase word, a period and a plain capitalized word (not code, URLs)."""
    punct_start = m.start()
    word = text[_token_start(text, sentence_start, punct_start) : punct_start].strip(_STRIP)
    if not (len(word) >= 2 and word.isalpha() and word.islower()):
        return False
    if word in _LOWER_SPECIAL or word == "www":
        return False
    return _GLUED_NEXT.match(text, m.end()) is not None


def _outside(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    """Whether offset lies outside every (merged, sorted) span."""
    index = bisect_left(starts, offset) - 1
    return index < 0 or offset >= spans[index][1]


def _paired_spans(text: str) -> list[tuple[int, int]]:
    """Merged (start, end) ranges covered by matched ``<n>`` … ``</n>`` pairs."""
    opened: dict[str, list[int]] = {}
    ranges: list[tuple[int, int]] = []
    for m in _PLACEHOLDER.finditer(text):
        closing, number, atomic = m.groups()
        if atomic:
            continue
        if not closing:
            opened.setdefault(number, []).append(m.start())
        elif opened.get(number):
            ranges.append((opened[number].pop(), m.end()))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
