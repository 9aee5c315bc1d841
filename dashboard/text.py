"""Outside text is never markup: the one place that turns text we did not write into plain text.

Outside text is anything not written by our code: query parameters, feed fields, live-blog
headlines and bodies, gazetteer and desk input. Every surface shows it through one of these:

- `plain(text)`     the text to display: bidi controls neutralised, other control characters
                    dropped (the stored text stays verbatim; this is for display only);
- `markdown(text)`  for Streamlit elements that read Markdown (st.markdown, st.warning, captions,
                    labels): every Markdown, HTML, colour (`:red[…]`) and LaTeX (`$…$`) sign
                    is escaped, so it shows exactly the text;
- `html(text)`      for HTML and SVG we write (exports, the public site) — and for Plotly
                    text, hover templates' custom data, titles and annotations, which Plotly
                    reads as a subset of HTML (`<b>`, `<a href>`, `<span style>`): entities
                    are shown as the characters, tags never run;
- `http_url(url)`   the URL when it is an absolute http(s) URL, else None: only those become
                    links (never `javascript:`, `data:` or a relative path).
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


def markdown(text: object) -> str:
    """Outside text → Markdown that Streamlit shows as exactly that text."""
    s = plain(text)
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in s)


def html(text: object) -> str:
    """Outside text → HTML/SVG/Plotly text that shows exactly that text."""
    return _html.escape(plain(text), quote=True)


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
