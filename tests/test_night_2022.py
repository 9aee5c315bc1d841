"""The 2022 election-night figures (data/elections/presidentielle-2022/night.csv) hold what
night-SOURCES.md says: the ministry's turnout rates and partial counts, each row sourced, one
row per candidate of the round, no pollster's estimate stored as a count."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

NIGHT = Path(__file__).resolve().parent.parent / "data/elections/presidentielle-2022/night.csv"
SOURCES = NIGHT.with_name("night-SOURCES.md")


@pytest.fixture(scope="module")
def night_rows() -> list[dict[str, str]]:
    with open(NIGHT, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _snapshots(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    by: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by[row["snapshot_id"]].append(row)
    return dict(by)


def test_the_night_has_turnout_at_noon_and_17h_and_counts_for_each_round(night_rows):
    kinds = {(s[0]["round"], s[0]["kind"], sid) for sid, s in _snapshots(night_rows).items()}
    assert sorted(kinds) == [
        ("1", "count", "t1-0044"),
        ("1", "count", "t1-0500"),
        ("1", "turnout", "t1-1200"),
        ("1", "turnout", "t1-1700"),
        ("2", "count", "t2-0015"),
        ("2", "count", "t2-0430"),
        ("2", "turnout", "t2-1200"),
        ("2", "turnout", "t2-1700"),
    ]


def test_turnout_rates_are_the_ministrys_with_their_scope(night_rows):
    rates = {
        sid: (s[0]["as_of"], s[0]["participation_pct"], s[0]["scope"], s[0]["votants"])
        for sid, s in _snapshots(night_rows).items()
        if s[0]["kind"] == "turnout"
    }
    assert rates == {
        "t1-1200": ("2022-04-10T12:00:00+02:00", "25.48", "métropole", ""),
        "t1-1700": ("2022-04-10T17:00:00+02:00", "65.00", "métropole", ""),
        "t2-1200": ("2022-04-24T12:00:00+02:00", "26.41", "métropole", ""),
        "t2-1700": ("2022-04-24T17:00:00+02:00", "63.23", "métropole", ""),
    }


def test_every_snapshot_lists_every_candidate_of_its_round_once(night_rows):
    snaps = _snapshots(night_rows)
    per_round: dict[str, set[str]] = {}
    for rows in snaps.values():
        ids = [r["candidate_id"] for r in rows]
        assert len(ids) == len(set(ids))
        per_round.setdefault(rows[0]["round"], set(ids))
        assert set(ids) == per_round[rows[0]["round"]]
    assert (len(per_round["1"]), len(per_round["2"])) == (12, 2)
    assert per_round["2"] < per_round["1"]


def test_shares_of_a_complete_count_add_up_to_100(night_rows):
    for sid, rows in _snapshots(night_rows).items():
        shares = [float(r["share_published"]) for r in rows if r["share_published"]]
        if rows[0]["kind"] == "count" and len(shares) == len(rows):
            assert round(sum(shares), 2) == 100.00, sid


def test_a_count_published_for_its_leaders_only_keeps_the_others_empty(night_rows):
    # SRF gave the ministry's 00:44 figures for the three leaders only: the nine others stay
    # empty (shown « n. c. »), never filled in from another state of the count.
    partial = {
        sid: {r["candidate_id"]: float(r["share_published"]) for r in rows if r["share_published"]}
        for sid, rows in _snapshots(night_rows).items()
        if rows[0]["kind"] == "count" and not all(r["share_published"] for r in rows)
    }
    assert partial == {"t1-0044": {"macron": 27.4, "le-pen": 24.6, "melenchon": 20.9}}


def test_each_round_has_two_timed_partial_counts_with_their_sources(night_rows):
    counts = sorted(
        (s[0]["round"], s[0]["as_of"], {r["source_url"] for r in s})
        for s in _snapshots(night_rows).values()
        if s[0]["kind"] == "count" and s[0]["status"] == "partial"
    )
    assert [(number, as_of) for number, as_of, _ in counts] == [
        ("1", "2022-04-11T00:44:00+02:00"),
        ("1", "2022-04-11T05:00:00+02:00"),
        ("2", "2022-04-25T00:15:00+02:00"),
        ("2", "2022-04-25T04:30:00+02:00"),
    ]
    assert all(len(urls) == 1 and "" not in urls for _, _, urls in counts)


def test_rows_are_partial_sourced_dated_on_their_night_and_never_estimates(night_rows):
    for row in night_rows:
        assert row["status"] == "partial"
        assert row["kind"] in ("count", "turnout")
        assert row["authority"] == "Ministère de l'Intérieur"
        assert re.fullmatch(r"https://[^\s]+", row["source_url"]), row["source_url"]
        when = datetime.fromisoformat(row["as_of"])
        assert when.utcoffset().total_seconds() == 7200  # Paris summer time
        assert "estimation" not in row["note"].lower()
        if row["kind"] == "count":
            assert (row["counted_unit"], 90 <= float(row["counted_pct"]) <= 100) == (
                "inscrits",
                True,
            )


def test_every_source_url_is_quoted_in_night_sources(night_rows):
    text = SOURCES.read_text(encoding="utf-8")
    missing = sorted({r["source_url"] for r in night_rows if r["source_url"] not in text})
    assert missing == []
