"""Résultats: who won, by how much, how many voted — at any moment of the night."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import settings
from dashboard.app import ui
from dashboard.app.screens import map_section
from dashboard.errors import DashboardError
from dashboard.fr import PARIS, fr_int, fr_pct
from dashboard.results.embargo import embargo_for
from dashboard.text import markdown, markdown_link, plain

LATEST = "dernier relevé"
EVERY = max(1, settings.get_int("live_every"))

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

params["round"] = str(round_)

snaps = ui.snapshots(round_)
valid = snaps[snaps["valid"].astype(bool)]
moments = {
    f"{pd.Timestamp(t):%d/%m %H:%M}": pd.Timestamp(t).to_pydatetime() for t in valid["as_of"]
}
labels = [*moments, LATEST]
wanted = params.get("at")
initial = LATEST
bad_at = None
if wanted:
    try:
        when = election.resolve_at(round_, wanted)
        # The moment shown is the last snapshot published at or before the requested time.
        earlier = [k for k, t in moments.items() if t <= when]
        initial = earlier[-1] if earlier else labels[0]
    except DashboardError:
        bad_at = wanted
choice = st.session_state.get(f"at-{round_}", initial)
if choice not in labels:
    choice = initial
at = None if choice == LATEST else moments[choice]
if at is None:
    params.pop("at", None)
else:
    params["at"] = f"{at:%Y-%m-%dT%H:%M}"

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

with controls:
    left, right = st.columns([1, 3])
    left.radio(
        "Tour",
        options=list(rounds),
        index=list(rounds).index(round_),
        format_func=lambda n: rounds[n].label,
        horizontal=True,
        key="round",
    )
    right.select_slider(
        "Les chiffres tels qu'ils étaient publiés à…",
        options=labels,
        value=choice,
        key=f"at-{round_}",
        help="Chaque cran est un relevé publié ce soir-là ; « dernier relevé » = le plus récent.",
    )
    if bad_at:
        st.warning(
            f"Heure demandée illisible : « {markdown(bad_at)} » ; affichage du dernier relevé."
        )

with cards:
    first = view.first
    rnd = rounds[round_]

    # Headline cards
    cols = st.columns(5)
    if not view.shares.empty:
        lead = view.shares.iloc[0]
        winners = view.shares[view.shares["candidate_id"].isin(view.winners())]
        if len(winners) > 1:  # e.g. the two qualified for a run-off
            cols[0].metric(
                f"{rnd.winner_label.capitalize()}s",
                plain(" et ".join(str(n).split()[-1] for n in winners["name"])),
                " · ".join(fr_pct(x) for x in winners["share"]),
                delta_color="off",
                delta_arrow="off",
            )
        else:
            title = rnd.winner_label.capitalize() if len(winners) else "En tête"
            cols[0].metric(
                title,
                plain(lead["name"]),
                fr_pct(lead["share"]),
                delta_color="off",
                delta_arrow="off",
            )
    elif under_embargo:
        cols[0].metric(
            "Résultats", "sous embargo", embargo.label(), delta_color="off", delta_arrow="off"
        )
    else:
        cols[0].metric("En tête", "—", "parts non publiées", delta_color="off", delta_arrow="off")

    votants = first["votants"]
    other = [n for n in rounds if n != round_]
    delta = None
    if other and not pd.isna(votants):
        try:
            other_view = ui.view(other[0])
            other_votants = other_view.first["votants"]
            if not pd.isna(other_votants):
                diff = int(votants) - int(other_votants)
                sign = "+" if diff >= 0 else "−"
                delta = f"{sign}{fr_int(abs(diff))} vs {rounds[other[0]].label}"
        except DashboardError:
            pass
    cols[1].metric("Votants", fr_int(votants), delta, delta_color="off", delta_arrow="off")
    exprimes = first["exprimes"]
    cols[2].metric("Exprimés", fr_int(exprimes))
    blancs, nuls = first["blancs"], first["nuls"]
    if not pd.isna(blancs) and not pd.isna(nuls):
        bn_value, bn_help = f"{fr_int(blancs)} / {fr_int(nuls)}", "blancs / nuls"
    elif not pd.isna(votants) and not pd.isna(exprimes):
        bn_value, bn_help = fr_int(int(votants) - int(exprimes)), "blancs + nuls (calculé)"
    else:
        bn_value, bn_help = "n. c.", "non communiqué"
    cols[3].metric("Blancs / nuls", bn_value, bn_help, delta_color="off", delta_arrow="off")
    counted, total_b = first["bureaux_counted"], first["bureaux_total"]
    cols[4].metric(
        "Bureaux dépouillés",
        fr_int(counted) + ("" if pd.isna(total_b) else f" / {fr_int(total_b)}"),
        None if pd.isna(counted) or pd.isna(total_b) else fr_pct(100 * counted / total_b, 1),
        delta_color="off",
        delta_arrow="off",
        help=view.bureaux_text(),
    )

    stamp = view.stamp()  # "au 02/02/2017 — définitif": the status once
    st.markdown(f"**{stamp}** · {markdown_link('source', first['source_url'])}")
    if not pd.isna(first["note"]) and first["note"]:
        st.caption(markdown(first["note"]))
    for comparison in (c for c in election.comparisons if c.round == round_):
        if not pd.isna(votants):
            gap = int(votants) - comparison.votants
            st.caption(
                f"Participation : {'+' if gap >= 0 else '−'}{fr_int(abs(gap))} votants "
                f"par rapport à la {comparison.label} ({fr_int(comparison.votants)}) — "
                + markdown_link("source", comparison.source_url)
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
