"""Views of the store and the figures built from them (asserted on fig.data / fig.layout)."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from dashboard.charts.bundles import build_chart, progress_bundle, results_view, vote_split_bundle
from dashboard.charts.theme import house_template
from dashboard.election import load_election
from dashboard.errors import DashboardError
from dashboard.fr import fr_int, fr_pct
from dashboard.results import query
from dashboard.results.views import load_candidates, load_results
from dashboard.store import Store
from dashboard.testing import DATA


@pytest.fixture(scope="module")
def shipped():
    store = Store(DATA / "store")
    return load_results(store), load_candidates(store), load_election(DATA / "election.toml")


def test_french_number_format():
    assert fr_int(2000255) == "2\u00a0000\u00a0255"
    assert fr_pct(58.87) == "58,87\u00a0%"
    assert fr_int(None) == "n. c."


def test_current_snapshot_and_as_of_lookup(shipped):
    results, _, election = shipped
    assert query.current_snapshot_id(results, 2) == "t2-definitif"
    at = election.resolve_at(2, "23:50")
    assert query.current_snapshot_id(results, 2, at) == "t2-2350"
    assert query.current_snapshot_id(results, 2, election.resolve_at(2, "11:00")) is None
    # After midnight the time belongs to the same election night.
    assert election.resolve_at(2, "01:30").day == 30


def test_shares_are_computed_from_votes_on_the_stated_base(shipped):
    results, cands, _ = shipped
    s = query.shares(query.snapshot_rows(results, "t1-definitif"), cands)
    hamon = s.set_index("candidate_id").loc["hamon"]
    assert hamon["share_base"] == "votants"
    assert float(hamon["share_computed"]) == pytest.approx(36.03, abs=0.005)
    assert list(s["candidate_id"][:2]) == ["hamon", "valls"]


def test_diff_describes_what_changed(shipped):
    results, cands, _ = shipped
    change = query.diff(
        query.snapshot_rows(results, "t2-2040"),
        query.snapshot_rows(results, "t2-2350"),
        cands,
    )
    names = dict(zip(cands["candidate_id"], cands["name"], strict=True))
    text = change.describe(names)
    assert text.startswith("depuis 20:40 : +2\u00a0701 bureaux")
    assert "Hamon +0,22\u00a0pt" in text and "Valls −0,22\u00a0pt" in text


def test_vote_split_round_2(shipped):
    results, cands, election = shipped
    view = results_view(results, cands, election, 2)
    b = vote_split_bundle(view, house_template())
    bar = b.fig.data[0]
    assert bar.orientation == "h"
    assert [round(x, 2) for x in bar.x] == [41.31, 58.69]  # highest drawn on top
    assert list(bar.marker.color) == ["#1F5FA8", "#C2185B"]  # colours from candidates.csv
    assert "58,69\u00a0%<br>1\u00a0181\u00a0872 voix" in bar.text  # share and votes
    # The hover: name, share, votes.
    assert list(bar.customdata[1]) == ["Benoît Hamon", "58,69\u00a0%", "1\u00a0181\u00a0872 voix"]
    assert "suffrages exprimés" in (
        b.fig.layout.title.subtitle.text or ""
    )  # the base is in the subtitle
    assert any(s.x0 == 50 for s in b.fig.layout.shapes)  # the majority line
    assert "✓" in bar.y[1] and "Hamon" in bar.y[1]  # the winner is marked
    assert "vainqueur" in [a.text for a in b.fig.layout.annotations]
    assert b.source_line.startswith("Source : Haute Autorité des primaires citoyennes")


def test_vote_split_at_2350_marks_no_winner_yet(shipped):
    results, cands, election = shipped
    view = results_view(results, cands, election, 2, election.resolve_at(2, "23:50"))
    b = vote_split_bundle(view, house_template())
    assert [round(x, 2) for x in b.fig.data[0].x] == [41.13, 58.87]
    assert not any("✓" in y for y in b.fig.data[0].y)
    assert "7\u00a0023\u00a0/\u00a07\u00a0208\u00a0bureaux" in b.source_line  # never wrapped inside
    assert "partiel" in (b.fig.layout.title.subtitle.text or "")


def test_vote_split_round_1_has_seven_bars_on_votants_and_no_majority_line(shipped):
    results, cands, election = shipped
    b = vote_split_bundle(results_view(results, cands, election, 1), house_template())
    assert len(b.fig.data[0].x) == 7
    assert "% des votants" in (b.fig.layout.title.subtitle.text or "")
    assert not b.fig.layout.shapes
    assert sum("✓" in y for y in b.fig.data[0].y) == 2  # two qualified for round 2


def test_count_progress_has_one_line_per_candidate_and_the_bureaux(shipped):
    results, cands, election = shipped
    b = progress_bundle(results_view(results, cands, election, 2), house_template())
    lines = [t for t in b.fig.data if t.type == "scatter"]
    assert sorted(t.name for t in lines) == ["Benoît Hamon", "Manuel Valls"]
    hamon = next(t for t in lines if t.name == "Benoît Hamon")
    assert [round(y, 2) for y in hamon.y] == [58.65, 58.88, 58.87, 58.69]
    bars = next(t for t in b.fig.data if t.type == "bar")
    assert list(bars.y) == [4322, 7023, 7208]
    # The data table holds exactly what the chart shows.
    assert len(b.data) == 2 * 5 and set(b.data["candidat"]) == {"Benoît Hamon", "Manuel Valls"}


def test_build_chart_by_name(shipped):
    b = build_chart("vote-split", store=Store(DATA / "store"), data_dir=DATA, round=2, at="23:50")
    assert b.slug == "repartition" and b.as_of.strftime("%H:%M") == "23:50"
    assert "58,87" in b.alt_text and "Benoît Hamon" in b.alt_text
    with pytest.raises(DashboardError, match="unknown chart 'nope'; charts: vote-split"):
        build_chart("nope", store=Store(DATA / "store"), data_dir=DATA)


def _code_strings(path: Path) -> list[str]:
    """String constants of a module, docstrings excepted (examples in prose are fine)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            if node.body and isinstance(node.body[0], ast.Expr):
                docs.add(id(node.body[0].value))
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


def test_no_candidate_or_colour_is_hard_coded():
    """The next election is new data, not new code."""
    names = pd.read_csv(DATA / "candidates.csv")
    values = [v.lower() for v in list(names["name"]) + list(names["colour"])]
    values += [n.split()[-1].lower() for n in names["name"]]
    for path in (Path(__file__).parent.parent / "dashboard").rglob("*.py"):
        for text in _code_strings(path):
            for value in values:
                assert value not in text.lower(), f"{value!r} hard-coded in {path}"
