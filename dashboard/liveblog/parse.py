"""Live-blog text (or HTML, or schema.org JSON-LD) → time-stamped entries. Pure: no I/O.

An *entry* is a time stamp at the start of a line (or after a bullet, or after other text on
the same line), an optional headline and a body kept verbatim (paragraphs included). Text
before the first entry is the blog's *lead*. tests/fixtures/liveblogs/ holds 47 real blogs,
labelled by hand, that bench/bench_liveblog_corpus.py scores this module on.

Time stamps read (`h`, `H` and `heures` alike; no-break spaces ok):

- `8h24 : Titre` on its own line, the body in the next paragraphs;
- `23h50. Titre. Corps…` run in on one line; `21h25.` or `21 heures.` or `22 h :` alone;
- `22h49 - texte`, `20H56- texte`, `23h30: texte`, `23h: texte`; `A 19h : texte`, `À 12H :`;
- a date with the time: `30/01/17 - 13:01`, `29/01 21:16`, `29/01/2017 21:16`,
  `8 juil., 2024 2h05`, `21 novembre 2016, 20:03 :`;
- a weekday: `Dimanche, 20h11. Titre` (also `Lundi 21 novembre 2016, 20:03 :`);
- `8h24 Titre` (minutes present, capital, quote or `[` next) and `13:01` alone on its line;
  `21:55 Titre` and `22 : 19 Titre` only in a blog with COLON_BLOG_MIN such "HH:MM" stamps;
- `Minuit - texte`, `Midi : texte` (a separator and a text needed);
- after a bullet or a symbol, minutes present: `• 23h11: Titre`, `- 22h15 : texte`,
  `► 21 h 34 : [ANALYSE] Titre`;
- after the store's archive tag on the first line: ` date 2017-04 20 heures 45 : Titre`;
- after other text on the same line (a flattened page), minutes present: `… (14,6%). 20:09 -
  Titre …` or `… la police. 21h59 Le premier ministre …` (after a sentence end), or after a
  short label when the line holds more such stamps (`En direct Législatives 23h36 Titre …`);
- text that starts with a figure when a sentence follows it: `22 heures. 9 500 bureaux
  dépouillés. …`, `19h05 : 2000 journalistes accrédités …`.

What is *not* a time stamp (the traps): a time inside prose (`jusqu'à 19h`, `vers 20h30`,
`à 21 heures`, `publié le 29/01/2017 à 18:15`, `De 9h à 19h`, `Il est 19h les…`), a time
followed by a comma (`19h, les bureaux…`) or by a lower-case word without separator, `À 21
heures, …` (a leading "à" needs a colon or a dash), a publication line (`24/04/2022 18:00 CEST
| Actualisé …`), and *list lines* inside an entry: a bullet with a round hour (`- 12h : …`), a
time followed by a figure and a few words (`12h : 400 000 votants`), or lines directly under
a line ending with a colon (`La participation :`) unless they are titled entries with minutes
(`3h30 : Mélenchon compte…`). Such lines stay in the body of their entry.

Headline or body: the text on the stamp line is the headline when more text follows in the
entry, it is short (≤ HEADLINE_MAX characters) and it does not end with a full stop (French
headlines don't; an ellipsis is no full stop) or with ":", "," or ";" (a line that introduces
what follows); otherwise it is the start of the body. A stamp alone on its line takes the
next line as headline on the same terms (`05h30` / `L'élection de Macron, le jour d'après` /
body). A run-in `23h50. Titre. Corps` (a dot after the time) splits at the first sentence
end; `23h50. Titre.` followed by a paragraph break is a headline. Two rules look at the whole
blog (_BlogStyle): where every `HHhMM : Phrase. Suite` run-in starts with a short sentence
(Europe 1, HuffPost), that sentence is the headline; in a page flattened into text, where
title and body run together (`19:21 - Les premiers politiques arrivent Avant l'annonce …`),
the body starts at a sentence opener (_SENTENCE_OPENERS, a determiner before a lower-case
word, an opening quote), and failing that at the first sentence end.

Dates: `blog_date` is the day the blog *starts* (the date of its earliest entry). The
reading order (newest first or oldest first) is taken from the majority of steps between
consecutive stamps, each step read as the shortest way round the clock (so 23h50 → 0h05 is
a 15-minute step). Walking the entries in time order, a step back of more than
DAY_CHANGE_AFTER minutes means the blog crossed midnight; an explicit date or weekday on a
stamp resets the day. Consecutive entries more than ~12 h apart need an explicit date.

Ids: `sha1(source_url, date, HH:MM, n)` where n counts entries of the same minute in time
order (so entries added later, at either end, never shift older ids). The headline and body
are left out on purpose: an edited entry (typo fixed in its headline or body) keeps its id
and becomes a new *version* in the store instead of a duplicate. The same blog read from
text, HTML or JSON-LD gets the same ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from dashboard.election import Election
from dashboard.errors import ParseError
from dashboard.fr import PARIS
from dashboard.inputs import decode_text, load_json
from dashboard.model import FIRST_YEAR, LAST_YEAR, json_kind

HEADLINE_MAX = 140
# In time order, a step back of more than this many minutes means "the next day"; smaller
# steps back are taken as an editor's misordering within the same day.
DAY_CHANGE_AFTER = 180
ID_LENGTH = 12

__all__ = [
    "Entry",
    "ParsedBlog",
    "entry_id",
    "html_to_text",
    "infer_blog_date",
    "looks_like_html",
    "parse_liveblog",
    "parse_liveblog_jsonld",
    "parse_liveblog_result",
    "read_liveblog",
]


@dataclass(frozen=True, slots=True)
class Entry:
    """One time-stamped entry of a live blog."""

    id: str
    date: dt.date
    time: dt.time
    published_at: dt.datetime  # aware, Europe/Paris
    headline: str | None
    body: str  # verbatim, paragraphs kept
    permalink: str  # source_url#<id>, or the update's own URL for JSON-LD
    deep_link: str  # ?entry=<id>, the in-app link
    order: int  # 0-based position in the blog's reading order
    line: int = 0  # 1-based line of the stamp in the text parsed (0 for JSON-LD)

    @property
    def hhmm(self) -> str:
        return f"{self.time:%H:%M}"


@dataclass(frozen=True, slots=True)
class ParsedBlog:
    """A parsed blog: its entries in reading order and its lead (not an entry)."""

    entries: tuple[Entry, ...]
    lead: str
    newest_first: bool
    format: str  # "text", "html" or "jsonld"


# --- HTML ----------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul".split()
)
_SKIP_TAGS = frozenset("head script style noscript template svg iframe object canvas".split())
_HTML_PAGE_RE = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_FRAGMENT_RE = re.compile(
    r"</(?:p|div|article|section|li|h[1-6]|body|html|span|time|blockquote)\s*>", re.I
)
_WS_RE = re.compile(r"[ \t\r\n\f\v]+")


def looks_like_html(text: str) -> bool:
    """An HTML page or fragment: starts with a tag and closes block or inline elements.

    Plain live-blog text that merely contains "<" or "a < b" is not HTML: it stays text.
    """
    head = text[:4096]
    if _HTML_PAGE_RE.match(head):
        return True
    return head.lstrip().startswith("<") and _HTML_FRAGMENT_RE.search(text[:65536]) is not None


class _HtmlText(HTMLParser):
    """Collects visible text (block elements → paragraphs) and JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.jsonld: list[str] = []
        self._skip = 0
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and any(
            k == "type" and (v or "").strip().lower() == "application/ld+json" for k, v in attrs
        ):
            self._in_jsonld = True
            self.jsonld.append("")
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            self._in_jsonld = False
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data
        elif not self._skip:
            # HTML whitespace is not significant: runs collapse to one space.
            self.parts.append(_WS_RE.sub(" ", data))


_SKIPPED_BLOCK_RE = re.compile(
    r"<(script|style|noscript|template|head|svg)\b[^>]*>(.*?)</\1\s*>|<!--.*?(?:-->|\Z)",
    re.I | re.S,
)
_JSONLD_SCRIPT_RE = re.compile(
    r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S
)
_BREAK_TAG_RE = re.compile(r"<br\b[^>]*>", re.I)
_BLOCK_TAG_RE = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCK_TAGS))})\b[^>]*>", re.I)
_ANY_TAG_RE = re.compile(r"<[^>]*>")


def _html_fallback(markup: str) -> _HtmlText:
    """Regex reading of markup that html.parser rejects (it raises on some malformed
    declarations such as "<![…"): same result shape, cruder but never failing."""
    out = _HtmlText()
    out.jsonld = [m[1] for m in _JSONLD_SCRIPT_RE.finditer(markup)]
    text = _SKIPPED_BLOCK_RE.sub(" ", markup)
    text = _BREAK_TAG_RE.sub("\n", text)
    text = _BLOCK_TAG_RE.sub("\n\n", text)
    text = html.unescape(_ANY_TAG_RE.sub("", text))
    out.parts = ["\n".join(_WS_RE.sub(" ", line) for line in text.split("\n"))]
    return out


def _html_parse(markup: str) -> _HtmlText:
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser's reaction to some malformed markup
        return _html_fallback(markup)
    return parser


def _paragraphs(raw: str) -> str:
    lines = [line.strip() for line in raw.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def html_to_text(markup: str) -> str:
    """HTML → plain text: tags dropped, entities decoded, block elements become paragraphs."""
    return _paragraphs("".join(_html_parse(markup).parts))


# --- time stamps ---------------------------------------------------------------------------

_SP = r"[ \t\u00a0\u202f]"
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}

# Month names and the abbreviations pages print ("8 juil., 2024 2h05").
_MONTH_ABBREVIATIONS = {
    "janv": 1,
    "févr": 2,
    "fevr": 2,
    "fév": 2,
    "avr": 4,
    "juil": 7,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "déc": 12,
    "dec": 12,
}
_MONTH_WORDS = {**_MONTHS, **_MONTH_ABBREVIATIONS}
_MONTH_ALTERNATIVES = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
# A bullet or a symbol before the stamp: "• 23h11:", "- 22h15 :", "► 21 h 34 :".
_BULLETS = "•►▶▸◆■*·–—-"

_STAMP_RE = re.compile(
    rf"""
    ^{_SP}*
    (?P<bullet>[{_BULLETS}]{_SP}*)?
    (?:
        (?P<wd>{"|".join(_WEEKDAYS)}){_SP}*
        (?:(?P<wdday>\d{{1,2}})(?:er)?{_SP}+(?P<wdmon>{"|".join(_MONTHS)})
           (?:{_SP}+(?P<wdyear>\d{{4}}))?{_SP}*)?
        ,?{_SP}*(?:à{_SP}+)?
      | (?P<a>[aà]){_SP}+
      | (?P<d>\d{{1,2}})/(?P<mo>\d{{1,2}})(?:/(?P<y>\d{{4}}|\d{{2}}))?
        {_SP}*(?:[-–—,]|à)?{_SP}*
      | (?P<dd>\d{{1,2}})(?:er)?{_SP}+(?P<dmon>{_MONTH_ALTERNATIVES})\.?,?
        {_SP}+(?P<dyear>\d{{4}}),?{_SP}*(?:à{_SP}+)?
    )?
    (?:
        (?P<h>[01]?\d|2[0-3]){_SP}?(?:heures?|h)(?:{_SP}?(?P<m>[0-5]\d))?(?!\w)
      | (?P<ch>[01]?\d|2[0-3]){_SP}?:{_SP}?(?P<cm>[0-5]\d)(?!\d)
      | (?P<word>minuit|midi)(?!\w)
    )
    {_SP}*(?P<sep>[:.\-–—])?{_SP}*
    (?P<rest>[^\n]*)
    """,
    re.X | re.I | re.M,
)
# A stamp after other text on the same line (pages flattened into one line of text):
# "… (14,6%). 20:09 - Edouard Philippe …", "… avec la police. 21h59 Le premier ministre …".
# Minutes are required, and a separator or a capital (or an opening quote) after the time.
_MIDLINE_RE = re.compile(
    rf"{_SP}(?P<clock>(?P<h>[01]?\d|2[0-3])[hH](?P<m>[0-5]\d)|(?P<ch>[01]?\d|2[0-3]):(?P<cm>[0-5]\d))"
    rf"(?!\d)(?:{_SP}*(?P<sep>[-–—:]){_SP}+|{_SP}+(?=[A-ZÀ-ÖØ-Þ«\"“\[]))"
)
_SENTENCE_CLOSE = re.compile(r"[.!?…][»”\")]?$")
# Lines that may hold such stamps: a sentence end, then a figure (one scan of the text).
_MIDLINE_HINT = re.compile(rf"[.!?…][»”\")]?{_SP}+\d")
# Text before a first mid-line stamp that is a widget's label, not prose ("En direct
# Législatives françaises 23h36 …"): short, no sentence in it.
_MIDLINE_LABEL_MAX = 40
# "24/04/2022 18:00 CEST | Actualisé …" is a page's publication line, not an entry.
_TIME_ZONE_RE = re.compile(r"(?:CES?T|UTC|GMT)\b")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# A time followed by a figure is a list line ("12h : 400 000 votants") unless a sentence
# follows the figure ("22 heures. 9 500 bureaux dépouillés. …"): this many words at least.
_FIGURE_SENTENCE_WORDS = 4
# A bare "18:15 Titre" (no separator, no date) is a stamp only in a blog that writes its
# times that way: this many "HH:MM" stamps at least.
COLON_BLOG_MIN = 3
_ARCHIVE_TAG_RE = re.compile(r"\A[ \t]*date[ \t]+\d{4}-\d{2}(?:-\d{2})?(?:[ \t]+|(?=\n)|\Z)")
_OPENING_QUOTES = "«\"“‘'["
# First sentence end of a run-in line (not after an initial such as "M." or "J.-L.").
_SENTENCE_END_RE = re.compile(r"(?<![\s.][A-Z])(?<!\bMme)(?<!\bMM)[.!?…]+[»”\"]?[ \t]+(?=\S)")
_DATE_IN_TEXT_RE = re.compile(
    rf"(?<!\d)(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}})(?!\d)"
    rf"|(?<!\d)(\d{{1,2}})(?:er)?{_SP}+({'|'.join(_MONTHS)}){_SP}+(\d{{4}})(?!\d)",
    re.I,
)


@dataclass(slots=True)
class _Stamp:
    start: int  # offset of the stamp (the line's start, or the time for a mid-line stamp)
    end: int  # offset of the end of its text on the line (newline, next stamp or text end)
    line: int
    minutes: int
    full_date: dt.date | None
    day_month: tuple[int, int] | None
    weekday: int | None
    sep: str
    rest: str
    weak: bool = False  # a bare "18:15 Titre": kept only in a blog of "HH:MM" stamps
    colon: bool = False  # written "HH:MM"
    cut: int | None = -1  # _title_boundary(rest), -1 until computed


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _is_title_start(rest: str) -> bool:
    return bool(rest) and (rest[0].isupper() or rest[0] in _OPENING_QUOTES)


def _stamp_from_groups(g: re.Match[str], start: int, end: int, line: int) -> _Stamp | None:
    """Apply the rules of the module docstring to a candidate stamp; None = not a stamp."""
    rest = (g["rest"] or "").rstrip()
    sep = g["sep"] or ""
    has_minutes = g["m"] is not None or g["cm"] is not None
    if rest and rest[0].isdigit() and len(_WORD_RE.findall(rest)) < _FIGURE_SENTENCE_WORDS:
        return None  # "12h : 400 000 votants": a figure by hour, a list line
    if _TIME_ZONE_RE.match(rest):
        return None  # "24/04/2022 18:00 CEST | Actualisé …": a publication line
    has_date = g["d"] is not None or g["wd"] is not None or g["dd"] is not None
    if g["bullet"] is not None and not has_minutes:
        return None  # "- 12h : liste", "• 17h : 75 %": a list line
    if g["a"] is not None and (sep not in (":", "-", "–", "—") or not rest):
        return None  # "À 21 heures, les bureaux…" is prose
    if g["word"] is not None and (not sep or not rest or g["bullet"] or g["a"]):
        return None  # "minuit" / "midi" need a separator and a text: "Minuit - C'est la fin"
    weak = False
    if not sep and rest:
        if g["ch"] is not None and not has_date:
            weak = True  # a bare "18:15 Quelque chose": too weak a signal on its own
        if not (has_minutes or has_date) or not _is_title_start(rest):
            return None  # "19h, les bureaux", "8 heures du matin"
    if g["word"] is not None:
        hour, minute = (0 if g["word"].lower() == "minuit" else 12), 0
    else:
        hour = int(g["h"] if g["h"] is not None else g["ch"])  # type: ignore[arg-type]
        minute = int(g["m"] or g["cm"] or 0)
    full_date = day_month = weekday = None
    try:
        if g["d"] is not None:
            day, month = int(g["d"]), int(g["mo"])  # type: ignore[arg-type]
            if g["y"] is not None:
                full_date = dt.date(_year(g["y"]), month, day)
            else:
                dt.date(2000, month, day)  # 2000: a leap year
                day_month = (day, month)
        elif g["dd"] is not None:
            month = _MONTH_WORDS[g["dmon"].lower()]  # type: ignore[union-attr]
            full_date = dt.date(int(g["dyear"]), month, int(g["dd"]))  # type: ignore[arg-type]
        elif g["wd"] is not None:
            weekday = _WEEKDAYS.index(g["wd"].lower())
            if g["wdday"] is not None and g["wdmon"] is not None:
                month = _MONTHS[g["wdmon"].lower()]
                if g["wdyear"] is not None:
                    full_date = dt.date(int(g["wdyear"]), month, int(g["wdday"]))
                else:
                    dt.date(2000, month, int(g["wdday"]))
                    day_month = (int(g["wdday"]), month)
    except ValueError:
        return None  # "31/02 12:00" is no date
    minutes = hour * 60 + minute
    return _Stamp(
        start,
        end,
        line,
        minutes,
        full_date,
        day_month,
        weekday,
        sep,
        rest,
        weak,
        colon=g["ch"] is not None,
    )


def _midline_stamps(line: str, pos: int, number: int, offset: int) -> list[_Stamp]:
    """Stamps after other text on the line, from `offset` on (see _MIDLINE_RE)."""
    found: list[tuple[re.Match[str], bool]] = []
    for m in _MIDLINE_RE.finditer(line, offset):
        before = line[max(offset, m.start() - 3) : m.start()].rstrip()
        found.append((m, _SENTENCE_CLOSE.search(before) is not None))
    if not found:
        return []
    first, after_sentence = found[0]
    label = line[offset : first.start()].strip()
    kept = [m for m, strong in found if strong]
    if (
        not after_sentence
        and kept
        and len(label) <= _MIDLINE_LABEL_MAX
        and not re.search(r"[.!?:]", label)
    ):
        kept.insert(0, first)  # "En direct Législatives 23h36 Titre … 21h59 Titre …"
    stamps = []
    for i, m in enumerate(kept):
        stop = kept[i + 1].start("clock") if i + 1 < len(kept) else len(line)
        rest = line[m.end() : stop].strip()
        rest_words = len(_WORD_RE.findall(rest))
        if (
            not rest
            or (rest[0].isdigit() and rest_words < _FIGURE_SENTENCE_WORDS)
            or _TIME_ZONE_RE.match(rest)
        ):
            continue
        hour = int(m["h"] if m["h"] is not None else m["ch"])
        minutes = hour * 60 + int(m["m"] or m["cm"])
        start = pos + m.start("clock")
        stamps.append(
            _Stamp(start, pos + stop, number, minutes, None, None, None, m["sep"] or "", rest)
        )
    return stamps


# A stamp line can only start with a space, a digit, "a"/"à", a weekday's or "minuit"/"midi"'s
# initial or a bullet: other lines skip the regex altogether (most body lines).
_STARTERS = frozenset("0123456789 \t\u00a0\u202faAàÀlLmMjJvVsSdD" + _BULLETS)


def _find_stamps(text: str) -> list[_Stamp]:
    """One pass over the lines: the compiled stamp pattern, the list-context rule, stamps
    after other text on a line; then bare "HH:MM Titre" stamps kept only in a blog that
    writes its times that way."""
    stamps: list[_Stamp] = []
    pos = 0
    prev_line = ""
    prev_kind = "blank"  # "blank", "text", "stamp" or "list"
    match = _STAMP_RE.match
    # Where a sentence ends before a figure anywhere in the text: the lines that may hold a
    # stamp after other text (one scan of the text, then a pointer moving down the lines).
    hints = [q.start() for q in _MIDLINE_HINT.finditer(text)]
    hints.append(len(text) + 1)
    hi = 0
    next_hint = hints[0]
    for number, line in enumerate(text.split("\n"), start=1):
        line_end = pos + len(line)
        kind = "text" if line and not line.isspace() else "blank"
        skip = 0
        if number == 1 and (tag := _ARCHIVE_TAG_RE.match(line)) is not None:
            skip = tag.end()  # " date 2017-04 20 heures 45 : …": the archive tag first
            m = match(line[skip:]) if line[skip : skip + 1] in _STARTERS else None
        else:
            m = match(line) if line[:1] in _STARTERS else None
        stamp = None
        if m is not None:
            # Directly under a line ending with ":" (or under such a list line), a time
            # stamp is a list item of the entry: "Participation :" / "12h : au moins …",
            # unless it is a titled entry ("3h30 : Mélenchon compte …").
            if prev_kind == "list" or (prev_kind == "text" and prev_line.rstrip().endswith(":")):
                minutes = m["m"] or m["cm"]
                if minutes and int(minutes) and _is_title_start(m["rest"]):
                    stamp = _stamp_from_groups(m, pos, line_end, number)
                kind = "list" if stamp is None else "stamp"
            else:
                stamp = _stamp_from_groups(m, pos, line_end, number)
                if stamp is not None:
                    kind = "stamp"
                elif (m["rest"] or "")[:1].isdigit():
                    kind = "list"
        if next_hint < line_end and kind != "list":
            offset = skip + m.start("rest") if stamp is not None and m is not None else skip
            mid = _midline_stamps(line, pos, number, offset)
            if stamp is not None and mid:
                stamp.rest = line[offset : mid[0].start - pos].strip()
                stamp.end = mid[0].start
        else:
            mid = None
        if stamp is not None:
            stamps.append(stamp)
        if mid:
            stamps.extend(mid)
        if next_hint < line_end:
            while hints[hi] < line_end:
                hi += 1
            next_hint = hints[hi]
        prev_line, prev_kind = line, kind
        pos = line_end + 1
    if sum(s.colon for s in stamps) < COLON_BLOG_MIN:
        stamps = [s for s in stamps if not s.weak]
    return stamps


# --- dates and ids -------------------------------------------------------------------------


_LAST_DAY = dt.date.max - dt.timedelta(days=7)  # adversarial input must not overflow dates


def _nearest(day: dt.date, weekday: int) -> dt.date:
    delta = (weekday - day.weekday() + 3) % 7 - 3  # within −3…+3 days
    try:
        return day + dt.timedelta(days=delta)
    except OverflowError:
        return day


def _hint(s: _Stamp, year: int) -> dt.date | None:
    if s.full_date is not None:
        return s.full_date
    if s.day_month is not None:
        try:
            return dt.date(year, s.day_month[1], s.day_month[0])
        except ValueError:
            return None
    return None


def _step(a: _Stamp, b: _Stamp, year: int) -> int:
    da, db = _hint(a, year), _hint(b, year)
    if da is not None and db is not None:
        return (db - da).days * 1440 + b.minutes - a.minutes
    # Shortest way round the clock: 23h50 → 0h05 is +15 minutes.
    return (b.minutes - a.minutes + 720) % 1440 - 720


def _assign_dates(stamps: list[_Stamp], blog_date: dt.date) -> tuple[list[dt.date], bool]:
    neg = pos = 0
    for a, b in zip(stamps, stamps[1:], strict=False):
        step = _step(a, b, blog_date.year)
        if step < 0:
            neg += 1
        elif step > 0:
            pos += 1
    newest_first = neg > pos
    order = range(len(stamps) - 1, -1, -1) if newest_first else range(len(stamps))
    dates: list[dt.date] = [blog_date] * len(stamps)
    current = blog_date
    prev: int | None = None
    for i in order:
        s = stamps[i]
        if s.full_date is not None:
            current = s.full_date
        elif s.day_month is not None:
            day, month = s.day_month
            candidates = []
            for year in (current.year - 1, current.year, current.year + 1):
                try:
                    candidates.append(dt.date(year, month, day))
                except ValueError:  # 29/02 outside a leap year
                    continue
            if candidates:  # 29/02 with no leap year around: keep the running day
                current = min(candidates, key=lambda d: abs((d - current).days))
        elif s.weekday is not None:
            current = _nearest(current, s.weekday)
        elif prev is not None and s.minutes < prev - DAY_CHANGE_AFTER and current < _LAST_DAY:
            current = current + dt.timedelta(days=1)
        dates[i] = current
        prev = s.minutes
    return dates, newest_first


def entry_id(source_url: str, day: dt.date, hhmm: str, n: int = 1) -> str:
    """The stable id of the n-th entry (in time order) stamped `day` `hhmm` in a blog."""
    key = f"{source_url}\n{day.isoformat()}\n{hhmm}\n{n}".encode()
    return hashlib.sha1(key, usedforsecurity=False).hexdigest()[:ID_LENGTH]


def _ids(source_url: str, when: list[tuple[dt.date, str]], chrono: list[int]) -> list[str]:
    seen: dict[tuple[dt.date, str], int] = {}
    ids = [""] * len(when)
    for i in chrono:
        n = seen.get(when[i], 0) + 1
        seen[when[i]] = n
        ids[i] = entry_id(source_url, when[i][0], when[i][1], n)
    return ids


# --- headline / body -----------------------------------------------------------------------


# Title words that start a body run into its title in a flattened page ("… à Besançon La
# candidate Anne Vignot …", "… des candidats Avant l'annonce …"): words that open a sentence,
# and determiners when a lower-case word follows ("La candidate", not "Le Pen").
_SENTENCE_OPENERS = frozenset(
    "A À Au Aux Avant Après Alors Selon Dans Pour En Depuis Lors Si Mais Et Sur Chez Comme "
    "Pendant Malgré Face Il Elle Ils Elles On Nous Cela Parmi Entre Dès Ainsi Enfin".split()
)
_DETERMINERS = frozenset("Le La Les Un Une Des Ce Cet Cette Ces Notre Nos Son Sa Ses Leur".split())
_TOKEN_RE = re.compile(r"\S+")
# A run-in's first sentence reads as a title ("23h05 : Près de 10.000 bureaux dépouillés.
# Sur 9.882 bureaux…") when it is at most this long; see _BlogStyle.
_RUNIN_TITLE_MAX = 72
_STOPS = (".", ":", ",", ";")
_PARAGRAPH_BREAK_RE = re.compile(r"[ \t]*\n[ \t]*\n")
_ELLIPSES = ("..", "…")


def _ends_with_stop(text: str) -> bool:
    """Ends with a full stop, ":", "," or ";" (an ellipsis is no full stop)."""
    return text.endswith(_STOPS) and not text.endswith(_ELLIPSES)


def _first_sentence(rest: str) -> tuple[str, str] | None:
    """(title, remainder) for "Titre. Texte…" — the title without its full stop."""
    m = _SENTENCE_END_RE.search(rest, 0, HEADLINE_MAX + 4)
    if m is None or not 3 <= m.start() <= HEADLINE_MAX:
        return None
    head = rest[: m.start()] + rest[m.start() : m.end()].strip().rstrip(".")
    return head.strip(), rest[m.end() :]


_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿœ"
_BOUNDARY_RE = re.compile(
    rf"(?<=\s)(?:"
    rf"(?P<open>[\"«“](?=[{_UPPER}]))"  # an opening quote and a capital
    rf"|(?P<word>{'|'.join(sorted(_SENTENCE_OPENERS, key=len, reverse=True))})(?=\s)"
    rf"|(?P<det>{'|'.join(sorted(_DETERMINERS, key=len, reverse=True))})(?=\s+[{_LOWER}])"
    rf"|(?P<elided>L['’](?=[{_LOWER}]))"
    rf"|(?<=[»”\"][ \t\u00a0])(?P<cap>[{_UPPER}])"  # a capital after a closing quote
    rf")"
)


def _title_boundary(rest: str) -> int | None:
    """Where the body starts in a title and body run together without punctuation (see
    _SENTENCE_OPENERS), within the first sentence; None when no such place is found."""
    head = rest[: HEADLINE_MAX + 4]
    end = _SENTENCE_END_RE.search(head)
    limit = min(HEADLINE_MAX, end.start() if end is not None else len(head))
    for m in _BOUNDARY_RE.finditer(head, 0, limit):
        at = m.start()
        if head.count(" ", 0, at) < 3:
            continue  # a title has a few words at least
        before = head[:at].rstrip()
        if m["cap"] is not None:
            closing = before.endswith(("»", "”")) or (
                before.endswith('"') and before.count('"') % 2 == 0
            )
            if not closing:
                continue  # … doit "gouverner" Jean-Luc Mélenchon a appelé …
        elif m["open"] is not None and (
            before.endswith(":") or (m["open"] == '"' and before.count('"') % 2)
        ):
            continue  # "Macron : "En une année…" is the title's own quote
        return at
    return None


@dataclass(frozen=True, slots=True)
class _BlogStyle:
    """How a blog writes its headlines, read from all its entries at once.

    - `runin_titles`: every "HHhMM : Phrase. Suite…" entry starts with a short sentence: the
      outlet runs stamp, title and text together (Europe 1, HuffPost), so that sentence is
      the headline. One long or lower-case first sentence, and the blog is prose.
    - `flattened`: at least two entries run title and body together without punctuation (a
      page flattened into text): there, a run-in's first sentence is its title too.
    """

    runin_titles: bool = False
    flattened: bool = False


def _stamp_boundary(stamp: _Stamp) -> int | None:
    """_title_boundary of a long "HHhMM - …" or "HHhMM …" run-in (computed once)."""
    if stamp.cut == -1:
        long_runin = stamp.sep in ("", "-", "–", "—") and len(stamp.rest) > HEADLINE_MAX
        stamp.cut = _title_boundary(stamp.rest) if long_runin else None
    return stamp.cut


def _blog_style(stamps: list[_Stamp]) -> _BlogStyle:
    runin = prose = False
    boundaries = 0
    for s in stamps:
        if s.sep == ":" and not prose and (split := _first_sentence(s.rest)) is not None:
            if split[1]:
                title = split[0]
                runin = len(title) <= _RUNIN_TITLE_MAX and _is_title_start(title)
                prose = not runin
        if boundaries < 2 and _stamp_boundary(s) is not None:
            boundaries += 1
    return _BlogStyle(runin_titles=runin and not prose, flattened=boundaries >= 2)


def _headline_body(
    stamp: _Stamp, following_raw: str, style: _BlogStyle = _BlogStyle()
) -> tuple[str | None, str]:
    """Split an entry into headline and body; `following_raw` is the text after the stamp
    line up to the next stamp, untouched, so the body stays verbatim."""
    rest = stamp.rest
    following = following_raw.strip()
    if not rest:
        # "05h30" alone, then "L'élection de Macron, le jour d'après", then the body.
        title, _, after = following.partition("\n")
        title, after = title.strip(), after.strip()
        listed = title[:1] in _BULLETS or _STAMP_RE.match(title) is not None
        if after and len(title) <= HEADLINE_MAX and not _ends_with_stop(title) and not listed:
            return title, after
        return None, following
    if stamp.sep == "." or (stamp.sep == ":" and style.runin_titles):
        # "23h50. Titre. Corps…": the first sentence is the headline.
        split = _first_sentence(rest)
        if split is not None and (stamp.sep == "." or len(split[0]) <= _RUNIN_TITLE_MAX):
            return split[0], (split[1] + following_raw).strip()
    if (
        stamp.sep == "."
        and following
        and len(rest) <= HEADLINE_MAX
        and rest.endswith(".")
        and not rest.endswith(_ELLIPSES)
        and _PARAGRAPH_BREAK_RE.match(following_raw)
    ):
        return rest[:-1].rstrip(), following  # "23h50. Titre." then a paragraph break
    if following and len(rest) <= HEADLINE_MAX and not _ends_with_stop(rest):
        return rest, following  # a line ending "a déclaré :" introduces its body
    if stamp.sep in ("", "-", "–", "—") and len(rest) > HEADLINE_MAX:
        cut = _stamp_boundary(stamp)
        if cut is not None:
            return rest[:cut].rstrip(), (rest[cut:] + following_raw).strip()
        if style.flattened and (split := _first_sentence(rest)) is not None:
            return split[0], (split[1] + following_raw).strip()
    return None, (rest + following_raw).strip()


# --- parsing -------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _lead(text: str) -> str:
    return _ARCHIVE_TAG_RE.sub("", text, count=1).strip()


def parse_liveblog_result(text: str, *, blog_date: dt.date, source_url: str) -> ParsedBlog:
    """Parse live-blog text (or an HTML page) into its lead and entries (reading order)."""
    fmt = "text"
    if looks_like_html(text):
        text, fmt = html_to_text(text), "html"
    text = _normalise(text)
    stamps = _find_stamps(text)
    if not stamps:
        return ParsedBlog(entries=(), lead=_lead(text), newest_first=False, format=fmt)
    lead = _lead(text[: stamps[0].start])
    dates, newest_first = _assign_dates(stamps, blog_date)
    times = [dt.time(s.minutes // 60, s.minutes % 60) for s in stamps]
    when = [(d, f"{t:%H:%M}") for d, t in zip(dates, times, strict=True)]
    chrono = list(range(len(stamps) - 1, -1, -1)) if newest_first else list(range(len(stamps)))
    # Same minute: stable order by time then reading position in time order.
    chrono.sort(key=lambda i: (dates[i], stamps[i].minutes))
    ids = _ids(source_url, when, chrono)
    entries: list[Entry] = []
    style = _blog_style(stamps)
    for i, stamp in enumerate(stamps):
        nxt = stamps[i + 1].start if i + 1 < len(stamps) else len(text)
        headline, body = _headline_body(stamp, text[stamp.end : nxt], style)
        day, clock = dates[i], times[i]
        entries.append(
            Entry(
                id=ids[i],
                date=day,
                time=clock,
                published_at=dt.datetime.combine(day, clock, tzinfo=PARIS),
                headline=headline,
                body=body,
                permalink=f"{source_url}#{ids[i]}",
                deep_link=f"?entry={ids[i]}",
                order=i,
                line=stamp.line,
            )
        )
    return ParsedBlog(entries=tuple(entries), lead=lead, newest_first=newest_first, format=fmt)


def parse_liveblog(text: str, *, blog_date: dt.date, source_url: str) -> list[Entry]:
    """Live-blog text → its entries in reading order (see the module docstring)."""
    return list(parse_liveblog_result(text, blog_date=blog_date, source_url=source_url).entries)


def infer_blog_date(text: str) -> dt.date | None:
    """The blog's start day when the text says it: the earliest full date on a stamp line,
    else the first full date in the text ("30/01/17", "30 janvier 2017"); None otherwise."""
    text = _normalise(text)
    on_stamps = [s.full_date for s in _find_stamps(text) if s.full_date is not None]
    if on_stamps:
        return min(on_stamps)
    for m in _DATE_IN_TEXT_RE.finditer(text):
        try:
            if m[1] is not None:
                return dt.date(_year(m[3]), int(m[2]), int(m[1]))
            return dt.date(int(m[6]), _MONTHS[m[5].lower()], int(m[4]))
        except ValueError:
            continue
    return None


# --- JSON-LD -------------------------------------------------------------------------------


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type", [])
    return [str(t) for t in (value if isinstance(value, list) else [value])]


def _find_liveblog(node: Any, depth: int = 0) -> dict[str, Any] | None:
    if depth > 20:
        return None
    if isinstance(node, dict):
        if "LiveBlogPosting" in _types(node):
            return node
        children: Any = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_liveblog(child, depth + 1)
        if found is not None:
            return found
    return None


def _plain(value: Any, where: str = "", key: str = "") -> str:
    """A JSON-LD text field → plain text. A list of strings is read as paragraphs; any other
    non-text value (an object, a number…) is refused: its Python repr is no text to store."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n\n".join(value)
    if value is not None and not isinstance(value, str):
        raise ParseError(f"{where}: '{key}' must be text, got {json_kind(value)}")
    text = value or ""
    if "<" in text and (_HTML_FRAGMENT_RE.search(text) or "<br" in text.lower()):
        return html_to_text(text)
    return text.strip()


def _published(update: dict[str, Any], where: str) -> dt.datetime:
    """An update's `datePublished` (or `dateCreated`) → aware Paris time; ParseError for a
    missing, non-text, unreadable or out-of-range value (years FIRST_YEAR–LAST_YEAR)."""
    key = "datePublished" if update.get("datePublished") else "dateCreated"
    published = update.get(key)
    if not published:
        raise ParseError(f"{where}: missing 'datePublished'")
    if not isinstance(published, str):
        raise ParseError(f"{where}: '{key}' must be ISO 8601 text, got {json_kind(published)}")
    try:
        when = dt.datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
        when = when.replace(tzinfo=PARIS) if when.tzinfo is None else when.astimezone(PARIS)
    except ValueError as exc:
        raise ParseError(f"{where}: '{key}' is not ISO 8601: {published[:60]!r}") from exc
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is past datetime.max in Paris
        when = None  # type: ignore[assignment]
    if when is None or not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise ParseError(
            f"{where}: '{key}' out of range: {published[:60]!r} (years {FIRST_YEAR}–{LAST_YEAR})"
        )
    return when


def parse_liveblog_jsonld(
    payload: str | dict[str, Any] | list[Any], *, source_url: str
) -> list[Entry]:
    """schema.org LiveBlogPosting (JSON text or decoded) → entries in the payload's order.

    Each `liveBlogUpdate` needs `datePublished` (ISO 8601; a naive time is Paris time);
    `headline`, `articleBody` (or `text`) and `url` are optional. An update's own http(s)
    `url` is its permalink. Raises ParseError naming the update that is malformed.
    """
    if isinstance(payload, str):
        try:
            payload = load_json(payload, where="JSON-LD")
        except json.JSONDecodeError as exc:
            raise ParseError(
                f"JSON invalide : {exc.msg} (ligne {exc.lineno}, colonne {exc.colno})"
            ) from exc
    blog = _find_liveblog(payload)
    if blog is None:
        raise ParseError("aucun LiveBlogPosting (schema.org) dans le JSON-LD")
    updates = blog.get("liveBlogUpdate") or []
    if isinstance(updates, dict):
        updates = [updates]
    if not isinstance(updates, list):
        raise ParseError("'liveBlogUpdate' must be a list of BlogPosting objects")
    rows: list[tuple[dt.datetime, str | None, str, str | None]] = []
    for i, update in enumerate(updates):
        where = f"liveBlogUpdate[{i}]"
        if not isinstance(update, dict):
            raise ParseError(f"{where}: must be an object")
        when = _published(update, where)
        headline = _plain(update.get("headline"), where, "headline") or None
        body_key = "articleBody" if update.get("articleBody") else "text"
        body = _plain(update.get(body_key), where, body_key)
        url = update.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            url = None
        elif url.rstrip("/") == source_url.rstrip("/"):
            url = None  # the blog's own address is no permalink of the update
        rows.append((when, headline, body, url))
    when_keys = [(w.date(), f"{w:%H:%M}") for w, *_ in rows]
    chrono = sorted(range(len(rows)), key=lambda i: (rows[i][0], i))
    ids = _ids(source_url, when_keys, chrono)
    entries = []
    for i, (when, headline, body, url) in enumerate(rows):
        entries.append(
            Entry(
                id=ids[i],
                date=when.date(),
                time=dt.time(when.hour, when.minute),
                published_at=when,
                headline=headline,
                body=body,
                permalink=url or f"{source_url}#{ids[i]}",
                deep_link=f"?entry={ids[i]}",
                order=i,
            )
        )
    return entries


# --- one entry point for files and uploads -------------------------------------------------


def read_liveblog(
    data: bytes | str,
    *,
    blog_date: dt.date | None,
    source_url: str,
    where: str = "input",
    election: Election | None = None,
) -> ParsedBlog:
    """Any live-blog input (bytes or text: plain text, HTML page, JSON-LD) → ParsedBlog.

    An HTML page that carries a LiveBlogPosting in JSON-LD is read from the JSON-LD (exact
    dates). `blog_date` None: inferred from the text, else ParseError asking for it.
    Raises ParseError (one line, naming `where`) for empty, binary or date-less input, and,
    given `election`, for an entry dated outside its window (`Election.window`).
    """
    parsed = _read_liveblog(data, blog_date=blog_date, source_url=source_url, where=where)
    if election is not None:
        for entry in parsed.entries:
            reason = election.implausible(entry.published_at)
            if reason is not None:
                place = f"line {entry.line}" if entry.line else f"liveBlogUpdate[{entry.order}]"
                raise ParseError(f"{where}: {place}: entry {reason}")
    return parsed


def _read_liveblog(
    data: bytes | str, *, blog_date: dt.date | None, source_url: str, where: str
) -> ParsedBlog:
    text = decode_text(data, where=where) if isinstance(data, bytes) else data
    if not text.strip():
        raise ParseError(f"{where}: empty input, no live-blog text to read")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            payload = load_json(stripped, where=where)
        except json.JSONDecodeError:
            payload = None  # "[EN DIRECT] …" is text that starts with a bracket
        if payload is not None:
            try:
                entries = parse_liveblog_jsonld(payload, source_url=source_url)
            except ParseError as exc:
                raise ParseError(f"{where}: {exc}") from exc
            return ParsedBlog(entries=tuple(entries), lead="", newest_first=False, format="jsonld")
    if looks_like_html(text):
        page = _html_parse(text)
        for script in page.jsonld:
            try:
                entries = parse_liveblog_jsonld(script, source_url=source_url)
            except ParseError:
                continue  # other JSON-LD (breadcrumbs, organisation…): read the text instead
            if entries:
                return ParsedBlog(
                    entries=tuple(entries), lead="", newest_first=False, format="jsonld"
                )
        text = _paragraphs("".join(page.parts))
        fmt = "html"
    else:
        fmt = "text"
    if blog_date is None:
        blog_date = infer_blog_date(text)
        if blog_date is None:
            raise ParseError(
                f"{where}: cannot tell the blog's date from its text; give it with "
                "--date YYYY-MM-DD (the day the blog starts)"
            )
    parsed = parse_liveblog_result(text, blog_date=blog_date, source_url=source_url)
    if not parsed.entries:
        raise ParseError(
            f"{where}: aucune entrée datée trouvée (attendu : des lignes comme "
            "« 8h24 : Titre » ou « 30/01/17 - 13:01 »)"
        )
    return ParsedBlog(
        entries=parsed.entries, lead=parsed.lead, newest_first=parsed.newest_first, format=fmt
    )
