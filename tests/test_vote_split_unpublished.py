"""Candidates whose share is not published yet: every surface keeps their row, reading
« n. c. » (the app's figure, its alt text and table, the exports, the public SVG), and a
run-off where only the leader's share is out is still drawn on 0–100 with the 50 % line.

Scenarios are built from the 2022 night's real snapshots (night.csv) with shares blanked, as
a newsroom sees them when the ministry publishes the leaders first."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import require_chromium

from dashboard import settings
from dashboard.charts.bundles import ResultsView, french_table, results_view, vote_split_bundle
from dashboard.charts.theme import house_template
from dashboard.election import load_election
from dashboard.public import svg
from dashboard.results import query
from dashboard.results.views import load_candidates, load_results
from dashboard.store import Store
from dashboard.testing import DATA_ROOT

NBSP = "\u00a0"
FOLDER = settings.election_dir(DATA_ROOT, "presidentielle-2022")


def _view_with_shares_of(snapshot_id: str, published: set[str]) -> ResultsView:
    """The view of one shipped snapshot where only the candidates `published` have a share
    (and votes): the others' share and votes blanked."""
    store = Store(FOLDER / "store")
    results = load_results(store)
    rows = query.snapshot_rows(results, snapshot_id).copy()
    hidden = ~rows["candidate_id"].isin(published)
    rows.loc[hidden, ["share_published", "votes"]] = None
    election = load_election(FOLDER / "election.toml")
    at = pd.Timestamp(rows["as_of"].iloc[0]).to_pydatetime()
    return results_view(rows, load_candidates(store), election, int(rows["round"].iloc[0]), at)


@pytest.fixture(scope="module")
def run_off_with_only_the_leaders_share() -> ResultsView:
    return _view_with_shares_of("t2-0015", {"macron"})


@pytest.fixture(scope="module")
def first_round_with_three_shares() -> ResultsView:
    return _view_with_shares_of("t1-0500", {"macron", "le-pen", "melenchon"})


def test_a_run_off_with_one_share_keeps_its_scale_and_majority_line(
    run_off_with_only_the_leaders_share: ResultsView,
) -> None:
    fig = vote_split_bundle(run_off_with_only_the_leaders_share, house_template()).fig
    bars = fig.data[0]
    # Plotly lists the bottom row first: the leader on top, Marine Le Pen under it.
    assert list(bars.y) == ["Marine Le Pen", "Emmanuel Macron"]
    assert list(bars.text) == ["n. c.", f"57,24{NBSP}%"]
    assert list(bars.x) == [0.0, 57.24]
    assert list(fig.layout.xaxis.range) == [0, 100]
    assert [(s.type, s.x0, s.x1) for s in fig.layout.shapes] == [("line", 50, 50)]
    assert "majorité 50 %" in [a.text for a in fig.layout.annotations]
    # The n. c. row's text stands beside its (empty) bar, the leader's inside its own.
    assert list(bars.textposition) == ["outside", "inside"]
    assert [list(c) for c in bars.customdata][0] == [
        "Marine Le Pen",
        "part non communiquée",
        "voix non publiées",
    ]


def test_a_first_round_lists_the_unpublished_under_the_others_in_display_order(
    first_round_with_three_shares: ResultsView,
) -> None:
    view = first_round_with_three_shares
    bundle = vote_split_bundle(view, house_template())
    bars = bundle.fig.data[0]
    top_down = list(zip(reversed(bars.y), reversed(bars.text), strict=True))
    assert top_down[:3] == [
        ("Emmanuel Macron", f"27,60{NBSP}%"),
        ("Marine Le Pen", f"23,41{NBSP}% · 8{NBSP}109{NBSP}857 voix"),
        ("Jean-Luc Mélenchon", f"21,95{NBSP}%"),
    ]
    order = view.candidates.set_index("candidate_id")["display_order"]
    rest = view.candidates[~view.candidates["candidate_id"].isin(["macron", "le-pen", "melenchon"])]
    expected = list(rest.sort_values("display_order")["name"])
    assert [name for name, _ in top_down[3:]] == expected
    assert all(text == "n. c." for _, text in top_down[3:])
    assert len(top_down) == len(order) == 12
    # Not a run-off: no majority line, the axis sized on the published shares.
    assert len(bundle.fig.layout.shapes) == 0
    assert bundle.fig.layout.xaxis.range[1] < 100
    # The alt text and the table name every candidate, in the chart's order.
    alt = bundle.alt_text
    assert "Emmanuel Macron 27,60" in alt.replace(NBSP, " ")
    assert f"Marine Le Pen 23,41{NBSP}% (8{NBSP}109{NBSP}857 voix)" in alt
    assert f"{expected[0]} n. c., " in alt and alt.endswith(
        f"{expected[-1]} n. c. Emmanuel Macron arrive en tête."
    )
    table = french_table(bundle.data)
    assert list(table["Candidat"]) == [name for name, _ in top_down]
    assert list(table["Part (%)"])[:3] == ["27,60", "23,41", "21,95"]
    assert set(list(table["Part (%)"])[3:]) == {"n. c."}
    assert set(list(table["Voix"])[3:]) == {"n. c."}


def test_the_public_svg_draws_n_c_rows(
    run_off_with_only_the_leaders_share: ResultsView, first_round_with_three_shares: ResultsView
) -> None:
    for view, n_c in ((run_off_with_only_the_leaders_share, 1), (first_round_with_three_shares, 9)):
        bundle = vote_split_bundle(view, house_template())
        ids = dict(zip(view.shares["name"], view.shares["candidate_id"], strict=True))
        bars = svg.vote_split_bars(bundle.fig, ids)
        assert [b.share is None for b in bars].count(True) == n_c
        drawn = svg.vote_split_svg(
            bundle.fig, bars, width=360, label=bundle.alt_text, winner_label="élu"
        )
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", drawn)
        assert texts.count("n. c.") == n_c
        assert not re.search(r"\bnan\b", drawn, re.IGNORECASE)
        widths = re.findall(r'<rect data-bar="([^"]+)"[^>]*width="([^"]+)"', drawn)
        unpublished = {b.candidate_id for b in bars if b.share is None}
        assert {cid for cid, w in widths if float(w) == 0} == unpublished
        # A run-off keeps its majority line whatever is published.
        assert ("majorité 50 %" in texts) is (len(bars) == 2)


def test_exports_draw_n_c_rows(first_round_with_three_shares: ResultsView) -> None:
    from dashboard.export.formats import export_chart

    require_chromium()

    bundle = vote_split_bundle(first_round_with_three_shares, house_template())
    drawn = export_chart(bundle.fig, fmt="svg", preset="article", frame=bundle).content.decode()
    assert drawn.count(">n. c.<") == 9
    assert "Jean-Luc Mélenchon" in drawn and "Nathalie Arthaud" in drawn
    csv = export_chart(bundle.fig, fmt="csv", frame=bundle, data=bundle.data).content
    lines = csv.decode("utf-8-sig").splitlines()
    assert len(lines) == 13  # header + every candidate
    assert lines[-1].startswith("Nathalie Arthaud;;;;")
