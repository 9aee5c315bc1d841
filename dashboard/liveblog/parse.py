"""Live-blog text (or HTML, or schema.org JSON-LD) → time-stamped entries. Pure: no I/O.

An *entry* is a time stamp at the start of a line, an optional headline and a body kept
verbatim (paragraphs included). Text before the first entry is the blog's *lead*.

Time stamps read (at the start of a line; `h`, `H` and `heures` alike; no-break spaces ok):

- `8h24 : Titre` on its own line, the body in the next paragraphs;
- `23h50. Titre. Corps…` run in on one line; `21h25.` or `21 heures.` or `22 h :` alone;
- `22h49 - texte`, `23h30: texte`, `23h: texte`; `A 19h : texte`, `À 12H : texte`;
- a date with the time: `30/01/17 - 13:01`, `29/01 21:16`, `29/01/2017 21:16`;
- a weekday: `Dimanche, 20h11. Titre` (also `Dimanche 29 janvier, 20h11`);
- `8h24 Titre` (minutes present, capital or quote next) and `13:01` alone on its line.

What is *not* a time stamp (the traps): a time inside prose (`jusqu'à 19h`, `vers 20h30`,
`à 21 heures`, `publié le 29/01/2017 à 18:15`, `De 9h à 19h`), a time followed by a comma
(`19h, les bureaux…`) or by a lower-case word without separator, `À 21 heures, …` (a
leading "à" needs a colon or a dash), and *list lines* inside an entry: a bullet (`- 12h :
…`), a time followed by a figure (`12h : 400 000 votants`), or lines directly under a line
ending with a colon (`La participation :`). Such lines stay in the body of their entry.

Headline or body: the text on the stamp line is the headline when more text follows in the
entry, it is short (≤ HEADLINE_MAX characters) and it does not end with a full stop (French
headlines don't) or with ":", "," or ";" (a line that introduces what follows); otherwise it
is the start of the body. A run-in `23h50. Titre.
Corps` (a dot after the time) splits at the first sentence end.

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

import codecs
import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from dashboard.errors import ParseError
from dashboard.fr import PARIS

HEADLINE_MAX = 120
# In time order, a step back of more than this many minutes means "the next day"; smaller
# steps back are taken as an editor's misordering within the same day.
DAY_CHANGE_AFTER = 180
ID_LENGTH = 12

__all__ = [
    "Entry",
    "ParsedBlog",
    "decode_text",
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


# --- decoding ------------------------------------------------------------------------------

_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 are read as Windows-1252 (a superset of Latin-1's letters), so
    # a Latin-1/cp1252 file, or a UTF-8 file with a few cp1252 bytes pasted in, reads right.
    assert isinstance(err, UnicodeDecodeError)
    chunk = err.object[err.start : err.end]
    out = "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in chunk)
    return out, err.end


codecs.register_error("dashboard-cp1252", _cp1252_fallback)

# C0 control bytes that never occur in text (tab, newlines, form feed are fine).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c") + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def decode_text(data: bytes, *, where: str = "input") -> str:
    """Bytes → text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252/Latin-1.

    Raises ParseError (one line, naming `where`) when the bytes are binary, not text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{where}: not valid UTF-16 text ({exc.reason})") from exc
    nul = data.find(b"\x00")
    if nul != -1:
        raise ParseError(
            f"{where}: binary data, not text (NUL byte at offset {nul}); expected a text, "
            "HTML or JSON-LD file"
        )
    controls = len(data.translate(None, _NOT_CONTROL))
    if controls > max(8, len(data) // 1000):
        raise ParseError(
            f"{where}: binary data, not text ({controls} control bytes); expected a text, "
            "HTML or JSON-LD file"
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode("utf-8", errors="dashboard-cp1252")


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
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip

_STAMP_RE = re.compile(
    rf"""
    ^{_SP}*
    (?:
        (?P<wd>{"|".join(_WEEKDAYS)}){_SP}*
        (?:(?P<wdday>\d{{1,2}})(?:er)?{_SP}+(?P<wdmon>{"|".join(_MONTHS)})
           (?:{_SP}+(?P<wdyear>\d{{4}}))?{_SP}*)?
        ,?{_SP}*(?:à{_SP}+)?
      | (?P<a>[aà]){_SP}+
      | (?P<d>\d{{1,2}})/(?P<mo>\d{{1,2}})(?:/(?P<y>\d{{4}}|\d{{2}}))?
        {_SP}*(?:[-–—,]|à)?{_SP}*
    )?
    (?:
        (?P<h>[01]?\d|2[0-3]){_SP}?(?:heures?|h)(?:{_SP}?(?P<m>[0-5]\d))?(?!\w)
      | (?P<ch>[01]?\d|2[0-3]):(?P<cm>[0-5]\d)(?!\d)
    )
    {_SP}*(?P<sep>[:.\-–—])?{_SP}*
    (?P<rest>[^\n]*)
    """,
    re.X | re.I | re.M,
)
_ARCHIVE_TAG_RE = re.compile(r"\A[ \t]*date[ \t]+\d{4}-\d{2}(?:-\d{2})?(?:[ \t]+|(?=\n)|\Z)")
_OPENING_QUOTES = "«\"“‘'"
# First sentence end of a run-in line (not after an initial such as "M." or "J.-L.").
_SENTENCE_END_RE = re.compile(r"(?<![\s.][A-Z])(?<!\bMme)(?<!\bMM)[.!?…]+[»”\"]?[ \t]+(?=\S)")
_DATE_IN_TEXT_RE = re.compile(
    rf"(?<!\d)(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}})(?!\d)"
    rf"|(?<!\d)(\d{{1,2}})(?:er)?{_SP}+({'|'.join(_MONTHS)}){_SP}+(\d{{4}})(?!\d)",
    re.I,
)


@dataclass(slots=True)
class _Stamp:
    start: int  # offset of the line
    end: int  # offset of the end of the line (the newline or the end of the text)
    line: int
    minutes: int
    full_date: dt.date | None
    day_month: tuple[int, int] | None
    weekday: int | None
    sep: str
    rest: str


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _stamp_from_groups(
    groups: tuple[str | None, ...], start: int, end: int, line: int
) -> _Stamp | None:
    """Apply the rules of the module docstring to a candidate stamp; None = not a stamp."""
    wd, wdday, wdmon, wdyear, a, d, mo, y, h, mi, ch, cm, sep, rest = groups
    rest = (rest or "").rstrip()
    sep = sep or ""
    if rest and rest[0].isdigit():
        return None  # "12h : 400 000 votants": a figure by hour, a list line
    has_date = d is not None or wd is not None
    if a is not None and (sep not in (":", "-", "–", "—") or not rest):
        return None  # "À 21 heures, les bureaux…" is prose
    if not sep and rest:
        if ch is not None and not has_date:
            return None  # a bare "18:15 Quelque chose" is too weak a signal
        has_minutes = mi is not None or cm is not None
        if not (has_minutes or has_date) or not (rest[0].isupper() or rest[0] in _OPENING_QUOTES):
            return None  # "19h, les bureaux", "8 heures du matin"
    hour = int(h if h is not None else ch)  # type: ignore[arg-type]
    minute = int(mi or cm or 0)
    full_date = day_month = weekday = None
    try:
        if d is not None:
            if y is not None:
                full_date = dt.date(_year(y), int(mo), int(d))  # type: ignore[arg-type]
            else:
                dt.date(2000, int(mo), int(d))  # type: ignore[arg-type]  # 2000: leap year
                day_month = (int(d), int(mo))  # type: ignore[arg-type]
        elif wd is not None:
            weekday = _WEEKDAYS.index(wd.lower())
            if wdday is not None and wdmon is not None:
                month = _MONTHS[wdmon.lower()]
                if wdyear is not None:
                    full_date = dt.date(int(wdyear), month, int(wdday))
                else:
                    dt.date(2000, month, int(wdday))
                    day_month = (int(wdday), month)
    except ValueError:
        return None  # "31/02 12:00" is no date
    return _Stamp(start, end, line, hour * 60 + minute, full_date, day_month, weekday, sep, rest)


# A stamp line can only start with a space, a digit, "a"/"à" or a weekday's initial: other
# lines skip the regex altogether (most body lines).
_STARTERS = frozenset("0123456789 \t\u00a0\u202faAàÀlLmMjJvVsSdD")


def _find_stamps(text: str) -> list[_Stamp]:
    """One pass over the lines: the compiled stamp pattern, then the list-context rule."""
    stamps: list[_Stamp] = []
    pos = 0
    prev_line = ""
    prev_kind = "blank"  # "blank", "text", "stamp" or "list"
    match = _STAMP_RE.match
    for number, line in enumerate(text.split("\n"), start=1):
        kind = "text" if line and not line.isspace() else "blank"
        m = match(line) if line[:1] in _STARTERS else None
        if m is not None:
            # Directly under a line ending with ":" (or under such a list line), a time
            # stamp is a list item of the entry: "Participation :" / "12h : au moins …".
            if prev_kind == "list" or (prev_kind == "text" and prev_line.rstrip().endswith(":")):
                kind = "list"
            else:
                groups = m.groups()
                stamp = _stamp_from_groups(groups, pos, pos + len(line), number)
                if stamp is not None:
                    stamps.append(stamp)
                    kind = "stamp"
                elif (groups[-1] or "")[:1].isdigit():
                    kind = "list"
        prev_line, prev_kind = line, kind
        pos += len(line) + 1
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


def _headline_body(stamp: _Stamp, following_raw: str) -> tuple[str | None, str]:
    """Split an entry into headline and body; `following_raw` is the text after the stamp
    line up to the next stamp, untouched, so the body stays verbatim."""
    rest = stamp.rest
    following = following_raw.strip()
    if not rest:
        return None, following
    if stamp.sep == ".":
        # "23h50. Titre. Corps…": the first sentence is the headline.
        m = _SENTENCE_END_RE.search(rest, 0, HEADLINE_MAX + 4)
        if m is not None and 3 <= m.start() <= HEADLINE_MAX:
            head = rest[: m.start()] + rest[m.start() : m.end()].strip().rstrip(".")
            return head.strip(), (rest[m.end() :] + following_raw).strip()
    if following and len(rest) <= HEADLINE_MAX and not rest.endswith((".", ":", ",", ";")):
        return rest, following  # a line ending "a déclaré :" introduces its body
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
    for i, stamp in enumerate(stamps):
        nxt = stamps[i + 1].start if i + 1 < len(stamps) else len(text)
        headline, body = _headline_body(stamp, text[stamp.end : nxt])
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


def _plain(value: Any) -> str:
    text = "" if value is None else str(value)
    if "<" in text and (_HTML_FRAGMENT_RE.search(text) or "<br" in text.lower()):
        return html_to_text(text)
    return text.strip()


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
            payload = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise ParseError(
                f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from exc
        except (ValueError, RecursionError) as exc:  # 5000-digit numbers, deep nesting
            raise ParseError(f"not readable JSON ({type(exc).__name__})") from exc
    blog = _find_liveblog(payload)
    if blog is None:
        raise ParseError("no schema.org LiveBlogPosting found in the JSON-LD")
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
        published = update.get("datePublished") or update.get("dateCreated")
        if not published:
            raise ParseError(f"{where}: missing 'datePublished'")
        try:
            when = dt.datetime.fromisoformat(str(published).strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise ParseError(f"{where}: 'datePublished' is not ISO 8601: {published!r}") from exc
        when = when.replace(tzinfo=PARIS) if when.tzinfo is None else when.astimezone(PARIS)
        headline = _plain(update.get("headline")) or None
        body = _plain(update.get("articleBody") or update.get("text") or "")
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
) -> ParsedBlog:
    """Any live-blog input (bytes or text: plain text, HTML page, JSON-LD) → ParsedBlog.

    An HTML page that carries a LiveBlogPosting in JSON-LD is read from the JSON-LD (exact
    dates). `blog_date` None: inferred from the text, else ParseError asking for it.
    Raises ParseError (one line, naming `where`) for empty, binary or date-less input.
    """
    text = decode_text(data, where=where) if isinstance(data, bytes) else data
    if not text.strip():
        raise ParseError(f"{where}: empty input, no live-blog text to read")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            payload = json.loads(stripped)
        except (ValueError, RecursionError):
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
            f"{where}: no time-stamped entries found (expected lines such as "
            "'8h24 : Titre' or '30/01/17 - 13:01')"
        )
    return ParsedBlog(
        entries=parsed.entries, lead=parsed.lead, newest_first=parsed.newest_first, format=fmt
    )
