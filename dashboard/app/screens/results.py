"""Résultats: who won, by how much, how many voted — at any moment of the night."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from dashboard import settings
from dashboard.app import look, ui
from dashboard.app.screens import map_section
from dashboard.errors import DashboardError
from dashboard.fr import BASE_FR, PARIS, fr_int, fr_moment, fr_pct, time_known
from dashboard.results.embargo import embargo_for
from dashboard.results.views import (
    progress_card,
    turnout_fields,
    turnout_figures,
    votants_change,
    winners_headline,
)
from dashboard.text import html, markdown, markdown_link, plain

LATEST = "dernier relevé"
EVERY = max(1, settings.get_int("live_every"))


def turnout_report(row: pd.Series) -> str:
    """ "26,41 % des inscrits (métropole)" for a report given as a rate, else "400 000
    votants": never a rate shown as a number of votants."""
    figures = turnout_figures(turnout_fields(row))
    if figures["rate_only"]:
        where = f" ({figures['scope']})" if figures["scope"] else ""
        return f"{fr_pct(figures['participation_pct'])} des inscrits{where}"
    return f"{fr_int(row['votants'])} votants"


try:
    election = ui.election()
    # Read before the data: a snapshot landing in between is seen by the next check.
    loaded_key = ui.results_key()
    results = ui.results()
    candidates = ui.candidates()
except DashboardError as exc:
    ui.fail(exc)

rounds = {r.number: r for r in election.rounds}
params = st.query_params
try:
    default_round = int(params.get("round", max(rounds)))
except ValueError:
    default_round = max(rounds)
if default_round not in rounds:
    default_round = max(rounds)

round_ = st.session_state.get("round", default_round)
if round_ not in rounds:
    round_ = default_round

st.title(f"{election.name} — résultats")
embargo = embargo_for(election, round_)
under_embargo = embargo.active(ui.embargo_now())


def page_key() -> tuple:
    """Changes when a new snapshot lands, or when the embargo starts or ends."""
    return (ui.results_key(), embargo.active(ui.embargo_now()))


st.session_state["results-page-key"] = (loaded_key, under_embargo)


@st.fragment(run_every=EVERY)
def freshness() -> None:
    """Every DASHBOARD_LIVE_EVERY s: two file stats; the whole page is drawn again only when
    the figures changed. The reader's round and moment are widget state, so they are kept
    (and "dernier relevé" is the newest snapshot after the redraw)."""
    with ui.guard("résultats : fraîcheur"):
        if page_key() != st.session_state.get("results-page-key"):
            st.rerun(scope="app")
        st.caption(f"mis à jour à {datetime.now(tz=PARIS):%H:%M:%S}")


freshness()
# Filled in after the vote split: the chart's delta goes out first, so it draws sooner. The
# widgets' values are read from session state (or the deep link) before they are drawn.
controls = st.container()
cards = st.container()

if params.get("round") != str(round_):
    # Written only when it changes: any write makes Streamlit re-encode the whole address
    # ("at=23:50" would become "at=23%3A50").
    params["round"] = str(round_)

snaps = ui.snapshots(round_)
valid = snaps[snaps["valid"].astype(bool)]
# One stop per count snapshot; the midday and 17 h turnout reports are not moments of the count
# (they are listed apart, under the cards). The newest count is the last stop, LATEST, which
# follows a snapshot landing later; it is not repeated as a stop of its own.
counts = valid[valid["kind"] == "count"]
stops: dict[str, datetime] = {}
stop_known: dict[str, bool] = {}
for _, snap in counts.iterrows():
    t = pd.Timestamp(snap["as_of"]).tz_convert(PARIS).to_pydatetime()
    known = time_known(snap["note"])
    label = fr_moment(t, known=known, year=False, sep=" ")
    while label in stops:  # two date-only snapshots of one day
        label += "\u2009·"
    stops[label] = t
    stop_known[label] = known
labels = [*list(stops)[:-1], LATEST] if stops else [LATEST]
last_label = list(stops)[-1] if stops else None


def stop_text(label: str) -> str:
    """The last stop reads "02/02 · dernier relevé": its moment, and that it follows the feed."""
    return f"{last_label} · {LATEST}" if label == LATEST and last_label else label


def human_at(label: str) -> str:
    """What the deep link says for a stop: "23h50" on election night (the French way, and
    no ":" for Streamlit to write as "%3A"), "2017-01-23T19h00" another day, "2017-02-02"
    when the source gives the date only."""
    t = stops[label]
    if not stop_known[label]:
        return f"{t:%Y-%m-%d}"
    try:
        if election.resolve_at(round_, f"{t:%H:%M}") == t:
            return f"{t:%Hh%M}"
    except DashboardError:
        pass
    return f"{t:%Y-%m-%dT%Hh%M}"


def wanted_moment(text: str) -> datetime:
    """?at= as a reader writes it: "23:50", "23h50", a full ISO time (also "…T19h00"), or a
    date (its whole day)."""
    text = re.sub(r"T(\d{2})h(\d{2})$", r"T\1:\2", text.strip())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            day = date.fromisoformat(text.strip())
        except ValueError as exc:
            raise DashboardError(f"date illisible : {text!r}") from exc
        return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS)
    return election.resolve_at(round_, text)


wanted = params.get("at")
initial = LATEST
bad_at = None
if wanted:
    try:
        when = wanted_moment(wanted)
        # The moment shown is the last count published at or before the requested time.
        earlier = [k for k, t in stops.items() if t <= when]
        initial = earlier[-1] if earlier else labels[0]
        if initial == last_label:
            initial = LATEST
    except DashboardError:
        bad_at = wanted
choice = st.session_state.get(f"at-{round_}", initial)
if choice not in labels:
    choice = initial
at = None if choice == LATEST else stops[choice]
if at is None:
    params.pop("at", None)
elif not (wanted and not bad_at and initial == choice):
    # A deep link that names this moment ("23:50", or "23:55" for the 23:50 count) is left as
    # the reader wrote it; a moment chosen on the slider is written the way a person would.
    params["at"] = human_at(choice)

try:
    view = ui.view(round_, at)
except DashboardError as exc:
    ui.fail(exc)

st.subheader("Répartition des voix")
if under_embargo:
    st.info(
        f"Résultats sous embargo {markdown(embargo.label())} : les parts et les voix des "
        "candidats sont masquées ; la participation reste affichée."
    )
try:
    if view.share_as_of is not None and view.share_as_of != view.as_of:
        st.info(
            f"Ce relevé ne donne pas les parts des candidats : répartition au "
            f"{view.share_as_of:%d/%m à %H:%M}."
        )
    ui.show_chart(ui.vote_split(round_, at), key="vote-split")
except DashboardError as exc:
    st.info(markdown(exc))


def to_latest_of_round() -> None:
    """Another round opens at its latest figures, not at the old round's moment."""
    params.pop("at", None)
    st.session_state.pop(f"at-{st.session_state['round']}", None)


with controls:
    left, right = st.columns([1, 3])
    left.radio(
        "Tour",
        options=list(rounds),
        index=list(rounds).index(round_),
        format_func=lambda n: rounds[n].label,
        horizontal=True,
        key="round",
        on_change=to_latest_of_round,
    )
    if len(labels) > 1:
        right.select_slider(
            "Les chiffres tels qu'ils étaient publiés à…",
            options=labels,
            value=choice,
            format_func=stop_text,
            key=f"at-{round_}",
            help="Chaque cran est un relevé du dépouillement publié ce soir-là ; le dernier "
            "suit les nouveaux relevés. Les relevés de participation sont indiqués à part.",
        )
    if bad_at:
        st.warning(
            f"Heure demandée illisible : « {markdown(bad_at)} » ; affichage du dernier relevé."
        )

with cards:
    first = view.first
    rnd = rounds[round_]

    # The headline: who leads (or won) and by how much, the largest figure on the page.
    if not view.shares.empty:
        winners = view.shares[view.shares["candidate_id"].isin(view.winners())]
        if len(winners):
            shown = winners
            # gendered and plural from election.toml ("Qualifiés", "Élue")
            title = winners_headline(view.shares, rnd, view.winners())["title"]
        else:
            shown, title = view.shares.head(1), "En tête"
        base = BASE_FR.get(str(view.shares["share_base"].iloc[0]), "")
        people = "".join(
            f'<div class="headline-one"><p class="headline-name">{html(row["name"])}</p>'
            f'<p class="headline-share">{fr_pct(row["share"])}</p></div>'
            for _, row in shown.iterrows()
        )
        st.markdown(
            f'<div class="headline"><p class="headline-label">{html(title)}</p>'
            f'<div class="headline-people">{people}</div>'
            f'<p class="headline-base">des {html(base)}</p></div>',
            unsafe_allow_html=True,
        )
    elif under_embargo:
        st.metric(
            "Résultats", "sous embargo", embargo.label(), delta_color="off", delta_arrow="off"
        )
    else:
        st.markdown(
            '<div class="headline"><p class="headline-label">En tête</p>'
            '<p class="headline-name">parts non publiées</p></div>',
            unsafe_allow_html=True,
        )

    votants = first["votants"]
    other = [n for n in rounds if n != round_]
    delta = None
    if other and not pd.isna(votants):
        try:
            # Like with like: a partial count against the other round's definitive says so.
            delta = votants_change(first, ui.view(other[0]).first, rounds[other[0]].label)
        except DashboardError:
            pass
    exprimes = first["exprimes"]
    blancs, nuls = first["blancs"], first["nuls"]
    if not pd.isna(blancs) and not pd.isna(nuls):
        bn_value, bn_help = f"{fr_int(blancs)} / {fr_int(nuls)}", "blancs / nuls"
    elif not pd.isna(votants) and not pd.isna(exprimes):
        bn_value, bn_help = fr_int(int(votants) - int(exprimes)), "blancs + nuls (calculé)"
    else:
        bn_value, bn_help = "n. c.", "non communiqué"
    # Compact cards side by side, wrapping (two or three a row on a phone), each as wide as
    # its figure: nothing is cut with "…".
    turnout_now = turnout_figures(turnout_fields(first))
    with st.container(horizontal=True, gap="medium", key="cards"):
        if turnout_now["inscrits"]:
            st.metric("Inscrits", fr_int(turnout_now["inscrits"]), width="content")
        if turnout_now["participation_pct"] is not None:
            abstention = turnout_now["abstention_pct"]
            st.metric(
                "Participation",
                fr_pct(turnout_now["participation_pct"]),
                None if abstention is None else f"abstention {fr_pct(abstention)}",
                delta_color="off",
                delta_arrow="off",
                help=f"des inscrits ({turnout_now['scope']})" if turnout_now["scope"] else None,
                width="content",
            )
        st.metric(
            "Votants", fr_int(votants), delta, delta_color="off", delta_arrow="off", width="content"
        )
        st.metric("Exprimés", fr_int(exprimes), width="content")
        st.metric(
            "Blancs / nuls",
            bn_value,
            bn_help,
            delta_color="off",
            delta_arrow="off",
            width="content",
        )
        look.card(progress_card(first))

    stamp = view.stamp()  # "au 02/02/2017 — définitif": the status once
    st.markdown(f"**{stamp}** · {markdown_link('source', first['source_url'])}")
    if not pd.isna(first["note"]) and first["note"]:
        st.caption(markdown(first["note"]))
    turnout = valid[valid["kind"] == "turnout"]
    if at is not None:
        turnout = turnout[turnout["as_of"] <= pd.Timestamp(at)]
    if len(turnout):
        reports = [
            f"à {fr_moment(r['as_of'], known=time_known(r['note']), year=False, sep=' ')}, "
            + turnout_report(r)
            for _, r in turnout.iterrows()
        ]
        st.caption("Participation publiée dans la journée : " + " ; ".join(reports) + ".")
    for comparison in (c for c in election.comparisons if c.round == round_):
        # An earlier election's figure is its definitive count.
        change = votants_change(
            first,
            {"kind": "count", "status": "definitive", "votants": comparison.votants},
            f"{comparison.label} ({fr_int(comparison.votants)})",
        )
        if change:
            st.caption(
                f"Votants : {markdown(change)} — " + markdown_link("source", comparison.source_url)
            )


flagged = snaps[~snaps["valid"].astype(bool)]
if not flagged.empty:
    label = f"⚠️ {len(flagged)} relevé(s) écarté(s) par la validation"
    with cards, st.expander(label, expanded=False):
        for _, snap in flagged.iterrows():
            st.markdown(
                f"**{markdown(snap['snapshot_id'])}** — {pd.Timestamp(snap['as_of']):%d/%m %H:%M}"
            )
            for reason in snap["flags"]:
                st.text(f"• {plain(reason)}")

st.subheader("Évolution du dépouillement")
try:
    ui.show_chart(ui.progress(round_, at), key="count-progress")
except DashboardError as exc:
    st.info(markdown(exc))

map_section.show(view)
