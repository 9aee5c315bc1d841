"""HTML of the public site: the page shell and the blocks the pages are made of.

Every text not written by our code (names, notes, headlines, bodies, URLs) goes through
`dashboard.text.html` / `http_url`; only http(s) URLs become links. No inline script and no
style attribute, so the site's Content-Security-Policy can forbid both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dashboard.text import host, html, http_url


@dataclass(frozen=True)
class Assets:
    css: str  # "assets/site.<hash>.css", relative to the site root
    js: str


@dataclass
class Shell:
    """What every page shares: where it sits (depth below the root), the navigation."""

    site_name: str
    assets: Assets
    nav: list[tuple[str, str]] = field(default_factory=list)  # (path from root, label)

    def page(
        self,
        path: str,
        *,
        title: str,
        description: str,
        main: str,
        current: str | None = None,
        live: dict[str, str] | None = None,
        embed: bool = False,
    ) -> bytes:
        """A whole page at `path` (from the site root). `live` turns the poller on with these
        body data attributes (data-latest, data-every, data-round)."""
        root = "../" * path.count("/")
        attrs = ' class="embed"' if embed else ""
        script = ""
        if live:
            attrs += "".join(
                f' data-{k}="{html(v if k != "latest" else root + v)}"' for k, v in live.items()
            )
            script = f'<script src="{root}{self.assets.js}" defer></script>'
        links = "".join(
            f'<li><a href="{root}{href}"'
            + (' aria-current="page"' if href == current else "")
            + f">{html(label)}</a></li>"
            for href, label in self.nav
        )
        out = (
            '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html(title)}</title>"
            f'<meta name="description" content="{html(description)}">'
            f'<link rel="stylesheet" href="{root}{self.assets.css}">{script}</head>'
            f"<body{attrs}>"
            '<a class="skip" href="#contenu">Aller au contenu</a>'
            f'<header class="site"><p>{html(self.site_name)}</p>'
            f'<nav aria-label="Rubriques"><ul>{links}</ul></nav></header>'
            f'<main id="contenu">{main}</main>'
            '<footer class="site"><p>Page statique mise à jour à chaque relevé ; les données '
            f'sont dans <a href="{root}data/latest.json">data/latest.json</a>.</p></footer>'
            "</body></html>\n"
        )
        return out.encode("utf-8")


def source_link(url: object, prefix: str = "Source : ") -> str:
    """ "Source : <a href=…>europe1.fr</a>" for an http(s) URL, else the text, never a link."""
    safe = http_url(url)
    if safe:
        label = host(safe).removeprefix("www.")
        return f'{html(prefix)}<a href="{html(safe)}" rel="noopener">{html(label)}</a>'
    return f"{html(prefix)}{html(url)}" if url else ""


_NUM = ' class="n"'


def table(
    caption: str, headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int]
) -> str:
    head = "".join(
        f'<th scope="col"{_NUM if i in numeric else ""}>{html(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{_NUM if i in numeric else ''}>{html(v)}</td>" for i, v in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return (
        '<details><summary>Voir les données (tableau)</summary><div class="table-wrap">'
        f"<table><caption>{html(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div></details>"
    )


def chart(narrow: str, wide: str, caption: str) -> str:
    """A chart drawn twice (phone and wide screens; CSS shows one), with its source line."""
    return (
        f'<figure><div class="chart-narrow">{narrow}</div><div class="chart-wide">{wide}</div>'
        f"<figcaption>{html(caption)}</figcaption></figure>"
    )


def downloads(root: str, links: Sequence[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = " · ".join(f'<a href="{root}{html(href)}">{html(label)}</a>' for href, label in links)
    return f'<p class="muted">Télécharger : {items}</p>'
