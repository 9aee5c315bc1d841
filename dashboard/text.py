"""Outside text is never markup: the one place that turns text we did not write into plain text.

Outside text is anything not written by our code: query parameters, feed fields, live-blog
headlines and bodies, gazetteer and desk input. Every surface shows it through one of these:

- `plain(text)`     the text to display: bidi controls neutralised, other control characters
                    dropped (the stored text stays verbatim; this is for display only);
- `markdown(text)`  for Streamlit elements that read Markdown (st.markdown, st.warning, captions,
                    labels): every Markdown, HTML, colour (`:red[…]`) and LaTeX (`$…$`) sign
                    is escaped, so it shows exactly the text;
- `html(text)`      for HTML and SVG we write (exports, the public site): entities are shown
                    as the characters, tags never run;
- `plotly(text)`    for Plotly text, hover templates' custom data, titles and annotations,
                    which Plotly reads as a subset of HTML (`<b>`, `<a href>`, `<span style>`);
- `http_url(url)`   the URL when it is an absolute http(s) URL, else None: only those become
                    links (never `javascript:`, `data:` or a relative path);
- `markdown_link(label, url)`  a Markdown link when `url` is http(s), else the label alone;
- `host(url)`       the host of an http(s) URL, "" for anything else.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from urllib.parse import urlsplit

# Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can reverse text on
# screen ("‮%35,25 slllaV" shown as "Valls 52,3%"); the marks (U+200E/U+200F, U+061C) only
# nudge direction and are dropped too.
_BIDI = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$&\"'=^")


def plain(text: object) -> str:
    """Display form of outside text: a string, without bidi controls or control characters
    (newlines and tabs kept)."""
    if text is None:
        return ""
    s = str(text).translate(_BIDI)
    return "".join(c for c in s if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


# Streamlit's Markdown turns bare URLs, `www.` names and e-mail addresses found in *text* into
# links (GFM autolinks, applied after escapes are resolved): an invisible word joiner after the
# scheme, `www` or `@` keeps them text.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto)(?=:)|\bwww(?=\.)|@)")


def markdown(text: object) -> str:
    """Outside text → Markdown that Streamlit shows as exactly that text (plus invisible word
    joiners that keep URLs and addresses from becoming links)."""
    s = _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, plain(text))
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in s)


def html(text: object, *, quote: bool = True) -> str:
    """Outside text → HTML/SVG/Plotly text that shows exactly that text. `quote=False` keeps
    quotes as they are where no attribute can hold the text (a plotly label: `<` and `&` are
    escaped, so no tag can open)."""
    return _html.escape(plain(text), quote=quote)


def plotly(text: object) -> str:
    """Outside text → Plotly text (labels, names, titles, annotations, custom data inserted in
    hover templates): `<`, `>` and `&` escaped so no tag opens; quotes kept, since plotly shows
    `&quot;` as written (it decodes only a few named entities)."""
    return html(text, quote=False)


_SCHEME = re.compile(r"^https?$", re.I)


def http_url(url: object) -> str | None:
    """`url` if it is an absolute http(s) URL with a host (safe to make a link), else None."""
    if not isinstance(url, str):
        return None
    s = url.strip()
    if not s or any(c.isspace() for c in s) or plain(s) != s:
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if not _SCHEME.match(parts.scheme or "") or not parts.hostname:
        return None
    return s


def host(url: object) -> str:
    """The host of an http(s) URL ("www.atlantico.fr"), or "" for anything else."""
    safe = http_url(url)
    return (urlsplit(safe).hostname or "") if safe else ""


def markdown_link(label: object, url: object) -> str:
    """`[label](url)` in Markdown when `url` is an absolute http(s) URL, else the label alone
    (escaped). Brackets and parentheses in the URL are percent-encoded so it stays one link."""
    safe = http_url(url)
    text = markdown(label)
    if safe is None:
        return text
    for char, code in (
        ("(", "%28"),
        (")", "%29"),
        ("[", "%5B"),
        ("]", "%5D"),
        ("<", "%3C"),
        (">", "%3E"),
    ):
        safe = safe.replace(char, code)
    return f"[{text}]({safe})"
