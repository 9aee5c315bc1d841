"""The public edition: the whole static site built from the store, then swapped in at once.

`build_site` turns the store into {path: bytes} (pages, data, assets) with no side effect;
`publish` writes that into a new folder `site-<stamp>` beside the previous ones, adds `.gz`
(and `.br` when the brotli package is there) siblings of text files, and swaps the symlink
`current -> site-<stamp>` with one rename(2) of a temporary symlink, so a reader (nginx, a
CDN sync) sees the old site or the new one, never half of one. Files that did not change
are hard links to the previous site's, so their mtime — hence nginx's ETag — stays the same
and a poller gets a 304. The framed PNG/SVG of the export module (Chromium, slow) are drawn
only on `images=True`, and only those the previous site does not have.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import settings
from dashboard.charts.bundles import (
    ChartBundle,
    ResultsView,
    progress_bundle,
    progress_rows,
    progress_subtitle,
    vote_split_bundle,
)
from dashboard.charts.theme import house_template
from dashboard.charts.vote_split import BASE_LABEL
from dashboard.election import Election, load_election
from dashboard.errors import DashboardError
from dashboard.fr import fr_int, fr_moment, fr_pct, no_break_spaces, status_fr, time_known
from dashboard.public import svg
from dashboard.public.pages import Assets, Shell, chart, downloads, source_link, table
from dashboard.results import query
from dashboard.results.embargo import (
    Embargo,
    clock_now,
    embargoed_rounds,
    hide_document,
    hide_results,
)
from dashboard.results.views import (
    feed_document,
    load_candidates,
    load_results,
    progress_card,
    share_rows,
    turnout_fields,
    turnout_figures,
    votants_change,
    winner_words,
    winners_headline,
)
from dashboard.store import Store
from dashboard.text import html, http_url

NARROW, WIDE = 360, 720  # the two renditions of each chart (phones; wider screens)
KEEP = 3  # published sites kept beside `current` (a CDN may still be reading the previous one)
TEXT_TYPES = (".html", ".css", ".js", ".json", ".csv", ".svg")
CURRENT = "current"


# --- reading the store once ----------------------------------------------------------------


@dataclass
class Sources:
    election: Election
    results: pd.DataFrame
    candidates: pd.DataFrame
    reactions: pd.DataFrame  # reaction_timeline + count_then; may be empty
    timeline: ChartBundle | None
    now: datetime | None  # the embargo's "now" (results.embargo.clock_now)
    embargoes: dict[int, Embargo]  # rounds whose shares are hidden now
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)  # rows by area (views)


def read_sources(store: Store, data_dir: Path) -> Sources:
    from dashboard.charts.bundles import timeline_bundle
    from dashboard.liveblog.reactions import load_people
    from dashboard.liveblog.store import ENTRIES_TABLE, reaction_timeline

    election = load_election(Path(data_dir) / "election.toml")
    results = load_results(store)
    results = results[results["election_id"] == election.id]
    # The embargo, applied once as the store is read: every page, chart, timeline announcement
    # and data file built from `results` then finds no shares for the rounds under embargo.
    now = clock_now(store.root)
    embargoes = embargoed_rounds(election, now)
    results = hide_results(results, election, now)
    candidates = load_candidates(store)
    reactions = pd.DataFrame()
    bundle = None
    if store.exists(ENTRIES_TABLE):
        gazetteer = load_people(Path(data_dir) / "people.csv", Path(data_dir) / "camps.csv")
        raw = reaction_timeline(store, gazetteer)
        if not raw.empty:
            bundle = timeline_bundle(raw, results, candidates, election, template=house_template())
            # The count at each entry's minute, as the bundle's own table has it (same rows,
            # same order): timeline_frame again would cost a query per entry.
            reactions = raw.assign(count_then=list(bundle.data["dépouillement"]))
    from dashboard.results.views import load_area_results

    areas = load_area_results(store)
    if not areas.empty:
        areas = hide_results(areas[areas["election_id"] == election.id], election, now)
    return Sources(election, results, candidates, reactions, bundle, now, embargoes, areas)


# --- pages ---------------------------------------------------------------------------------


@dataclass
class Moment:
    round: int
    snapshot_id: str
    as_of: datetime
    name: str  # "2350" (or "2901-2350" when two moments of a round share a time; "20170202"
    # for a snapshot whose source gives its date only)
    known: bool = True  # False when the source gives no time (fr.time_known)

    def label(self, *, year: bool = False, sep: str = " ") -> str:
        """ "29/01 23:50", or "02/02" when the source gives the date only."""
        return fr_moment(self.as_of, known=self.known, year=year, sep=sep)

    @property
    def path(self) -> str:
        return f"tour-{self.round}/{self.name}.html"


def moments(src: Sources, round_: int) -> list[Moment]:
    """The count snapshots worth a page: valid, with shares, oldest first."""
    snaps = query.snapshots(src.results, round_)
    snaps = snaps[snaps["valid"].astype(bool) & snaps["has_shares"] & (snaps["kind"] == "count")]
    times = [pd.Timestamp(t).to_pydatetime() for t in snaps["as_of"]]
    known = [time_known(n) for n in snaps["note"]]
    hhmm = [f"{t:%H%M}" for t in times]
    return [
        Moment(
            round_,
            str(sid),
            t,
            (n if hhmm.count(n) == 1 else f"{t:%d%m}-{n}") if k else f"{t:%Y%m%d}",
            k,
        )
        for sid, t, n, k in zip(snaps["snapshot_id"], times, hhmm, known, strict=True)
    ]


def rounds_with_results(src: Sources) -> list[int]:
    valid = src.results[query.is_valid(src.results)]
    return sorted(int(r) for r in valid["round"].unique())


def current_round(src: Sources) -> int:
    """The round of the latest valid snapshot (the one the front page is about)."""
    valid = src.results[query.is_valid(src.results)]
    if valid.empty:
        raise DashboardError("aucun résultat valide à publier ; lancez d'abord `data build`")
    return int(valid.sort_values("as_of").iloc[-1]["round"])


class Builder:
    """Builds every file of the site in memory (path → bytes)."""

    def __init__(
        self, src: Sources, *, every: int, base_url: str, images: set[str], draw: bool
    ) -> None:
        # `images`: those the previous site has; `draw`: the missing ones will be drawn.
        self.src, self.every, self.base_url = src, every, base_url
        self.images, self.draw = images, draw
        self.files: dict[str, bytes] = {}
        self.template = house_template()
        self.rounds = rounds_with_results(src)
        self.current = current_round(src)
        self.moments = {r: moments(src, r) for r in self.rounds}
        self.progress: dict[int, ChartBundle | None] = {}
        self._snaps = {r: query.snapshots(src.results, r) for r in self.rounds}
        self._rows: dict[str, pd.DataFrame] = {}
        self._splits: dict[str, ChartBundle] = {}
        self._shares: dict[str, pd.DataFrame] = {}
        self._lines: dict[int, svg.Progress] = {}
        self._dates_only: dict[int, set[pd.Timestamp]] = {}
        self._maps: dict[tuple, tuple[ChartBundle, str, str]] = {}
        self._prog_rows: dict[int, pd.DataFrame] = {}
        self._map_rows: dict[tuple[int, datetime | None], pd.DataFrame] = {}
        self._timeline: tuple[str, str] | None = None
        self.bundles: list[tuple[str, ChartBundle]] = []  # (page path, bundle) for images
        css = _asset("site.css")
        js = _asset("live.js")
        self.assets = Assets(_hashed("assets/site", ".css", css), _hashed("assets/live", ".js", js))
        self.files[self.assets.css], self.files[self.assets.js] = css, js
        nav = [("index.html", "Résultats")]
        nav += [(f"tour-{r}/index.html", src.election.round(r).label) for r in self.rounds]
        if src.timeline is not None:
            nav.append(("reactions/index.html", "Réactions"))
        self.shell = Shell(src.election.name, self.assets, nav)

    # -- helpers

    def rows(self, sid: str) -> pd.DataFrame:
        if sid not in self._rows:
            self._rows[sid] = query.snapshot_rows(self.src.results, sid)
        return self._rows[sid]

    def view(self, round_: int, at: datetime | None = None) -> ResultsView:
        """`charts.bundles.results_view` for this site's store, with each round's snapshot
        table read once (the same choice as `query.current_snapshot_id`: the latest valid
        snapshot as of `at`, and the latest with shares) — a site has a dozen pages."""
        snaps = self._snaps.get(round_)
        if snaps is None or snaps.empty:
            raise DashboardError(f"aucun résultat valide pour le tour {round_}")
        snaps = snaps.loc[snaps["valid"].astype(bool)]
        if at is not None:
            snaps = snaps[snaps["as_of"] <= pd.Timestamp(at)]
        if snaps.empty:
            raise DashboardError(f"aucun résultat valide pour le tour {round_}")
        sid = str(snaps.iloc[-1]["snapshot_id"])
        with_shares = snaps[snaps["has_shares"]]
        src = self.src
        if with_shares.empty:
            share_rows, shares = self.rows(sid).iloc[0:0], pd.DataFrame()
        else:
            share_sid = str(with_shares.iloc[-1]["snapshot_id"])
            share_rows = self.rows(share_sid)
            if share_sid not in self._shares:
                self._shares[share_sid] = query.shares(share_rows, src.candidates)
            shares = self._shares[share_sid]
        return ResultsView(
            src.election,
            round_,
            at,
            src.results,
            src.candidates,
            self.rows(sid),
            share_rows,
            shares,
        )

    def vote_split(self, view: ResultsView) -> ChartBundle:
        """The app's vote-split bundle, once per snapshot (pages of one snapshot share it)."""
        sid = str(view.share_snapshot["snapshot_id"].iloc[0])
        if sid not in self._splits:
            self._splits[sid] = vote_split_bundle(view, self.template)
        return self._splits[sid]

    def _progress(self, round_: int) -> ChartBundle | None:
        if round_ not in self.progress:
            try:
                self.progress[round_] = progress_bundle(self.view(round_), self.template)
            except DashboardError:
                self.progress[round_] = None
        return self.progress[round_]

    def _progress_rows(self, round_: int) -> pd.DataFrame:
        """The round's count snapshots (bundles.progress_rows), once per build: a moment's
        page says what its chart spans from them."""
        if round_ not in self._prog_rows:
            self._prog_rows[round_] = progress_rows(self.view(round_))
        return self._prog_rows[round_]

    def split_charts(self, view: ResultsView) -> tuple[ChartBundle, str, str]:
        """The vote split's bundle and its two SVG renditions (phone, wide)."""
        bundle = self.vote_split(view)
        ids = dict(zip(view.shares["name"].astype(str), view.shares["candidate_id"], strict=True))
        bars = svg.vote_split_bars(bundle.fig, ids)
        label = winner_words(view.shares, self.src.election.round(view.round))
        narrow, wide = (
            svg.vote_split_svg(bundle.fig, bars, width=w, label=bundle.alt_text, winner_label=label)
            for w in (NARROW, WIDE)
        )
        return bundle, narrow, wide

    def progress_charts(self, round_: int, until: datetime | None = None) -> tuple[str, str]:
        bundle = self.progress[round_]
        assert bundle is not None
        narrow, wide = (
            svg.progress_svg(self.lines(round_), width=w, label=bundle.alt_text, until=until)
            for w in (NARROW, WIDE)
        )
        return narrow, wide

    def timeline_charts(self) -> tuple[str, str]:
        t = self.src.timeline
        assert t is not None
        if self._timeline is None:
            narrow, wide = (
                svg.timeline_svg(t.fig, width=w, label=t.alt_text) for w in (NARROW, WIDE)
            )
            self._timeline = (narrow, wide)
        return self._timeline

    def dates_only(self, round_: int) -> set[pd.Timestamp]:
        """The times of the round's snapshots whose source gives the date only (worked out
        once per round: every moment page of the round asks)."""
        if round_ not in self._dates_only:
            snaps = query.snapshots(self.src.results, round_)
            self._dates_only[round_] = {
                pd.Timestamp(t)
                for t, note in zip(snaps["as_of"], snaps["note"], strict=True)
                if not time_known(note)
            }
        return self._dates_only[round_]

    def lines(self, round_: int) -> svg.Progress:
        """The count-progress figure's traces, read once per round."""
        if round_ not in self._lines:
            self._lines[round_] = svg.progress_data(self.progress[round_].fig)  # type: ignore[union-attr]
        return self._lines[round_]

    def _image_links(self, bundle: ChartBundle) -> list[tuple[str, str]]:
        out = []
        for ext in ("png", "svg"):
            name = image_name(bundle, ext)
            if name in self.images or self.draw:
                out.append((name, f"image {ext.upper()}"))
        return out

    # -- the results pages

    def results_main(self, view: ResultsView, path: str, moment: Moment | None) -> str:
        election = self.src.election
        rnd = election.round(view.round)
        root = "../" * path.count("/")
        first = view.first
        embargo = self.src.embargoes.get(view.round)
        heading = f"{election.short_name} — {rnd.label}"
        if moment is not None:
            heading += f" : les chiffres au {moment.label(year=True, sep=' à ')}"
        parts = [f"<h1>{html(heading)}</h1>", '<section class="headline">']
        shares = view.shares if embargo is None else pd.DataFrame()
        if not shares.empty:
            # The words of the JSON's `headline` (views.lead_headline), so that the live
            # script writes the next snapshot's in the same places: "Élue" : Marine Le Pen,
            # "Qualifiés" : Emmanuel Macron et Marine Le Pen, 27,85 % · 23,15 %.
            card = winners_headline(shares, rnd, view.winners())
            parts.append(
                f'<p class="lead"><span data-f="lead-label">{html(card["title"])}</span> : '
                f'<strong data-f="lead-name">{html(card["value"])}</strong></p>'
            )
            base = str(view.share_snapshot["share_base"].iloc[0])
            parts.append(f'<p class="big" data-f="lead-share">{html(card["detail"])}</p>')
            parts.append(f'<p class="base" data-f="base">{html(BASE_LABEL[base])}</p>')
        elif embargo is not None:
            parts.append(
                f'<p class="banner">Résultats sous embargo {html(embargo.label())} : les parts '
                "des candidats seront publiées à cette heure ; la participation est déjà là.</p>"
            )
        else:
            parts.append('<p class="lead">Parts des candidats pas encore publiées.</p>')
        parts.append(f'<p class="stamp" data-f="stamp">{html(view.stamp())}</p>')
        # Who published these figures: the snapshot's authority (the Conseil constitutionnel
        # proclaims what the ministry counted), else the election's organiser.
        authority = first["authority"] if "authority" in first else None
        if not isinstance(authority, str) or not authority.strip():
            authority = election.organiser
        parts.append(f'<p class="stamp">{source_link(first["source_url"])} ({html(authority)})</p>')
        if isinstance(first["note"], str) and first["note"].strip():
            parts.append(f'<p class="note">Note : {html(no_break_spaces(first["note"]))}</p>')
        parts.append('<p class="updated" data-f="updated" aria-live="polite"></p></section>')
        parts.append(self.figures(view))
        parts.append(self.vote_split_block(view, path, root, embargo is not None))
        parts.append(self.progress_block(view, root, moment, embargo is not None))
        parts.append(self.moments_block(view.round, root, moment))
        parts.append(self.map_block(view, root, moment))
        if moment is None and view.round == self.current:
            parts.append(self.embed_block(root))
        return "".join(parts)

    def figures(self, view: ResultsView) -> str:
        first = view.first
        turnout = turnout_figures(turnout_fields(first))
        # (key, label, figure, the line under it): the figure alone on its line, so a phone's
        # narrow cell never breaks "71,99 % · abstention 28,01 %" across three lines.
        cells: list[tuple[str, str, str, str]] = []
        if turnout["inscrits"]:
            cells.append(("inscrits", "Inscrits", fr_int(turnout["inscrits"]), ""))
        if turnout["participation_pct"] is not None:
            abstention = turnout["abstention_pct"]
            cells.append(
                (
                    "participation",
                    "Participation",
                    fr_pct(turnout["participation_pct"]),
                    ""
                    if abstention is None or turnout["rate_only"]
                    else f"abstention {fr_pct(abstention)}",
                )
            )
        cells += [
            ("votants", "Votants", fr_int(first["votants"]), self._votants_delta(view)),
            ("exprimes", "Exprimés", fr_int(first["exprimes"]), ""),
            ("blancs", "Blancs", fr_int(first["blancs"]), ""),
            ("nuls", "Nuls", fr_int(first["nuls"]), ""),
        ]
        progress = progress_card(first)  # bureaux, or the share of inscrits counted
        detail = f" ({progress['detail']})" if progress["detail"] else ""
        cells.append(("bureaux", progress["label"], progress["value"] + detail, ""))
        wide = ' class="wide"'
        items = "".join(
            f"<div{wide if key == 'bureaux' else ''}><dt"
            + (' data-f="bureaux-label"' if key == "bureaux" else "")
            + f">{html(label)}</dt>"
            f'<dd data-f="{key}">{html(value)}</dd>'
            + (f'<dd class="delta">{html(under)}</dd>' if under else "")
            + "</div>"
            for key, label, value, under in cells
        )
        return f'<dl class="figures" aria-label="Participation et dépouillement">{items}</dl>'

    def _votants_delta(self, view: ResultsView) -> str:
        """ "+389 424 vs 1er tour": votants against the other round's latest figure, with the
        stages when they differ (views.votants_change)."""
        others = [r for r in self.rounds if r != view.round]
        if not others:
            return ""
        try:
            then = self.view(others[0]).first
        except DashboardError:
            return ""
        label = self.src.election.round(others[0]).label
        return votants_change(view.first, then, label) or ""

    def vote_split_block(self, view: ResultsView, path: str, root: str, embargoed: bool) -> str:
        out = ['<h2 id="repartition">Répartition des voix</h2>']
        if embargoed or view.shares.empty:
            out.append('<p class="muted">Pas encore de répartition des voix pour ce tour.</p>')
            return "".join(out)
        if view.share_as_of is not None and view.share_as_of != view.as_of:
            out.append(
                '<p class="banner">Ce relevé ne donne pas les parts des candidats : répartition '
                f"au {view.share_as_of:%d/%m à %H:%M}.</p>"
            )
        bundle, *draw = self.split_charts(view)
        self.bundles.append((path, bundle))
        out.append(f'<p class="muted">{html(bundle.subtitle)}</p>')
        out.append(chart(*draw, bundle.source_line))
        # Every candidate, an unpublished share read « n. c. » (never left out).
        rows = [
            (r["name"], r["votes_text"], r["share_text"], r["published_text"])
            for r in share_rows(view.shares)
        ]
        base = BASE_LABEL[str(view.share_snapshot["share_base"].iloc[0])]
        out.append(
            table(
                f"{bundle.title} — {base}",
                ["Candidat", "Voix", "Part", "Part publiée"],
                rows,
                {1, 2, 3},
            )
        )
        # The live poller updates these cells in place (data-f="share-<id>").
        out[-1] = _mark_cells(out[-1], view.shares)
        sid = str(view.share_snapshot["snapshot_id"].iloc[0])
        links = [(f"data/{sid}.csv", "CSV"), (f"data/{sid}.json", "JSON")]
        out.append(downloads(root, links + self._image_links(bundle)))
        return "".join(out)

    def progress_block(
        self, view: ResultsView, root: str, moment: Moment | None, embargoed: bool
    ) -> str:
        out = ['<h2 id="progression">Évolution du dépouillement</h2>']
        bundle = self._progress(view.round)
        if bundle is None or embargoed:
            out.append('<p class="muted">Pas encore de dépouillement pour ce tour.</p>')
            return "".join(out)
        until = moment.as_of if moment is not None else None
        draw = self.progress_charts(view.round, until)
        # The subtitle says what the chart spans: on a moment's page, up to that moment.
        subtitle = bundle.subtitle
        if until is not None:
            rows = self._progress_rows(view.round)
            subtitle = progress_subtitle(rows[rows["as_of"] <= pd.Timestamp(until)])
        out.append(f'<p class="muted">{html(subtitle)}</p>')
        # A moment's page cites the snapshot it shows, not the round's latest.
        out.append(chart(*draw, bundle.source_line if moment is None else view.source_line()))
        data = bundle.data
        if until is not None:
            data = data[data["heure"] <= pd.Timestamp(until)]
        unknown = self.dates_only(view.round)
        rows = [
            (
                fr_moment(r["heure"], known=pd.Timestamp(r["heure"]) not in unknown, sep=" "),
                status_fr(r["statut"]),
                r["candidat"],
                fr_pct(r["part_pct"]),
                fr_int(r["bureaux_depouilles"]),
                fr_int(r["votants"]),
            )
            for _, r in data.iterrows()
        ]
        out.append(
            table(
                bundle.title,
                ["Heure", "Statut", "Candidat", "Part", "Bureaux", "Votants"],
                rows,
                {3, 4, 5},
            )
        )
        if moment is None:
            out.append(downloads(root, self._image_links(bundle)))
        return "".join(out)

    def moments_block(self, round_: int, root: str, moment: Moment | None) -> str:
        items = []
        for m in self.moments.get(round_, []):
            label = m.label()
            if moment is not None and m.snapshot_id == moment.snapshot_id:
                items.append(f'<li><a href="{root}{m.path}" aria-current="page">{label}</a></li>')
            else:
                items.append(f'<li><a href="{root}{m.path}">{label}</a></li>')
        if not items:
            return ""
        rnd = self.src.election.round(round_)
        return (
            f'<h2 id="releves">Les relevés du {html(rnd.label)}</h2>'
            '<p class="muted">Les chiffres tels qu\'ils étaient publiés à chaque moment :</p>'
            f'<ul class="moments">{"".join(items)}</ul>'
        )

    def embed_block(self, root: str) -> str:
        from dashboard.export.formats import embed_snippet

        items = []
        for name, label in EMBEDS.items():
            if name == "reactions-timeline" and self.src.timeline is None:
                continue
            url = f"{self.base_url}embed/{name}.html"
            snippet = embed_snippet(url, "article", title=label)
            items.append(
                f'<li><a href="{root}embed/{name}.html">{html(label)}</a>'
                f'<code class="snippet">{html(snippet)}</code></li>'
            )
        return (
            '<h2 id="integrer">Intégrer ces graphiques</h2>'
            '<p class="muted">Code à coller dans un article (l\'adresse du site est à '
            "compléter si elle n'est pas indiquée) :</p>"
            f'<ul class="entries">{"".join(items)}</ul>'
        )

    def area_frame(self, round_: int, at: datetime | None = None) -> pd.DataFrame:
        """`charts.map.area_rows` of the round at `at` (default: the latest), once per round
        and moment (the round's page and each of its moments' pages ask)."""
        from dashboard.charts.map import area_rows

        key = (round_, at)
        if key not in self._map_rows:
            self._map_rows[key] = area_rows(self.src.areas, self.src.candidates, round_, at)
        return self._map_rows[key]

    @staticmethod
    def _map_key(round_: int, rows: pd.DataFrame) -> tuple:
        """What a map draws: the round and each area's snapshot (its code and time). Moments
        whose départements have the same latest figures draw the same map."""
        areas = rows.drop_duplicates("area_code")  # one row per candidate, one time per area
        return (round_, frozenset(zip(areas["area_code"], areas["as_of"], strict=True)))

    def map_files(
        self, view: ResultsView, moment: Moment | None = None
    ) -> tuple[ChartBundle, str, str] | None:
        """The map of the round at `moment` (default: the latest) as two light SVG files
        (phone, wide), named by their content and drawn once per build whichever pages show
        it; None when there are no results by area at that moment."""
        from dashboard.charts.bundles import load_geometry, map_bundle

        rows = self.area_frame(view.round, moment.as_of if moment else None)
        if rows.empty:
            return None
        key = self._map_key(view.round, rows)
        if key not in self._maps:
            geo = load_geometry()
            bundle = map_bundle(view, self.template, geojson=geo, rows=rows)
            stem = f"carte/tour-{view.round}" + ("" if moment is None else f"-{moment.name}")
            names = []
            for w in (NARROW, WIDE):
                content = svg.map_svg(bundle.fig, geo, width=w, label=bundle.alt_text)
                name = _hashed(f"{stem}-{w}", ".svg", content.encode())
                self.files[name] = content.encode()
                names.append(name)
            self._maps[key] = (bundle, names[0], names[1])
        return self._maps[key]

    def map_block(self, view: ResultsView, root: str, moment: Moment | None = None) -> str:
        """Résultats par département: the map as an image (one rendition downloaded: the
        phone's or the wide screen's) and a link to the table of areas. On a moment's page,
        the map of that moment, or one line saying there are none yet; nothing when the
        round has no results by area at all."""
        latest = self.map_files(view)
        if latest is None:
            return ""
        drawn = latest
        if moment is not None:
            then = self.map_files(view, moment)
            if then is None:
                return self.no_map_yet(view, root, moment, latest[0])
            drawn = then
        bundle, narrow, wide = drawn
        out = (
            '<h2 id="carte">Résultats par département</h2>'
            f'<p class="muted">{html(bundle.subtitle)}</p>' + map_figure(root, narrow, wide, bundle)
        )
        if drawn is not latest:  # the table of areas is the round's latest one
            return out
        rows = self.area_frame(view.round)
        count = rows["area_code"].nunique()
        page = f"tour-{view.round}/departements.html"
        self.areas_page(view, bundle, narrow, wide)
        return (
            out + f'<p><a href="{root}{page}">Tableau des {count} zones</a> (dont les Français de '
            "l'étranger et les collectivités d'outre-mer, qui ne sont pas sur la carte)</p>"
        )

    def no_map_yet(self, view: ResultsView, root: str, moment: Moment, latest: ChartBundle) -> str:
        """A moment's page before any result by area: one line, and the way to the round's
        map (which has some)."""
        rnd = self.src.election.round(view.round)
        stamp = fr_moment(latest.as_of, known=latest.time_known)
        return (
            '<p class="muted" id="carte">Pas encore de résultats par département au '
            f"{html(moment.label(year=True, sep=' à '))} — voir la "
            f'<a href="{root}tour-{view.round}/index.html#carte">carte du {html(rnd.label)}'
            f"</a> (chiffres au {html(stamp)}).</p>"
        )

    def areas_page(self, view: ResultsView, bundle: ChartBundle, narrow: str, wide: str) -> None:
        from dashboard.charts.map import build_area_table

        path = f"tour-{view.round}/departements.html"
        if path in self.files:
            return
        rnd = self.src.election.round(view.round)
        frame = build_area_table(self.area_frame(view.round))
        main = (
            f"<h1>{html(bundle.title)}</h1>"
            f'<p class="muted">{html(bundle.subtitle)}</p>'
            + map_figure("../", narrow, wide, bundle)
            + table(
                f"{bundle.title} — {rnd.label}",
                list(frame.columns),
                frame.itertuples(index=False),
                {3, 5, 6, 7},
            )
        )
        self.files[path] = self.shell.page(
            path,
            title=f"{bundle.title}",
            description=bundle.alt_text,
            main=main,
            current=f"tour-{view.round}/index.html",
        )

    def results_page(self, round_: int, path: str, moment: Moment | None = None) -> None:
        src = self.src
        view = self.view(round_, moment.as_of if moment else None)
        main = self.results_main(view, path, moment)
        rnd = src.election.round(round_)
        live = None
        if moment is None and round_ == self.current:
            live = {
                "latest": "data/latest.json",
                "every": str(self.every),
                "round": str(round_),
            }
        title = f"{src.election.short_name} — {rnd.label} : résultats"
        if moment is not None:
            title += f" au {moment.label()}"
        current = path if moment is None else f"tour-{round_}/index.html"
        self.files[path] = self.shell.page(
            path,
            title=title,
            description=f"Résultats du {rnd.label}, {view.stamp()}",
            main=main,
            current=current,
            live=live,
        )

    # -- reactions and embeds

    def reactions_page(self) -> None:
        src, bundle = self.src, self.src.timeline
        if bundle is None:
            return
        path = "reactions/index.html"
        draw = self.timeline_charts()
        entries = []
        for _, r in src.reactions.iterrows():
            eid = html(r["entry_id"])
            when = pd.Timestamp(r["published_at"])
            names = [str(p) for p in (r["people_names"] or [])]
            people = ", ".join(names) or "aucune personne identifiée"
            meta = [f"{when:%d/%m à %H:%M}", people, str(r["camp_label"])]
            if r["outlet"]:
                meta.append(str(r["outlet"]))
            if r["stance"]:
                meta.append(f"position : {r['stance']}")
            link = http_url(r["permalink"]) or http_url(r["source_url"])
            source = (
                f'<a href="{html(link)}" rel="noopener">Lire l\'entrée dans le direct '
                f"({html(svg_host(link))})</a>"
                if link
                else "Source non disponible"
            )
            entries.append(
                f'<li class="entry" id="entry-{eid}"><h3>{html(r["headline"] or "(sans titre)")}'
                f'</h3><p class="meta">{html(" · ".join(meta))}</p>'
                f'<p class="body">{html(r["body"])}</p>'
                f'<p class="meta">{html(r["count_then"])}</p><p class="meta">{source} · '
                f'<a href="#entry-{eid}">lien vers cette réaction</a></p></li>'
            )
        main = (
            f'<h1>{html(bundle.title)}</h1><p class="muted">{html(bundle.subtitle)}</p>'
            + chart(*draw, bundle.source_line)
            + '<p class="muted">Chaque point renvoie à sa réaction ci-dessous&#160;; les lignes '
            "pointillées marquent les annonces de résultats.</p>"
            + downloads("../", [("data/reactions.json", "JSON"), *self._image_links(bundle)])
            + f'<h2 id="liste">Les {len(entries)} réactions</h2>'
            + f'<ol class="entries">{"".join(entries)}</ol>'
        )
        self.files[path] = self.shell.page(
            path, title=bundle.title, description=bundle.subtitle, main=main, current=path
        )
        self.bundles.append((path, bundle))

    def embeds(self) -> None:
        src = self.src
        view = self.view(self.current)
        embargo = src.embargoes.get(self.current)
        found: dict[str, tuple[ChartBundle, str, str]] = {}
        if embargo is None and not view.shares.empty:
            found["vote-split"] = self.split_charts(view)
        prog = self._progress(self.current)
        if embargo is None and prog is not None:
            found["count-progress"] = (prog, *self.progress_charts(self.current))
        if src.timeline is not None:
            found["reactions-timeline"] = (src.timeline, *self.timeline_charts())
        for name, (b, narrow, wide) in found.items():
            path = f"embed/{name}.html"
            target = "../reactions/index.html" if name == "reactions-timeline" else "../index.html"
            main = (
                f'<h1>{html(b.title)}</h1><p class="muted">{html(b.subtitle)}</p>'
                + chart(narrow, wide, b.source_line)
                + f'<p class="muted">{html(settings.get_str("credit"))} · <a href="{target}" '
                'target="_top">Tous les résultats</a></p>'
            )
            self.files[path] = self.shell.page(
                path, title=b.title, description=b.alt_text, main=main, embed=True
            )

    # -- data

    def data_files(self) -> None:
        src = self.src
        for snaps in self._snaps.values():
            for sid in snaps.loc[snaps["valid"].astype(bool), "snapshot_id"]:
                doc = self._public_document(self.rows(str(sid)))
                self.files[f"data/{sid}.json"] = _json(doc)
                self.files[f"data/{sid}.csv"] = snapshot_csv(doc)
        latest = str(self.view(self.current).first["snapshot_id"])
        self.files["data/latest.json"] = self.files[f"data/{latest}.json"]
        if not src.reactions.empty:
            self.files["data/reactions.json"] = _json(reactions_document(src.reactions))

    def _public_document(self, rows: pd.DataFrame) -> dict[str, Any]:
        doc = feed_document(rows, self.src.candidates, self.src.election)
        if int(doc["round"]) in self.src.embargoes:  # its shares are already blank; say why
            doc = hide_document(doc, self.src.election, self.src.now)
        return doc

    def build(self) -> dict[str, bytes]:
        self.results_page(self.current, "index.html")
        for r in self.rounds:
            self.results_page(r, f"tour-{r}/index.html")
            if r not in self.src.embargoes:
                for m in self.moments[r]:
                    self.results_page(r, m.path, m)
        self.reactions_page()
        self.embeds()
        self.data_files()
        self.files["404.html"] = NOT_FOUND
        return self.files


# Served by nginx for any missing path, at any depth: links from the root, no stylesheet.
NOT_FOUND = (
    '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Page introuvable</title></head><body><main><h1>Page introuvable</h1>"
    "<p>Cette page n'existe pas (ou plus). Les résultats sont sur la "
    '<a href="/">page d\'accueil</a>.</p></main></body></html>\n'
).encode()

EMBEDS = {
    "vote-split": "Répartition des voix",
    "count-progress": "Évolution du dépouillement",
    "reactions-timeline": "Réactions politiques",
}


def map_figure(root: str, narrow: str, wide: str, bundle: ChartBundle) -> str:
    """The map's image: a <picture>, so a phone downloads the narrow file only."""
    return (
        f'<figure class="map"><picture><source media="(min-width:640px)" '
        f'srcset="{root}{html(wide)}"><img src="{root}{html(narrow)}" '
        f'alt="{html(bundle.alt_text)}" loading="lazy" decoding="async"></picture>'
        f"<figcaption>{html(bundle.source_line)}</figcaption></figure>"
    )


def svg_host(url: str) -> str:
    from dashboard.text import host

    return host(url).removeprefix("www.")


def _mark_cells(table_html: str, shares: pd.DataFrame) -> str:
    """Give the vote-split table's share and votes cells the ids the poller updates."""
    out = table_html
    for _, r in shares.iterrows():
        cid = html(r["candidate_id"])
        name_cell = f"<td>{html(r['name'])}</td>"
        votes = f'<td class="n">{html(fr_int(r["votes"]))}</td>'
        share = f'<td class="n">{html(fr_pct(r["share"]))}</td>'
        out = out.replace(
            name_cell + votes + share,
            name_cell + f'<td class="n" data-f="votes-{cid}">{html(fr_int(r["votes"]))}</td>'
            f'<td class="n" data-f="share-{cid}">{html(fr_pct(r["share"]))}</td>',
            1,
        )
    return out


def image_name(bundle: ChartBundle, ext: str) -> str:
    from dashboard.export.names import filename

    return "img/" + filename(bundle.election_slug, bundle.round, bundle.slug, bundle.as_of, ext)


def snapshot_csv(doc: dict[str, Any]) -> bytes:
    """One snapshot for French Excel (the export module's CSV rules), French headers."""
    from dashboard.export.formats import data_csv

    rows = [
        {
            "relevé": doc["snapshot_id"],
            "tour": doc["round"],
            "heure": doc["as_of"],
            "statut": status_fr(doc["status"]),
            "type": doc["kind"],
            "bureaux dépouillés": doc["bureaux_counted"],
            "bureaux": doc["bureaux_total"],
            "votants": doc["votants"],
            "exprimés": doc["exprimes"],
            "blancs": doc["blancs"],
            "nuls": doc["nuls"],
            "base": doc["share_base"],
            "candidat": c["name"],
            "voix": c["votes"],
            "part (%)": c["share"],
            "source": doc["source_url"],
            "note": doc["note"],
        }
        for c in doc["candidates"]
    ]
    return data_csv(pd.DataFrame(rows))


def reactions_document(reactions: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for _, r in reactions.iterrows():
        out.append(
            {
                "id": r["entry_id"],
                "published_at": pd.Timestamp(r["published_at"]).isoformat(),
                "headline": r["headline"],
                "body": r["body"],
                "people": list(r["people_names"] or []),
                "camp": r["camp_label"],
                "outlet": r["outlet"],
                "stance": r["stance"],
                "count_then": r["count_then"],
                "permalink": http_url(r["permalink"]),
                "page": f"reactions/index.html#entry-{r['entry_id']}",
            }
        )
    return out


def _json(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _asset(name: str) -> bytes:
    return resources.files("dashboard.public").joinpath("assets", name).read_bytes()


def _hashed(stem: str, ext: str, content: bytes) -> str:
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:10]}{ext}"


def build_site(
    store: Store,
    data_dir: Path,
    *,
    every: int | None = None,
    base_url: str = "",
    images: set[str] | None = None,
    draw: bool = False,
) -> tuple[dict[str, bytes], list[tuple[str, ChartBundle]]]:
    """Every file of the site (path from the root → bytes), and the charts drawn on its
    pages (for the images: pages link those in `images`, or all when `draw`). Nothing is
    written."""
    src = read_sources(store, data_dir)
    every = settings.get_int("public_every") if every is None else every
    base = base_url.rstrip("/") + "/" if base_url else "/"
    builder = Builder(src, every=every, base_url=base, images=images or set(), draw=draw)
    return builder.build(), builder.bundles


# --- writing, compressing, swapping --------------------------------------------------------


@dataclass
class PublishReport:
    site: Path
    files: int = 0
    bytes: int = 0
    reused: int = 0
    images: int = 0
    seconds: float = 0.0
    removed: list[Path] = field(default_factory=list)
    unchanged: bool = False  # nothing to publish: the inputs are those of `site`

    def summary(self) -> str:
        if self.unchanged:
            return f"site inchangé (mêmes données), en {self.seconds:.2f} s → {self.site}"
        return (
            f"site publié : {self.files} fichiers ({self.bytes / 1024:.0f} Ko, {self.reused} "
            f"inchangés), {self.images} image(s) dessinée(s), en {self.seconds:.2f} s → "
            f"{self.site}"
        )


def _brotli(content: bytes) -> bytes:
    import brotli  # type: ignore[import-not-found]

    return brotli.compress(content, quality=11)


def _compressors() -> dict[str, Any]:
    out: dict[str, Any] = {".gz": lambda c: gzip.compress(c, 9, mtime=0)}
    try:
        import brotli  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:  # optional: .gz alone serves nginx's gzip_static
        return out
    out[".br"] = _brotli
    return out


_COMPRESSORS = _compressors()


def _compressed(content: bytes, skip: set[str]) -> dict[str, bytes]:
    """The pre-compressed siblings of a text file (those not in `skip`)."""
    return {ext: f(content) for ext, f in _COMPRESSORS.items() if ext not in skip}


def _write(path: Path, content: bytes, previous: Path | None) -> bool:
    """Write `content` at `path`, as a hard link to `previous` when it holds the same bytes
    (same inode, same mtime: nginx's ETag does not change). True when reused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if previous is not None:
        try:
            if previous.stat().st_size == len(content) and previous.read_bytes() == content:
                os.link(previous, path)
                return True
        except OSError:
            pass
    with open(path, "wb") as fh:
        fh.write(content)
    return False


def _existing_images(previous: Path | None) -> set[str]:
    if previous is None or not (previous / "img").is_dir():
        return set()
    return {f"img/{p.name}" for p in (previous / "img").iterdir() if p.suffix in (".png", ".svg")}


def publish(
    store: Store,
    data_dir: Path,
    out: Path,
    *,
    images: bool = False,
    every: int | None = None,
    base_url: str = "",
    keep: int = KEEP,
) -> PublishReport:
    """Build the site into `out/site-<stamp>`, then point `out/current` at it atomically.
    One publisher at a time per `out` (a results and a live-blog watcher may share it)."""
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".publish.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = _publish_locked(store, data_dir, out, images, every, base_url, keep)
    report.seconds = time.perf_counter() - started
    return report


def _publish_locked(
    store: Store,
    data_dir: Path,
    out: Path,
    images: bool,
    every: int | None,
    base_url: str,
    keep: int,
) -> PublishReport:
    link = out / CURRENT
    previous = link.resolve() if link.is_symlink() and link.resolve().is_dir() else None
    digest = inputs_digest(store, data_dir, images=images, every=every, base_url=base_url)
    if previous is not None and digest is not None:
        try:
            if (previous / INPUTS).read_text(encoding="utf-8") == digest:
                return PublishReport(previous, unchanged=True)
        except OSError:
            pass
    have = _existing_images(previous)
    files, bundles = build_site(
        store, data_dir, every=every, base_url=base_url, images=have, draw=images
    )
    wanted = {image_name(b, ext): b for _, b in bundles for ext in ("png", "svg")}
    drawn = _draw_images({n: b for n, b in wanted.items() if n not in have}) if images else {}
    for name in sorted((have & set(wanted)) - set(drawn)):
        files[name] = b""  # placeholder: linked from the previous site below
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%f")
    site, tmp = out / f"site-{stamp}", out / f".building-{stamp}"
    report = PublishReport(site, images=len(drawn))
    files.update(drawn)
    for rel, content in files.items():
        prev = previous / rel if previous is not None else None
        if rel.startswith("img/") and rel not in drawn and prev is not None:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(prev, tmp / rel)
            reused = True
            content = b""
        else:
            reused = _write(tmp / rel, content, prev)
        report.reused += reused
        report.files += 1
        report.bytes += len(content) if content else (tmp / rel).stat().st_size
        if rel.endswith(TEXT_TYPES):
            siblings = set(_COMPRESSORS) if reused and prev is not None else set()
            linked = {
                ext for ext in siblings if _link(prev.with_name(prev.name + ext), tmp / (rel + ext))
            }
            for ext, packed in _compressed(content or (tmp / rel).read_bytes(), linked).items():
                _write(tmp / (rel + ext), packed, None)
            report.files += len(linked) + len(_COMPRESSORS) - len(linked)
    if digest is not None:
        (tmp / INPUTS).write_text(digest, encoding="utf-8")
    os.rename(tmp, site)
    _swap(link, site.name)
    report.removed = _prune(out, keep, site)
    return report


INPUTS = ".inputs"  # digest of what a site was built from (hidden: nginx never serves it)


def inputs_digest(
    store: Store, data_dir: Path, *, images: bool, every: int | None, base_url: str
) -> str | None:
    """A digest of everything a site is built from — the store's files and the source files
    (name, size, mtime), this package's code and assets, the settings it reads — so that a
    publish with nothing new (a watcher's poll, a repeated command) costs a few stat calls.
    None under an embargo: whether shares show depends on the clock, so always rebuild."""
    if settings.get_str("embargo_until").strip():
        return None
    h = hashlib.sha256()
    files = sorted(Path(store.root).glob("*.parquet")) + sorted(
        p for p in Path(data_dir).iterdir() if p.is_file()
    )
    for path in files:
        st = path.stat()
        h.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    code = Path(__file__).parent
    for path in sorted([*code.glob("*.py"), *(code / "assets").iterdir()]):
        h.update(path.read_bytes())
    every = settings.get_int("public_every") if every is None else every
    h.update(f"{images}|{every}|{base_url}|{settings.get_str('credit')}".encode())
    return h.hexdigest()


def _link(src: Path, dst: Path) -> bool:
    try:
        os.link(src, dst)
        return True
    except OSError:
        return False


def _same_inode(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_ino == os.stat(b).st_ino
    except OSError:
        return False


def _swap(link: Path, target: str) -> None:
    """`link -> target` in one rename(2): readers see the old target or the new one."""
    tmp = link.with_name(f".{link.name}-{os.getpid()}-{time.monotonic_ns()}")
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fd = os.open(link.parent, os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(out: Path, keep: int, current: Path) -> list[Path]:
    sites = sorted(p for p in out.glob("site-*") if p.is_dir())
    old = [p for p in sites[:-keep] if p != current] if keep > 0 else []
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    for p in out.glob(".building-*"):  # left by a publish that crashed
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
    return old


def _draw_images(todo: dict[str, ChartBundle]) -> dict[str, bytes]:
    from dashboard.export.formats import export_chart
    from dashboard.export.frame import Frame

    drawn = {}
    for name, bundle in todo.items():
        ext = name.rsplit(".", 1)[1]
        result = export_chart(
            bundle.fig, fmt=ext, preset="article", frame=Frame.of(bundle), data=bundle.data
        )
        drawn[name] = result.content
    return drawn
