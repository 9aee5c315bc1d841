"""The app layer's shared parts: cached loaders and small render helpers.

Caching lives here only. Loaders key (with a plain, non-underscore argument: st.cache_data
ignores arguments whose name starts with "_") on the store file's modification time, so data is read
once per process and again only when a writer (data build, the feed watcher, the desk)
replaced the file; the ttl bounds how long a stale read could survive a clock oddity.

Views and chart bundles are built once per (`version()`, round, moment[, filters]) for every
session of the process, so a rerun that changes nothing for the figures (another reader, a
toggle, the round switch back) rebuilds nothing and no session keeps a copy of its own. They are
`st.cache_resource`, not `st.cache_data`: cache_data unpickles a plotly Figure on every hit
(17–22 ms here, as long as building the smaller chart), cache_resource hands out the one object.
So pages never modify a view or a bundle they get from here (they copy first). These have no
ttl: their key holds the version, so an entry is never stale, and a ttl would rebuild every
figure for every reader at once when it runs out (max_entries bounds the memory).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import settings
from dashboard.charts.bundles import (
    ChartBundle,
    ResultsView,
    announcements,
    counts_then,
    placeable_reactions,
    progress_bundle,
    reaction_round,
    results_view,
    timeline_bundle,
    vote_split_bundle,
)
from dashboard.charts.theme import house_template
from dashboard.election import Election, load_election
from dashboard.errors import DashboardError, SourceError, StoreError
from dashboard.results import query
from dashboard.results.embargo import clock_now, embargoed_rounds, hide_results
from dashboard.results.views import load_candidates, load_results
from dashboard.store import Store
from dashboard.text import host, markdown

TTL = settings.get_int("cache_ttl")


ELECTION_KEY = "election"  # the session's choice, and the deep link's parameter


def elections() -> list[str]:
    """The elections a reader can choose, in display order ([] for a one-election folder)."""
    return settings.election_ids()


def election_id() -> str:
    """The election this session shows: its choice (the selector, or `?election=` in the
    address) when it is one of data/elections.toml, else the setting's (or the default)."""
    known = elections()
    for asked in (st.session_state.get(ELECTION_KEY), st.query_params.get(ELECTION_KEY)):
        if asked in known:
            return str(asked)
    return settings.election_id() if known else ""


def election_named(election: str) -> Election:
    """One of the elections of data/elections.toml (for the selector's labels)."""
    path = settings.election_dir(election=election) / "election.toml"
    return _election(str(path), _mtime(path))


def election_dir() -> Path:
    """The source folder of this session's election."""
    chosen = election_id()
    return settings.election_dir(election=chosen or None)


def store_dir() -> Path:
    """This session's store: DASHBOARD_STORE_DIR is the store of the configured election;
    another election chosen in the app reads its own folder's store."""
    chosen = election_id()
    if not chosen or chosen == settings.election_id():
        return settings.store_dir()
    return election_dir() / "store"


def store() -> Store:
    return Store(store_dir())


def _mtime(path: Path) -> float:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def _results(store_dir: str, mtime_key: tuple) -> pd.DataFrame:
    return load_results(Store(store_dir))


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def _candidates(store_dir: str, mtime_key: float) -> pd.DataFrame:
    return load_candidates(Store(store_dir))


@st.cache_data(ttl=TTL, max_entries=4, show_spinner=False)
def _election(path: str, mtime_key: float) -> Election:
    return load_election(Path(path))


def results_key() -> tuple:
    """What the results depend on, cheap to read (two stats): it changes when a writer
    replaced the results or the desk's marks."""
    s = store()
    return (_mtime(s.path("results")), _mtime(s.path("snapshot_marks")))


def embargo_now() -> datetime | None:
    """ "Now" for the embargo (the system clock, or the feed's: see results.embargo)."""
    return clock_now(store_dir())


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def _shown_results(store_dir: str, key: tuple, hidden: tuple[int, ...]) -> pd.DataFrame:
    return hide_results(_results(store_dir, key), election(), embargo_now())


def results() -> pd.DataFrame:
    """The results as every page shows them: shares and votes hidden under embargo."""
    s = store()
    # Desk marks change what is current, so they are part of the key too.
    return _shown_results(str(s.root), results_key(), embargo_key())


@st.cache_data(max_entries=8, show_spinner=False)
def _shown_areas(store_dir: str, key: tuple, hidden: tuple[int, ...]) -> pd.DataFrame:
    from dashboard.results.views import load_area_results

    return hide_results(load_area_results(Store(store_dir)), election(), embargo_now())


def area_results() -> pd.DataFrame:
    """The rows of areas (départements…) as pages show them: hidden under embargo too."""
    s = store()
    return _shown_areas(str(s.root), results_key(), embargo_key())


def embargo_key() -> tuple[int, ...]:
    """The rounds under embargo right now: the part of "now" that changes what pages show."""
    return tuple(sorted(embargoed_rounds(election(), embargo_now())))


def version() -> tuple:
    """The version of everything results pages are built from: the store (results, desk marks,
    candidates), election.toml, and which rounds are under embargo. Five stats, no reading."""
    s = store()
    path = election_dir() / "election.toml"
    return (str(s.root), results_key(), _mtime(s.path("candidates")), _mtime(path), embargo_key())


@st.cache_resource(max_entries=4, show_spinner=False)
def _template() -> object:
    return house_template()


def template() -> object:
    """The house template, built once per process (5–12 ms per build)."""
    return _template()


@st.cache_resource(max_entries=64, show_spinner=False)
def _view(key: tuple, round_: int, at: datetime | None) -> ResultsView:
    return results_view(results(), candidates(), election(), round_, at)


def view(round_: int, at: datetime | None = None) -> ResultsView:
    """The results of `round_` as they stood at `at` (None = latest), shared (do not modify)."""
    return _view(version(), round_, at)


@st.cache_resource(max_entries=64, show_spinner=False)
def _results_chart(key: tuple, name: str, round_: int, at: datetime | None) -> ChartBundle:
    build = vote_split_bundle if name == "vote-split" else progress_bundle
    return build(_view(key, round_, at), template())


def vote_split(round_: int, at: datetime | None = None) -> ChartBundle:
    """The vote split bundle of `round_` at `at`, shared (do not modify). Raises
    DashboardError when the round has no shares yet (not cached: it is cheap)."""
    return _results_chart(version(), "vote-split", round_, at)


def progress(round_: int, at: datetime | None = None) -> ChartBundle:
    """The count-progress bundle of `round_` at `at`, shared (do not modify)."""
    return _results_chart(version(), "count-progress", round_, at)


@st.cache_resource(max_entries=32, show_spinner=False)
def _area_map(
    key: tuple, round_: int, at: datetime | None, mode: str, candidate_id: str | None
) -> tuple[ChartBundle | None, pd.DataFrame, pd.DataFrame]:
    from dashboard.charts.bundles import map_bundle
    from dashboard.charts.map import area_rows, build_area_table

    v = _view(key, round_, at)
    rows = area_rows(area_results(), v.candidates, round_, at)
    if rows.empty:
        return None, rows, build_area_table(rows)
    bundle = map_bundle(
        v, template(), geojson=geometry(), mode=mode, candidate_id=candidate_id, rows=rows
    )
    return bundle, rows, build_area_table(rows)


def area_map(
    round_: int, at: datetime | None = None, mode: str = "leader", candidate_id: str | None = None
) -> tuple[ChartBundle | None, pd.DataFrame, pd.DataFrame]:
    """The map of `round_`'s départements at `at` (None when the election has no area data),
    the area rows it draws and the table of areas; shared (do not modify)."""
    return _area_map(version(), round_, at, mode, candidate_id)


@st.cache_data(max_entries=16, show_spinner=False)
def _snapshots(key: tuple, round_: int) -> pd.DataFrame:
    rows = results()
    return query.snapshots(rows[rows["election_id"] == election().id], round_)


def snapshots(round_: int) -> pd.DataFrame:
    """Every snapshot of the round (valid or flagged), oldest first."""
    return _snapshots(version(), round_)


def candidates() -> pd.DataFrame:
    s = store()
    return _candidates(str(s.root), _mtime(s.path("candidates")))


# A resource: the GeoJSON is the same for every reader, and unpickling it per run would cost
# more than drawing.
@st.cache_resource(ttl=TTL, max_entries=2, show_spinner=False)
def _geometry(path: str, mtime_key: float) -> dict:
    from dashboard.charts.bundles import load_geometry

    return load_geometry(Path(path))


def geometry() -> dict:
    """The départements' outlines the map draws (data/geo), read once per process."""
    from dashboard.charts.bundles import GEOMETRY

    return _geometry(str(GEOMETRY), _mtime(GEOMETRY))


def election() -> Election:
    path = election_dir() / "election.toml"
    return _election(str(path), _mtime(path))


# No ttl: the key holds the files' versions, and rebuilding costs ~1 s with 1 000 entries.
@st.cache_data(max_entries=8, show_spinner=False)
def _timeline(store_dir: str, data_dir: str, keys: tuple) -> pd.DataFrame:
    from dashboard.liveblog.reactions import load_people
    from dashboard.liveblog.store import reaction_timeline

    gazetteer = load_people(Path(data_dir) / "people.csv", Path(data_dir) / "camps.csv")
    frame = reaction_timeline(Store(store_dir), gazetteer)
    # Where the count stood at each entry's minute, for all entries at once (one merge_asof),
    # kept with the reactions: a filter change does not recompute it.
    placed, _ = placeable_reactions(frame, election())
    if len(placed):
        rows = results()
        rows = rows[rows["election_id"] == election().id]
        round_ = reaction_round(election(), placed)
        frame["count_then"] = counts_then(rows, candidates(), round_, list(frame["published_at"]))
    return frame


def reactions_key() -> tuple:
    """The version of the reactions: the live-blog tables, the gazetteer files."""
    from dashboard.liveblog.store import ENTRIES_TABLE, REACTIONS_TABLE

    s, d = store(), election_dir()
    sources = ("people.csv", "camps.csv", "outlets.csv", "stance_rules.csv")
    paths = (s.path(ENTRIES_TABLE), s.path(REACTIONS_TABLE), *(d / name for name in sources))
    return tuple(_mtime(p) for p in paths)


def reactions() -> pd.DataFrame:
    """Current version of every live-blog entry with its reaction, camp label and colour,
    and `count_then`: where the count stood at that minute."""
    return _timeline(str(store().root), str(election_dir()), (reactions_key(), version()))


@st.cache_data(max_entries=16, show_spinner=False)
def _announced(key: tuple, round_: int) -> pd.DataFrame:
    rows = results()
    return announcements(rows[rows["election_id"] == election().id], candidates(), round_)


@st.cache_resource(max_entries=8, show_spinner=False)
def _placed(key: tuple) -> tuple[pd.DataFrame, int]:
    return placeable_reactions(reactions(), election())


def placed_reactions() -> tuple[pd.DataFrame, int]:
    """The reactions dated within the election (shared: do not modify), and how many are not."""
    return _placed((reactions_key(), version()))


@st.cache_data(max_entries=8, show_spinner=False)
def _facets(key: tuple) -> dict[str, list]:
    frame, _ = _placed(key)

    def options(col: str) -> list[str]:
        return sorted({str(v) for v in frame[col].dropna()})

    # A source stored without an http(s) URL (`--source-url blog-local`) has no host to name.
    hosts = {host(u).removeprefix("www.") or "source locale" for u in frame["source_url"]}
    return {
        "days": sorted({pd.Timestamp(t).date() for t in frame["published_at"]}),
        "hosts": sorted(hosts),
        "camps": options("camp_label"),
        "people": sorted({p for names in frame["people_names"] for p in names}),
        "outlets": options("outlet"),
        "stances": options("stance"),
    }


def reaction_facets() -> dict[str, list]:
    """What the reactions page offers to filter on, and names in its caption: "days",
    "hosts", "camps", "people", "outlets", "stances" (each sorted, computed once)."""
    return _facets((reactions_key(), version()))


# The reactions page's filters as a hashable key: camps, people, outlets, stances, text.
Filters = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], str]


def filters(
    camps: list[str], persons: list[str], outlets: list[str], stances: list[str], search: str
) -> Filters:
    """The reactions page's filters as a cache key."""
    return (tuple(camps), tuple(persons), tuple(outlets), tuple(stances), search.strip())


@st.cache_data(max_entries=128, show_spinner=False)
def _filtered(key: tuple, chosen: Filters) -> pd.DataFrame:
    camps, persons, outlets, stances, search = chosen
    shown, _ = _placed(key)
    if camps:
        shown = shown[shown["camp_label"].isin(camps)]
    if persons:
        wanted = set(persons)
        shown = shown[shown["people_names"].map(lambda p: bool(set(p) & wanted))]
    if outlets:
        shown = shown[shown["outlet"].isin(outlets)]
    if stances:
        shown = shown[shown["stance"].isin(stances)]
    if search:
        needle = search.casefold()
        text = (shown["headline"].fillna("") + "\n" + shown["body"].fillna("")).str.casefold()
        shown = shown[text.str.contains(needle, regex=False)]
    return shown


def filtered_reactions(chosen: Filters) -> pd.DataFrame:
    """The placeable reactions the filters keep (camp, person, outlet, stance, full text)."""
    return _filtered((reactions_key(), version()), chosen)


@st.cache_resource(max_entries=128, show_spinner=False)
def _timeline_chart(key: tuple, chosen: Filters, by: str) -> ChartBundle:
    shown = _filtered(key, chosen)
    if shown.empty:
        raise DashboardError("aucune réaction ne correspond à ces filtres")
    round_ = reaction_round(election(), shown)
    return timeline_bundle(
        shown,
        results(),
        candidates(),
        election(),
        template=template(),
        by=by,
        announced=_announced(key, round_),
    )


def timeline(chosen: Filters, by: str) -> ChartBundle:
    """The timeline of the reactions the filters keep, by "camp" or "person", shared (do not
    modify). Raises DashboardError when the filters keep none."""
    return _timeline_chart((reactions_key(), version()), chosen, by)


def verbatim_markdown(text: str, highlights: list[str]) -> str:
    """Entry text shown verbatim as Markdown, the quotes highlighted. Every character of the
    entry is escaped, so HTML or script in an entry is shown as text, never run."""
    spans: list[tuple[int, int]] = []
    for quote in highlights:
        start = text.find(quote)
        if quote and start >= 0:
            spans.append((start, start + len(quote)))
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(markdown(text[pos:start]))
        out.append(":orange-background[" + markdown(text[start:end]) + "]")
        pos = end
    out.append(markdown(text[pos:]))
    paragraphs = "".join(out).split("\n\n")
    return "\n\n".join(p.replace("\n", "  \n") for p in paragraphs)


def secrets() -> dict:
    """The app's secrets, {} when there is no secrets.toml (a public deployment)."""
    try:
        return st.secrets.to_dict()
    except Exception:
        return {}


def desk_mode() -> str:
    """ "oidc", "password" or "off" (see dashboard.desk.access)."""
    from dashboard.desk.access import desk_mode as mode

    return mode(secrets())


def desk_problem() -> str | None:
    """Why a desk asked for stays off (French), for the server log at start."""
    from dashboard.desk.access import desk_problem as problem

    return problem(secrets())


def client_address() -> str | None:
    """The visitor's address: the connection's, or — only when that is a local reverse proxy
    (loopback) — the X-Real-IP / X-Forwarded-For it sets. A visitor connecting directly
    cannot choose their address with a header."""
    address = st.context.ip_address
    if address in (None, "127.0.0.1", "::1"):
        headers = st.context.headers
        for name in ("X-Real-Ip", "X-Forwarded-For"):
            value = headers.get(name) if headers else None
            if value:
                return value.split(",")[-1].strip()
    return address


def gazetteer():
    from dashboard.liveblog.reactions import load_people

    d = election_dir()
    return load_people(d / "people.csv", d / "camps.csv")


LOG = logging.getLogger("dashboard.app")
OOPS = (
    "Cette partie de la page n'a pas pu s'afficher : une donnée enregistrée est illisible. "
    "L'incident est consigné ; le reste de la page reste valable."
)


@contextmanager
def guard(where: str) -> Iterator[None]:
    """Whatever a stored record makes a page raise, the reader sees a French message and
    what was drawn before it, never a traceback; the detail goes to the server log.
    (st.stop / st.rerun are BaseExceptions and pass through.)"""
    try:
        yield
    except DashboardError as exc:
        LOG.warning("%s: %s", where, exc)
        st.error(public_message(exc))
    except Exception:
        LOG.exception("%s: unexpected error", where)
        st.error(OOPS, icon=":material/error:")


UNREADABLE = (
    "Les données enregistrées sont illisibles pour le moment : la page ne peut pas les "
    "afficher. L'incident est consigné ; réessayez dans quelques instants."
)


def public_message(error: DashboardError) -> str:
    """What a reader is told of `error` (Markdown): a broken store or source file is told in
    French without its path or library detail (those go to the server log); the app's own
    French messages ("aucun résultat valide…") are shown as they are."""
    if isinstance(error, StoreError | SourceError):
        return UNREADABLE
    return markdown(error)


def fail(error: DashboardError) -> None:
    """A user-facing error on the page, then stop this run (no traceback)."""
    LOG.warning("page stopped: %s", error)
    st.error(public_message(error))
    st.stop()


def show_chart(bundle: ChartBundle, *, key: str, on_select: str = "ignore") -> object:
    """The chart (same figure as the exports), the CSV of exactly the data it shows, and on
    demand its data table and the export panel. Toggles, not expanders: what is folded away
    is not sent to the browser at all, so the chart itself draws sooner."""
    # Title and subtitle as page text, which wraps on a phone; plotly's would run off the edge.
    st.markdown(f"**{markdown(bundle.title)}**  \n{markdown(bundle.subtitle)}")
    event = st.plotly_chart(
        screen_figure(bundle.fig),
        theme=None,
        key=key,
        on_select=on_select,
        # No plotly mode bar: Streamlit's plotly.js has no French locale (its tooltips stay
        # English) and its camera gives an unframed PNG; the export panel gives the framed one.
        config={"displaylogo": False, "displayModeBar": False},
        alt=bundle.alt_text,
    )
    with st.expander("Description du graphique", key=f"{key}-alt"):
        st.markdown(markdown(bundle.alt_text))
    st.caption(markdown(bundle.source_line))
    c1, c2, c3 = st.columns([1.3, 1, 1.6])
    from dashboard.charts.bundles import french_csv, french_table
    from dashboard.export import formats, names

    c1.download_button(
        "Données (CSV)",
        # French Excel: UTF-8 BOM, ";", decimal comma, French headers (README, "Data").
        # Written on click: bytes given here would be built and kept per session every run.
        data=lambda: formats.data_csv(french_csv(bundle.data)),
        file_name=names.filename(
            bundle.election_slug, bundle.round, bundle.slug, bundle.file_moment, "csv"
        ),
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/table_view:",
    )
    show_data = c2.toggle("Voir les données", key=f"{key}-data")
    show_export = c3.toggle("Exporter ce graphique", key=f"{key}-export")
    if show_data:
        # st.table is static HTML: the grid widget of st.dataframe costs ~1 s of first paint.
        table = french_table(bundle.data)
        st.table(table.set_index(table.columns[0]))
    if show_export:
        export_panel(bundle, key=key)
    return event


def _two_lines(label: str) -> str:
    """ "Emmanuel Macron ✓" → "Emmanuel<br>Macron ✓": a long name on two lines, so that on a
    390 px phone the names do not take the width the bars need."""
    if "<br>" in label or len(re.sub(r"<[^>]+>", "", label)) <= 14:
        return label
    bold = label.startswith("<b>") and "</b>" in label
    name, sep, rest = label.partition("</b>") if bold else (label, "", "")
    name = name.removeprefix("<b>") if bold else name
    first, space, last = name.rpartition(" ")
    if not space or not first:
        return label
    return (f"<b>{first}</b><br><b>{last}" if bold else f"{first}<br>{last}") + sep + rest


@st.cache_resource(max_entries=128, show_spinner=False)
def _screen_figure(fig_id: int, _fig: go.Figure) -> tuple[go.Figure, go.Figure]:
    out = go.Figure(_fig)
    out.update_layout(title=None, margin_t=36)
    if (out.layout.meta or {}).get("chart") == "vote-split" and out.data:
        # Names on two lines on screen (exports have a canvas wide enough for one), and the
        # winner's word under the name rather than inside the bar, where on a phone it runs
        # into the share.
        words = {
            str(n.y): str(n.text)
            for n in out.layout.annotations
            if n.y is not None and n.xanchor == "left" and n.x == 0
        }
        renamed = {
            str(y): _two_lines(str(y)) + (f"<br>{words[str(y)]}" if str(y) in words else "")
            for y in out.data[0].y
        }
        out.data[0].y = [renamed[str(y)] for y in out.data[0].y]
        out.layout.annotations = [
            n for n in out.layout.annotations if not (n.y is not None and str(n.y) in words)
        ]
        if len(out.data[0].x) > 2:
            # Many candidates: the share alone beside each bar, so that "36,03 %" fits a
            # phone; the votes stay in the hover, the table and the CSV (and on the export).
            bars = out.data[0]
            bars.text = [str(t).split(" · ")[0] for t in bars.text]
            bars.textfont.size = 14  # the colours stay: an « n. c. » is grey
            bars.textangle = 0  # never turned on its side where a label is tight
            bars.constraintext = "none"
            out.update_xaxes(range=[0, min(100.0, max(bars.x) * 1.35 + 2)])
    # The entry holds the export figure too, so its id cannot be reused while it lives.
    return _fig, out


def screen_figure(fig: go.Figure) -> go.Figure:
    """The export figure without its own title (the page writes it above, wrapping); made
    once per figure (copying a figure costs 20–60 ms), shared: do not modify."""
    _, out = _screen_figure(id(fig), fig)
    return out


def export_panel(bundle: ChartBundle, *, key: str) -> None:
    """Preset + format → download (framed like every newsroom export), optional preview."""
    from dashboard.export import formats, frame, names

    with st.container(border=True):
        c1, c2, c3 = st.columns([2, 1, 1])
        preset = c1.selectbox(
            "Format d'image",
            list(frame.PRESETS),
            format_func=lambda p: frame.PRESETS[p].label,
            key=f"{key}-preset",
        )
        fmt = c2.selectbox("Fichier", formats.FORMATS, key=f"{key}-fmt")
        dark = c3.toggle("Sombre", key=f"{key}-dark")
        name = names.filename(
            bundle.election_slug,
            bundle.round,
            bundle.slug,
            bundle.file_moment,
            fmt,
            preset=preset,
            dark=dark,
        )

        def exported() -> bytes:
            # Runs on click, in its own thread; the export module serialises Chromium.
            return formats.export_chart(
                bundle.fig, fmt=fmt, preset=preset, frame=bundle, data=bundle.data, dark=dark
            ).content

        st.download_button(
            f"Télécharger {name}",
            data=exported,
            file_name=name,
            mime=formats.MIME[fmt],
            key=f"{key}-download",
            icon=":material/download:",
        )
        st.caption(f"Texte alternatif : {markdown(bundle.alt_text)}")
        if fmt == "html":
            st.code(formats.embed_snippet(name, preset, title=bundle.title), language="html")
        if st.toggle("Aperçu cadré", key=f"{key}-preview"):
            framed = frame.frame_figure(bundle.fig, frame.Frame.of(bundle), preset, dark=dark)
            p = frame.PRESETS[preset]
            st.plotly_chart(
                framed,
                theme=None,
                key=f"{key}-framed",
                width=min(p.width, 900),
                config={"staticPlot": True},
            )
