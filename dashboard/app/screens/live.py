"""En direct: figures that refresh by themselves while a watcher feeds the store.

The page never fetches: `python -m dashboard results watch URL` is the one writer; this
panel re-reads the store (cheaply, keyed on the file's modification time) every
`DASHBOARD_LIVE_EVERY` seconds and says how fresh the figures are.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import settings
from dashboard.app import look, ui
from dashboard.errors import DashboardError
from dashboard.feed.http import french_error
from dashboard.feed.watch import read_status
from dashboard.fr import PARIS, fr_int, fr_moment, status_fr
from dashboard.results import query
from dashboard.results.embargo import embargo_for
from dashboard.results.views import display_names, progress_card, winners_headline
from dashboard.text import markdown, plain

EVERY = max(1, settings.get_int("live_every"))

st.title("En direct")


def latest_round(results: pd.DataFrame) -> int:
    valid = results.loc[query.is_valid(results)]
    return int(valid.sort_values("as_of")["round"].iloc[-1]) if len(valid) else 1


@st.fragment(run_every=EVERY)
def live_panel() -> None:
    # A fragment rerun is outside the page's own guard (main.py): it carries its own.
    with ui.guard("direct"):
        _live_panel()


def _live_panel() -> None:
    status = read_status(ui.store_dir())
    try:
        election = ui.election()
        results = ui.results()
        candidates = ui.candidates()
    except DashboardError:
        st.info("En attente du premier relevé du flux…")
        if status is not None and status.last_error:
            st.error(f"Source interrompue — {markdown(french_error(status.last_error))}")
        return
    round_ = latest_round(results[results["election_id"] == election.id])
    try:
        view = ui.view(round_)
    except DashboardError as exc:
        st.info(markdown(exc))
        return
    first = view.first
    as_of = pd.Timestamp(first["as_of"])

    if status is None:
        # Readers get no command line: how to follow a feed is in the README.
        st.caption("Aucun flux suivi en ce moment : dernières figures enregistrées.")
    elif status.last_error or status.is_stale():
        # Interrupted as soon as the watcher records a failed poll, not only once the
        # figures are DASHBOARD_STALE_AFTER seconds old.
        st.error(
            "Source interrompue — dernières données valides "
            + (f"de {as_of:%H:%M}" if view.time_known else f"du {as_of:%d/%m}"),
            icon=":material/warning:",
        )
        if status.last_error:
            st.caption(f"Détail : {markdown(french_error(status.last_error))}")
    else:
        st.success(f"Flux actif — {status.updated_text()}", icon=":material/sync:")
    if status is not None and status.last_outcome == "signalé" and status.last_flags:
        st.warning("Dernier document reçu écarté : " + markdown(" ; ".join(status.last_flags)))
    st.caption(f"Affichage mis à jour à {datetime.now(tz=PARIS):%H:%M:%S}")

    rnd = election.round(round_)
    embargo = embargo_for(election, round_)
    embargoed = embargo.active(ui.embargo_now())
    if embargo.problem:
        st.warning(markdown(embargo.problem))
    # Cards side by side, wrapping on a phone (two a row), each as wide as its figure: never
    # four squeezed columns stacked one per row.
    with st.container(horizontal=True, gap="medium", key="live-cards"):
        if embargoed:
            st.metric(
                "Résultats",
                "sous embargo",
                embargo.label(),
                delta_color="off",
                delta_arrow="off",
                width="content",
            )
        elif not view.shares.empty:
            card = winners_headline(view.shares, rnd, view.winners())
            st.metric(
                card["title"],
                plain(card["value"]),
                card["detail"],
                delta_color="off",
                delta_arrow="off",
                width="content",
            )
        st.metric("Votants", fr_int(first["votants"]), width="content")
        look.card(progress_card(first))  # bureaux, or the share of inscrits the ministry gives
        st.metric(
            "Relevé",
            # A snapshot known by its date only is shown as a date, never "02/02 00:00".
            fr_moment(as_of, known=view.time_known, year=False, sep=" "),
            status_fr(view.status),
            delta_color="off",
            delta_arrow="off",
            width="content",
        )

    # What changed since the previous valid snapshot of the same kind.
    snaps = query.snapshots(view.results, round_)
    snaps = snaps[snaps["valid"].astype(bool) & (snaps["kind"] == first["kind"])]
    if len(snaps) >= 2 and not embargoed:
        prev, cur = snaps.iloc[-2]["snapshot_id"], snaps.iloc[-1]["snapshot_id"]
        change = query.diff(
            query.snapshot_rows(view.results, prev),
            query.snapshot_rows(view.results, cur),
            candidates,
        )
        st.markdown(f"**{markdown(change.describe(display_names(candidates)))}**")

    if embargoed:
        st.info(
            f"Les parts des candidats sont masquées {markdown(embargo.label())} "
            "(embargo) ; la participation reste affichée."
        )
    elif not view.shares.empty:
        bundle = ui.vote_split(round_)
        # Title as page text (it wraps on a phone), the figure as on the results page.
        st.markdown(f"**{markdown(bundle.title)}**  \n{markdown(bundle.subtitle)}")
        st.plotly_chart(
            ui.screen_figure(bundle.fig),
            theme=None,
            key="live-vote-split",
            config={"displaylogo": False, "displayModeBar": False},
            alt=bundle.alt_text,
        )
        st.caption(markdown(bundle.source_line))


live_panel()
