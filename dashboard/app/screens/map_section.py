"""Résultats par département: the map, the table of areas beside it (below on phones), and the
card and bar chart of the département a reader clicks or picks.

The results screen calls `show(view)` once. The map, its table and its area frame come from
`ui.area_map`, cached per store version, round, moment, mode and candidate: a rerun that
changes none of them draws the same figure without building it again.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app import ui
from dashboard.charts.bundles import NO_AREAS, ResultsView
from dashboard.charts.map import rank_areas
from dashboard.charts.vote_split import build_vote_split
from dashboard.fr import fr_int, fr_pct
from dashboard.text import plain

MODES = {"leader": "Candidat en tête", "share": "Score d'un candidat"}
PICK = "map-area"  # the picked area's code: the selectbox's state, set by a click too
NONE = ""


def _picked_from(widget_key: str, field: str) -> None:
    """A click on the map (or a row of the table) picks that area in the selectbox."""
    state: Any = st.session_state.get(widget_key)
    selection = getattr(state, "selection", None) or {}
    if field == "points":
        points = selection.get("points") or []
        code = None
        for point in points:
            custom = point.get("customdata") or []
            code = custom[1] if len(custom) > 1 else point.get("location")
            if code:
                break
    else:
        rows = selection.get("rows") or []
        table = st.session_state.get("map-table-codes") or []
        code = table[rows[0]] if rows and rows[0] < len(table) else None
    if code:
        st.session_state[PICK] = str(code)


def show(view: ResultsView) -> None:
    """The map section of the results page (one call from the screen)."""
    st.subheader("Résultats par département")
    with ui.guard("résultats : carte"):
        _show(view)


def _show(view: ResultsView) -> None:
    round_, at = view.round, view.at
    mode = st.session_state.get("map-mode", "leader")
    candidate_key = f"map-candidate-{round_}"
    candidate_id = st.session_state.get(candidate_key) if mode == "share" else None
    bundle, rows, table = ui.area_map(round_, at, mode, candidate_id)
    if bundle is None:
        st.caption(f"Carte indisponible : {NO_AREAS}.")
        return
    ranked = rank_areas(rows)
    totals = rows.groupby(["candidate_id", "name"], as_index=False)["votes"].sum()
    totals = totals.sort_values("votes", ascending=False, kind="stable")
    names = dict(zip(totals["candidate_id"], totals["name"], strict=True))

    c1, c2 = st.columns([1, 1])
    c1.radio("Carte", list(MODES), format_func=MODES.get, horizontal=True, key="map-mode")
    if mode == "share":
        c2.selectbox(
            "Candidat",
            list(names),
            format_func=lambda cid: plain(names[cid]),
            key=candidate_key,
        )

    left, right = st.columns([3, 2])
    with left:
        ui.show_chart(
            bundle,
            key=f"map-{round_}",
            on_select=lambda: _picked_from(f"map-{round_}", "points"),
        )
    with right:
        st.session_state["map-table-codes"] = list(table["Code"])
        st.dataframe(
            table,
            hide_index=True,
            height=460,
            key="map-table",
            on_select=lambda: _picked_from("map-table", "rows"),
            selection_mode="single-row",
        )
        st.caption(
            "Cliquez un département sur la carte ou une ligne du tableau pour voir son détail ; "
            "les Français de l'étranger et les collectivités d'outre-mer sont au tableau."
        )

    labels = {NONE: "—"} | {
        c: f"{n} ({c})" for c, n in zip(ranked["area_code"], ranked["area_name"], strict=True)
    }
    if st.session_state.get(PICK) not in labels:
        st.session_state[PICK] = NONE
    code = st.selectbox(
        "Détail d'un département",
        list(labels),
        format_func=lambda c: plain(labels[c]),
        key=PICK,
    )
    if code:
        _area_card(view, rows[rows["area_code"] == code], ranked, code)


def _area_card(view: ResultsView, area: pd.DataFrame, ranked: pd.DataFrame, code: str) -> None:
    """The picked area: who leads, by how much, how many voted; its vote split."""
    row = ranked[ranked["area_code"] == code].iloc[0]
    rnd = view.election.round(view.round)
    with st.container(border=True, key="map-area-card"):
        st.markdown(f"**{plain(row['area_name'])} ({plain(code)})** — {plain(rnd.label)}")
        cols = st.columns(3)
        cols[0].metric(
            "En tête",
            plain(row["leader_name"]),
            fr_pct(row["leader_share"]),
            delta_color="off",
            delta_arrow="off",
        )
        if row["second_name"] is not None:
            cols[1].metric(
                "Avance sur le 2e",
                f"{row['margin']:.2f}".replace(".", ",") + " pts",
                plain(row["second_name"]),
                delta_color="off",
                delta_arrow="off",
            )
        cols[2].metric("Exprimés", fr_int(row["exprimes"]))
        shares = area.assign(share=area["share_pct"], share_base="exprimes")
        fig = build_vote_split(
            shares,
            template=ui.template(),
            title=f"{row['area_name']} ({code})",
            subtitle=f"{rnd.label} · % des suffrages exprimés",
        )
        st.plotly_chart(
            fig,
            theme=None,
            key=f"map-area-split-{code}",
            config={"displaylogo": False, "displayModeBar": False},
        )
