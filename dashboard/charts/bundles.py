"""Every chart of the app, by name: figure + the data it shows + its frame texts.

The app pages and the export CLI build charts through `build_chart`/the bundle functions
here, so the screen and the exported files show the same figure from the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.map import area_rows, build_map, rank_areas
from dashboard.charts.progress import build_progress
from dashboard.charts.theme import house_template
from dashboard.charts.vote_split import BASE_LABEL, build_vote_split, drawing_order
from dashboard.election import Election, load_election
from dashboard.errors import DashboardError, NotApplicable
from dashboard.fr import (
    BASE_FR,
    NBSP,
    fr_int,
    fr_moment,
    fr_pct,
    status_fr,
    time_known,
)
from dashboard.results import query
from dashboard.results.embargo import clock_now, hide_results
from dashboard.results.views import (
    progress_text,
    round_winners,
    share_rows,
    winner_words,
    winners_sentence,
)
from dashboard.store import Store
from dashboard.text import host as url_host


@dataclass(frozen=True)
class ChartSpec:
    name: str
    slug: str  # French, used in file names: primaire-2017-t2-repartition-2350.png
    label: str


CHARTS: dict[str, ChartSpec] = {
    s.name: s
    for s in (
        ChartSpec("vote-split", "repartition", "Répartition des voix"),
        ChartSpec("count-progress", "progression", "Évolution du dépouillement"),
        ChartSpec("reactions-timeline", "reactions", "Réactions politiques"),
    )
}
# Charts of an election's results by area: only elections that publish them have these
# (`export --all` leaves them out, without a word, where there is nothing to draw).
AREA_CHARTS: dict[str, ChartSpec] = {"map": ChartSpec("map", "carte", "Carte par département")}
ALL_CHARTS: dict[str, ChartSpec] = {**CHARTS, **AREA_CHARTS}


# What readers see as column headers (the screen's table and CSV); the data keeps short machine
# names for the JSON export.
HEADERS_FR = {
    "candidat": "Candidat",
    "voix": "Voix",
    "part_pct": "Part (%)",
    "part_publiee_pct": "Part publiée (%)",
    "base": "Base",
    "heure": "Heure",
    "statut": "Statut",
    "bureaux_depouilles": "Bureaux dépouillés",
    "bureaux_total": "Bureaux (total)",
    "votants": "Votants",
    "exprimes": "Exprimés",
    "source": "Source",
    "titre": "Titre",
    "personnes": "Personnes",
    "camp": "Camp",
    "média": "Média",
    "position": "Position",
    "dépouillement": "Dépouillement",
}
_COUNTS = {"voix", "bureaux_depouilles", "bureaux_total", "votants", "exprimes"}
_SHARES = {"part_pct", "part_publiee_pct"}


def _words(data: pd.DataFrame) -> pd.DataFrame:
    """Codes as words: "exprimes" → "suffrages exprimés", "definitive" → "définitif"."""
    df = data.copy()
    if "base" in df:
        df["base"] = df["base"].map(lambda b: BASE_FR.get(str(b), b))
    if "statut" in df:
        df["statut"] = df["statut"].map(status_fr)
    return df


def french_csv(data: pd.DataFrame) -> pd.DataFrame:
    """The data for the CSV download: French headers and words, numbers left as numbers (the
    CSV writer gives French Excel its ";" and decimal comma)."""
    return _words(data).rename(columns=HEADERS_FR)


def french_table(data: pd.DataFrame) -> pd.DataFrame:
    """The data as the screen shows it: French headers, "1 181 872", "58,69",
    "29/01/2017 23:50"; "n. c." where nothing was published."""
    df = _words(data)
    for col in df.columns:
        if col in _COUNTS:
            df[col] = df[col].map(fr_int)
        elif col in _SHARES:
            df[col] = df[col].map(
                lambda v: "n. c." if pd.isna(v) else f"{float(v):.2f}".replace(".", ",")
            )
        elif col == "heure":
            df[col] = df[col].map(lambda t: "" if pd.isna(t) else fr_moment(t, sep=" "))
        else:
            df[col] = df[col].map(lambda v: "" if v is None or v is pd.NA else str(v))
    return df.rename(columns=HEADERS_FR)


@dataclass
class ChartBundle:
    name: str
    slug: str
    fig: go.Figure
    data: pd.DataFrame
    title: str
    subtitle: str
    source_line: str
    alt_text: str
    election_slug: str
    round: int
    as_of: datetime | None
    time_known: bool = True  # False: the source gives the date only (fr.time_known)

    @property
    def file_moment(self) -> datetime | date | None:
        """What names the files: the time (…-2350.png), or the date when no time is known
        (…-20170202.png) — never a made-up …-0000."""
        if self.as_of is None or self.time_known:
            return self.as_of
        return self.as_of.date()


@dataclass
class ResultsView:
    """Everything the results page and its charts need for one round at one moment."""

    election: Election
    round: int
    at: datetime | None
    results: pd.DataFrame  # the whole store (all rounds) for this election
    candidates: pd.DataFrame
    snapshot: pd.DataFrame  # rows of the current snapshot (may carry no shares)
    share_snapshot: pd.DataFrame  # rows of the latest snapshot that has shares
    shares: pd.DataFrame  # query.shares of share_snapshot

    @property
    def first(self) -> pd.Series:
        return self.snapshot.iloc[0]

    @property
    def as_of(self) -> datetime:
        return pd.Timestamp(self.first["as_of"]).to_pydatetime()

    @property
    def share_as_of(self) -> datetime | None:
        if self.share_snapshot.empty:
            return None
        return pd.Timestamp(self.share_snapshot["as_of"].iloc[0]).to_pydatetime()

    @property
    def time_known(self) -> bool:
        return time_known(self.first["note"])

    @property
    def share_time_known(self) -> bool:
        return self.share_snapshot.empty or time_known(self.share_snapshot["note"].iloc[0])

    @property
    def status(self) -> str:
        return str(self.first["status"])

    def winners(self) -> tuple[str, ...]:
        """Marked only on definitive results; before that a leader is 'en tête'."""
        if self.shares.empty:
            return ()
        status = str(self.share_snapshot["status"].iloc[0])
        return round_winners(self.shares, self.election.round(self.round), status)

    def stamp(self) -> str:
        """ "au 29/01/2017 à 23:50 — partiel"; "au 02/02/2017 — définitif" (date only)."""
        return f"au {fr_moment(self.as_of, known=self.time_known)} — {status_fr(self.status)}"

    def source_line(self, rows: pd.DataFrame | None = None) -> str:
        rows = self.snapshot if rows is None else rows
        first = rows.iloc[0]
        host = url_host(first["source_url"]).removeprefix("www.")
        when = fr_moment(first["as_of"], known=time_known(first["note"]), sep=" ")
        parts = [f"données au {when}"]
        if not pd.isna(first["bureaux_counted"]):
            # No-break spaces: "7 208 / 7 208 bureaux" wraps as one piece, never inside.
            bureaux = fr_int(first["bureaux_counted"])
            if not pd.isna(first["bureaux_total"]):
                bureaux += f"{NBSP}/{NBSP}{fr_int(first['bureaux_total'])}"
            parts.append(f"{bureaux}{NBSP}bureaux")
        elif "counted_pct" in first.index and not pd.isna(first["counted_pct"]):
            parts.append(progress_text({k: first[k] for k in ("counted_pct", "counted_unit")}))
        via = f" via {host}" if host else ""
        # The snapshot's publisher (the Conseil constitutionnel's proclamation), else the
        # election's organiser.
        authority = first.get("authority")
        who = authority if isinstance(authority, str) and authority else self.election.organiser
        return f"Source : {who}{via} — {', '.join(parts)}"


def results_view(
    results: pd.DataFrame,
    candidates: pd.DataFrame,
    election: Election,
    round_: int,
    at: datetime | None = None,
) -> ResultsView:
    results = results[results["election_id"] == election.id]
    sid = query.current_snapshot_id(results, round_, at)
    if sid is None:
        when = f" au {at:%d/%m/%Y %H:%M}" if at else ""
        raise DashboardError(f"aucun résultat valide pour le tour {round_}{when}")
    share_sid = query.current_snapshot_id(results, round_, at, with_shares=True)
    snapshot = query.snapshot_rows(results, sid)
    share_rows = query.snapshot_rows(results, share_sid) if share_sid else snapshot.iloc[0:0]
    shares = query.shares(share_rows, candidates) if share_sid else pd.DataFrame()
    return ResultsView(election, round_, at, results, candidates, snapshot, share_rows, shares)


def vote_split_bundle(view: ResultsView, template: go.layout.Template) -> ChartBundle:
    spec = CHARTS["vote-split"]
    rnd = view.election.round(view.round)
    if view.shares.empty:
        raise DashboardError(f"pas encore de répartition des voix pour le {rnd.label}")
    first = view.share_snapshot.iloc[0]
    base = str(first["share_base"])
    status = status_fr(str(first["status"]))
    title = f"{view.election.short_name} — {rnd.label}"
    moment = fr_moment(view.share_as_of, known=view.share_time_known)
    subtitle = f"{BASE_LABEL[base]} · au {moment} — {status}"
    winners = view.winners()
    fig = build_vote_split(
        view.shares,
        template=template,
        title=title,
        subtitle=subtitle,
        winners=winners,
        winner_label=winner_words(view.shares, rnd),
    )
    # Every candidate of the round, in the chart's order: an unpublished share is « n. c. »
    # in the alt text and the table, an empty cell in the CSV.
    shown = drawing_order(view.shares)
    data = shown[["name", "votes", "share", "share_published", "share_base"]].rename(
        columns={
            "name": "candidat",
            "votes": "voix",
            "share": "part_pct",
            "share_published": "part_publiee_pct",
            "share_base": "base",
        }
    )
    parts = [
        f"{r['name']} {r['share_text']}"
        + (f" ({r['votes_text']} voix)" if r["votes"] is not None else "")
        for r in share_rows(shown)
    ]
    lead = winners_sentence(view.shares, rnd, winners)
    alt = (
        f"Diagramme en barres, {title}, {BASE_LABEL[base]}, résultats {status}s au "
        # "…, Nathalie Arthaud n. c. Emmanuel Macron arrive en tête." (one full stop).
        f"{moment} : {', '.join(parts).removesuffix('.')}. {lead}."
    )
    return ChartBundle(
        spec.name,
        spec.slug,
        fig,
        data,
        title,
        subtitle,
        view.source_line(view.share_snapshot),
        alt,
        view.election.id,
        view.round,
        view.share_as_of,
        view.share_time_known,
    )


# The map's geometry, shared by every election (data/geo/SOURCES.md): beside the package in
# this checkout, whatever folder the election's own files are read from.
GEOMETRY = Path(__file__).resolve().parents[2] / "data" / "geo" / "departements.geojson"
NO_AREAS = "pas de résultats par département pour cette élection"


def load_geometry(path: Path = GEOMETRY) -> dict[str, Any]:
    """The départements' outlines (GeoJSON) the map draws."""
    import json

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DashboardError(f"{path}: géométrie des départements illisible ({exc})") from exc


def map_bundle(
    view: ResultsView,
    template: go.layout.Template,
    *,
    geojson: dict[str, Any],
    rows: pd.DataFrame,
    mode: str = "leader",
    candidate_id: str | None = None,
) -> ChartBundle:
    """The map of the round's départements at the view's moment (`rows`: `area_rows` of the
    area table at that round and moment). NotApplicable when the election has none."""
    spec = AREA_CHARTS["map"]
    rnd = view.election.round(view.round)
    if rows.empty:
        raise NotApplicable(NO_AREAS)
    latest = rows.loc[pd.to_datetime(rows["as_of"]).idxmax()]
    status = status_fr(str(latest["status"]))
    known = time_known(latest["note"])
    moment = fr_moment(latest["as_of"], known=known)
    title = f"{view.election.short_name} — {rnd.label} : résultats par département"
    ranked = rank_areas(rows)
    drawn = ranked[ranked["area_code"].isin(set(_geo_codes(geojson)))]
    fig = build_map(rows, geojson, template=template, mode=mode, candidate_id=candidate_id)
    subtitle = f"{fig.layout.title.subtitle.text} · au {moment} — {status}"
    fig.update_layout(title_subtitle_text=subtitle)
    data = ranked[
        [
            "area_code",
            "area_name",
            "leader_name",
            "leader_share",
            "second_name",
            "second_share",
            "margin",
            "exprimes",
        ]
    ].rename(
        columns={
            "area_code": "code",
            "area_name": "département",
            "leader_name": "en_tête",
            "leader_share": "part_pct",
            "second_name": "deuxième",
            "second_share": "part_deuxième_pct",
            "margin": "écart_pts",
            "exprimes": "exprimés",
        }
    )
    wins = drawn.groupby("leader_name").size().sort_values(ascending=False, kind="stable")
    leaders = ", ".join(
        f"{name} en tête dans {n} département{'s' if n > 1 else ''}" for name, n in wins.items()
    )
    if mode == "share":
        cid = fig.layout.meta["candidate_id"]
        mine = rows[rows["candidate_id"] == cid]
        top = mine.loc[mine["share_pct"].idxmax()]
        low = mine.loc[mine["share_pct"].idxmin()]
        what = (
            f"part de {top['name']} par département, de {fr_pct(low['share_pct'])} "
            f"({low['area_name']}) à {fr_pct(top['share_pct'])} ({top['area_name']})"
        )
    else:
        what = "candidat en tête par département, teinte selon son avance sur le deuxième"
    alt = (
        f"Carte de France des départements, {title}, {what}, résultats {status}s au {moment} "
        f": {leaders}."
    )
    host = url_host(latest["source_url"]).removeprefix("www.")
    via = f" via {host}" if host else ""
    source = (
        f"Source : {view.election.organiser}{via} — données au "
        f"{fr_moment(latest['as_of'], known=known, sep=' ')}, {len(ranked)} zones ; "
        "fond de carte IGN Admin Express via france-geojson (Licence Ouverte)"
    )
    return ChartBundle(
        spec.name,
        spec.slug,
        fig,
        data,
        title,
        subtitle,
        source,
        alt,
        view.election.id,
        view.round,
        pd.Timestamp(latest["as_of"]).to_pydatetime(),
        known,
    )


def _geo_codes(geojson: dict[str, Any]) -> list[str]:
    from dashboard.charts.map import geo_index

    return list(geo_index(geojson))


def progress_rows(view: ResultsView) -> pd.DataFrame:
    """The count snapshots the progress chart draws (query.progress: one row per snapshot ×
    candidate), within the election's span and up to the view's moment."""
    rnd = view.election.round(view.round)
    prog = query.progress(view.results, view.round, view.candidates)
    start, end = view.election.span()
    prog = prog[(prog["as_of"] >= pd.Timestamp(start)) & (prog["as_of"] < pd.Timestamp(end))]
    if view.at is not None:
        prog = prog[prog["as_of"] <= pd.Timestamp(view.at)]
    prog = prog[prog["kind"] == "count"]
    if prog.empty:
        raise DashboardError(f"pas encore de dépouillement pour le {rnd.label}")
    return prog


def _night(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """ "dans la soirée du 10/04/2022", or "dans la nuit du 10 au 11/04/2022" once a point is
    past midnight: a count published at 00:44 belongs to the evening of the vote, not to
    « la soirée du 11/04 »."""
    evening = (start - pd.Timedelta(hours=6)).date()  # before 06:00: the night before
    if end.date() <= evening:
        return f"dans la soirée du {evening:%d/%m/%Y}"
    first = f"{evening:%d}" if evening.month == end.month else f"{evening:%d/%m}"
    if evening.year != end.year:
        first = f"{evening:%d/%m/%Y}"
    return f"dans la nuit du {first} au {end:%d/%m/%Y}"


def progress_subtitle(prog: pd.DataFrame) -> str:
    """ "3 relevés publiés du 11/04/2022 00:44 au 13/04/2022 : parts des candidats et part
    dépouillée": what the chart of `prog` (progress_rows) spans and draws."""
    snaps = prog.drop_duplicates("snapshot_id").sort_values("as_of")
    first, last = snaps.iloc[0], snaps.iloc[-1]
    start, end = pd.Timestamp(first["as_of"]), pd.Timestamp(last["as_of"])
    plural = "s" if len(snaps) > 1 else ""
    count = f"{len(snaps)} relevé{plural}"
    if start.date() == end.date() or (end - start) < pd.Timedelta(hours=12):
        span = f"{count} publié{plural} {_night(start, end)}"
    else:
        span = (
            f"{count} publié{plural} du "
            f"{fr_moment(start, known=time_known(first['note']), sep=' ')} au "
            f"{fr_moment(end, known=time_known(last['note']), sep=' ')}"
        )
    # What the lower panel draws: bureaux counted, or the share counted the source gives.
    if prog["bureaux_counted"].notna().any():
        return f"{span} : parts des candidats et bureaux dépouillés"
    if prog["counted_pct"].notna().any():
        return f"{span} : parts des candidats et part dépouillée"
    return f"{span} : parts des candidats"


def progress_bundle(view: ResultsView, template: go.layout.Template) -> ChartBundle:
    spec = CHARTS["count-progress"]
    rnd = view.election.round(view.round)
    prog = progress_rows(view)
    title = f"{view.election.short_name} — {rnd.label} : évolution du dépouillement"
    snaps = prog.drop_duplicates("snapshot_id").sort_values("as_of")
    first, last = snaps.iloc[0], snaps.iloc[-1]
    first_known, last_known = time_known(first["note"]), time_known(last["note"])
    start, end = pd.Timestamp(first["as_of"]), pd.Timestamp(last["as_of"])
    subtitle = progress_subtitle(prog)
    fig = build_progress(prog, template=template, title=title, subtitle=subtitle)
    data = prog[
        [
            "as_of",
            "status",
            "name",
            "share",
            "share_base",
            "bureaux_counted",
            "bureaux_total",
            "votants",
            "source_url",
        ]
    ].rename(
        columns={
            "as_of": "heure",
            "status": "statut",
            "name": "candidat",
            "share": "part_pct",
            "share_base": "base",
            "bureaux_counted": "bureaux_depouilles",
            "bureaux_total": "bureaux_total",
            "votants": "votants",
            "source_url": "source",
        }
    )
    leader = prog[prog["snapshot_id"] == last["snapshot_id"]].sort_values("share").iloc[-1]
    alt = (
        f"Courbes de l'évolution du dépouillement, {rnd.label}, du "
        f"{fr_moment(start, known=first_known, year=False)} "
        f"au {fr_moment(end, known=last_known, year=False)}"
        f" ({len(snaps)} relevé{'s' if len(snaps) > 1 else ''}). Au dernier relevé, "
        f"{leader['name']} "
        f"est à {fr_pct(leader['share'])}."
    )
    rows = view.results[view.results["snapshot_id"] == last["snapshot_id"]]
    return ChartBundle(
        spec.name,
        spec.slug,
        fig,
        data,
        title,
        subtitle,
        view.source_line(rows),
        alt,
        view.election.id,
        view.round,
        end.to_pydatetime(),
        last_known,
    )


def build_chart(
    name: str,
    *,
    store: Store,
    data_dir: Path,
    round: int | None = None,
    at: str | None = None,
    dark: bool = False,
) -> ChartBundle:
    """Build chart `name` from the store, as it stood at `at` (HH:MM on election night);
    `round` None means the election's last round."""
    from dashboard.results.views import load_candidates, load_results, resolve

    if name not in ALL_CHARTS:
        raise DashboardError(f"unknown chart {name!r}; charts: {', '.join(ALL_CHARTS)}")
    election = load_election(Path(data_dir) / "election.toml")
    number, when = resolve(election, election.last_round.number if round is None else round, at)
    template = house_template(dark=dark)
    # Exports show what the pages show: shares and votes hidden under embargo.
    results = hide_results(load_results(store), election, clock_now(store.root))
    candidates = load_candidates(store)
    if name == "reactions-timeline":
        from dashboard.liveblog.reactions import load_people
        from dashboard.liveblog.store import reaction_timeline

        gazetteer = load_people(Path(data_dir) / "people.csv", Path(data_dir) / "camps.csv")
        reactions = reaction_timeline(store, gazetteer)
        return timeline_bundle(reactions, results, candidates, election, template=template, at=when)
    view = results_view(results, candidates, election, number, when)
    if name == "vote-split":
        return vote_split_bundle(view, template)
    if name == "map":
        from dashboard.results.views import load_area_results

        areas = hide_results(load_area_results(store), election, clock_now(store.root))
        rows = area_rows(areas, candidates, number, when)
        return map_bundle(view, template, geojson=load_geometry(), rows=rows)
    return progress_bundle(view, template)


NO_COUNT_YET = "aucun résultat publié à cette heure"


def _count_text(rows: pd.DataFrame, candidates: pd.DataFrame) -> str:
    lead = query.shares(rows, candidates).iloc[0]
    first = rows.iloc[0]
    parts = [f"{lead['short']} {fr_pct(lead['share'])}"]
    if not pd.isna(first["bureaux_counted"]):
        parts.append(f"{fr_int(first['bureaux_counted'])} bureaux")
    stamp = fr_moment(first["as_of"], known=time_known(first["note"]), year=False, sep=" ")
    return f"dépouillement au {stamp} : {', '.join(parts)}"


def counts_then(
    results: pd.DataFrame, candidates: pd.DataFrame, round_: int, times: Sequence[Any]
) -> list[str]:
    """Where the count stood at each of `times` ("dépouillement au 29/01 23:50 : Hamon
    58,87 %, 7 023 bureaux"): the latest valid snapshot with shares published at or before
    each moment, found for all moments by one `merge_asof`; each snapshot's text is built once.
    """
    if not len(times):
        return []
    snaps = query.snapshots(results, round_)
    if not snaps.empty:
        snaps = snaps[snaps["valid"].astype(bool) & snaps["has_shares"].astype(bool)]
    if snaps.empty:
        return [NO_COUNT_YET] * len(times)
    # Oldest first, later recordings last: for equal times the last one is current.
    right = pd.DataFrame(
        {"at": pd.to_datetime(snaps["as_of"], utc=True), "snapshot_id": snaps["snapshot_id"]}
    ).drop_duplicates("at", keep="last")
    left = pd.DataFrame({"at": pd.to_datetime(pd.Series(list(times)), utc=True)})
    left["n"] = range(len(left))
    matched = pd.merge_asof(left.sort_values("at"), right, on="at").sort_values("n")
    texts = {
        sid: _count_text(query.snapshot_rows(results, sid), candidates)
        for sid in matched["snapshot_id"].dropna().unique()
    }
    return [NO_COUNT_YET if pd.isna(sid) else texts[sid] for sid in matched["snapshot_id"]]


def count_then(results: pd.DataFrame, candidates: pd.DataFrame, round_: int, when) -> str:
    """Where the count stood at `when` (see `counts_then`)."""
    return counts_then(results, candidates, round_, [when])[0]


def announcements(results: pd.DataFrame, candidates: pd.DataFrame, round_: int) -> pd.DataFrame:
    """Valid count snapshots of the round with shares, labelled for the timeline."""
    snaps = query.snapshots(results, round_)
    snaps = snaps[snaps["valid"].astype(bool) & snaps["has_shares"].astype(bool)]
    snaps = snaps[snaps["kind"] == "count"]
    rows = []
    for _, snap in snaps.iterrows():
        lead = query.shares(query.snapshot_rows(results, snap["snapshot_id"]), candidates).iloc[0]
        name = str(lead["short"])  # short_name, else the full name: never a cut
        status = status_fr(str(snap["status"]))
        votants = "" if pd.isna(snap["votants"]) else f", {fr_int(snap['votants'])} votants"
        rows.append(
            {
                "snapshot_id": snap["snapshot_id"],
                "as_of": snap["as_of"],
                "short": f"{name} {fr_pct(lead['share'])}",
                "time_known": time_known(snap["note"]),
                "label": f"Résultats {status}s : {name} {fr_pct(lead['share'])}{votants}",
            }
        )
    return pd.DataFrame(rows, columns=["snapshot_id", "as_of", "short", "label", "time_known"])


def reaction_round(election: Election, reactions: pd.DataFrame) -> int:
    """The round the reactions are about: the last one held on or before the first reaction."""
    if reactions.empty:
        return max(r.number for r in election.rounds)
    first = pd.Timestamp(reactions["published_at"].min()).date()
    held = [r for r in election.rounds if r.date <= first]
    return (held[-1] if held else election.rounds[0]).number


def placeable_reactions(reactions: pd.DataFrame, election: Election) -> tuple[pd.DataFrame, int]:
    """The reactions whose time falls within the election's span, and how many do not (a
    stored absurd date is left off the timeline instead of emptying it)."""
    if reactions.empty:
        return reactions, 0
    start, end = election.span()
    times = pd.to_datetime(reactions["published_at"], utc=True, errors="coerce")
    inside = (times >= pd.Timestamp(start)) & (times < pd.Timestamp(end))
    return reactions[inside.fillna(False)], int((~inside.fillna(False)).sum())


def timeline_frame(
    reactions: pd.DataFrame, results: pd.DataFrame, candidates: pd.DataFrame, round_: int
) -> pd.DataFrame:
    """Reactions with where the count stood when each was posted (`count_then`, one
    `merge_asof` for all of them). A frame that already carries the column (the app computes
    it once with the reactions) is used as it is."""
    if "count_then" in reactions.columns:
        return reactions
    out = reactions.copy()
    out["count_then"] = counts_then(results, candidates, round_, list(out["published_at"]))
    return out


def timeline_bundle(
    reactions: pd.DataFrame,
    results: pd.DataFrame,
    candidates: pd.DataFrame,
    election: Election,
    *,
    template: go.layout.Template,
    by: str = "camp",
    at: datetime | None = None,
    announced: pd.DataFrame | None = None,
) -> ChartBundle:
    """The reactions timeline as a chart bundle (also used by the export CLI). `announced`:
    the round's `announcements()` when the caller has them already (they do not depend on
    which reactions are shown)."""
    from dashboard.charts.timeline import build_timeline

    spec = CHARTS["reactions-timeline"]
    results = results[results["election_id"] == election.id]
    reactions, _ = placeable_reactions(reactions, election)
    if at is not None:
        reactions = reactions[pd.to_datetime(reactions["published_at"]) <= pd.Timestamp(at)]
    if reactions.empty:
        raise DashboardError("aucune réaction enregistrée")
    round_ = reaction_round(election, reactions)
    frame = timeline_frame(reactions, results, candidates, round_)
    ann = announcements(results, candidates, round_) if announced is None else announced
    first, last = frame["published_at"].min(), frame["published_at"].max()
    title = f"{election.short_name} — réactions politiques"
    subtitle = (
        f"{len(frame)} réactions du {pd.Timestamp(first):%d/%m %H:%M} au "
        f"{pd.Timestamp(last):%d/%m %H:%M}, par {'camp' if by == 'camp' else 'personne'}, "
        "et les annonces de résultats"
    )
    fig = build_timeline(
        frame,
        template=template,
        announcements=ann,
        by=by,
        title=title,
        subtitle=subtitle,
    )
    data = frame[
        [
            "published_at",
            "headline",
            "people_names",
            "camp_label",
            "outlet",
            "stance",
            "count_then",
            "permalink",
        ]
    ].rename(
        columns={
            "published_at": "heure",
            "headline": "titre",
            "people_names": "personnes",
            "camp_label": "camp",
            "outlet": "média",
            "stance": "position",
            "count_then": "dépouillement",
            "permalink": "source",
        }
    )
    data["personnes"] = data["personnes"].map(lambda p: ", ".join(p))
    camps = frame.groupby("camp_label").size().sort_values(ascending=False)
    start, end = pd.Timestamp(first), pd.Timestamp(last)
    # One evening, or both rounds' evenings (2022's blogs of 10/04 and 24/04): the dates say so.
    span = (
        f"du {start:%d/%m/%Y}, de {start:%H:%M} à {end:%H:%M}"
        if start.date() == end.date()
        else f"du {start:%d/%m/%Y} à {start:%H:%M} au {end:%d/%m/%Y} à {end:%H:%M}"
    )
    # "Camp non identifié : 2", never "2 Camp non identifié": a label does not agree in number.
    alt = (
        f"Frise chronologique de {len(frame)} réactions politiques {span}, par camp : "
        + " ; ".join(f"{label} : {n}" for label, n in camps.items())
        + f" ; avec {len(ann)} annonce{'s' if len(ann) > 1 else ''} de résultats sur le même axe."
    )
    hosts = ", ".join(
        sorted({url_host(s).removeprefix("www.") or "source locale" for s in frame["source_url"]})
    )
    source_line = f"Source : {hosts} (live blog) ; résultats : {election.organiser}"
    return ChartBundle(
        spec.name,
        spec.slug,
        fig,
        data,
        title,
        subtitle,
        source_line,
        alt,
        election.id,
        round_,
        pd.Timestamp(last).to_pydatetime(),
    )
