"""Each validation rule, with a case that passes and one that fails."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.results.validate import validate_snapshot

KNOWN = {"a", "b"}


def snap(**over) -> pd.DataFrame:
    base = dict(
        election_id="e",
        round=2,
        snapshot_id="s",
        as_of=pd.Timestamp("2017-01-29 23:50+01:00"),
        status="partial",
        kind="count",
        bureaux_counted=10,
        bureaux_total=20,
        votants=1000,
        exprimes=960,
        blancs=30,
        nuls=10,
        share_base="exprimes",
        source_url="u",
        note=None,
    )
    votes = over.pop("votes", {"a": 600, "b": 360})
    shares = over.pop("shares", {"a": 62.5, "b": 37.5})
    base.update(over)
    rows = [
        {**base, "candidate_id": c, "votes": votes.get(c), "share_published": shares.get(c)}
        for c in (votes or shares)
    ]
    return pd.DataFrame(rows)


def flags(rows, previous=None) -> list[str]:
    return validate_snapshot(rows, known=KNOWN, expected=KNOWN, previous=previous)


def test_a_consistent_snapshot_has_no_flags():
    assert flags(snap()) == []


@pytest.mark.parametrize(
    "over, expected",
    [
        (dict(votants=1001), "exprimés + blancs + nuls"),
        (dict(votes={"a": 600, "b": 300}, shares={}), "somme des voix"),
        (dict(shares={"a": 63.0, "b": 37.5}), "part publiée"),
        (dict(votes={"a": None, "b": None}, shares={"a": 60.0, "b": 30.0}), "somme des parts"),
        (dict(bureaux_counted=21), "bureaux dépouillés"),
        (dict(votes={"a": 600, "b": 360, "z": 0}, shares={}), "candidat inconnu : z"),
        (dict(votes={"a": 960}, shares={}), "candidat manquant : b"),
        (dict(votes={"a": -5, "b": 965}, shares={}), "entier positif"),
        (dict(exprimes=1200, blancs=None), "exprimés (1\u00a0200) > votants"),
    ],
)
def test_each_rule_flags_its_failure(over, expected):
    found = flags(snap(**over))
    assert any(expected in f for f in found), found


def test_counts_going_down_are_flagged_against_the_previous_snapshot():
    before = snap(
        bureaux_counted=15,
        votants=1100,
        exprimes=None,
        blancs=None,
        nuls=None,
        votes={"a": None, "b": None},
    )
    now = snap(bureaux_counted=12)
    found = flags(now, previous=before)
    assert any("bureaux dépouillés en baisse" in f for f in found)
    assert any("votants en baisse" in f for f in found)
    assert flags(snap(), previous=snap(bureaux_counted=5, votants=900)) == []


def test_votants_base_counts_blancs_and_nuls_in_the_hundred_percent():
    rows = snap(share_base="votants", votes={"a": 600, "b": 360}, shares={"a": 60.0, "b": 36.0})
    assert flags(rows) == []  # 60 + 36 + 3 (blancs) + 1 (nuls) = 100
    rows = snap(
        share_base="votants",
        votes={"a": None, "b": None},
        blancs=None,
        nuls=None,
        exprimes=None,
        shares={"a": 62.0, "b": 40.0},
    )
    assert any("dépasse 100" in f for f in flags(rows))
