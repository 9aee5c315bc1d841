"""`results show` prints the feed document of the current (or then-current) snapshot (the
command run in-process: `cli` in conftest)."""

from __future__ import annotations

import json


def show(cli, *args: str) -> dict:
    proc = cli("results", "show", *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_round_2_definitive_result(cli):
    doc = show(cli, "--round", "2")
    assert doc["schema"] == 2 and doc["status"] == "definitive"
    cands = {c["id"]: c for c in doc["candidates"]}
    assert cands["hamon"]["votes"] == 1_181_872 and cands["hamon"]["share"] == 58.69
    assert cands["valls"]["votes"] == 831_871 and cands["valls"]["share"] == 41.31
    assert doc["votants"] == 2_045_343 and doc["share_base"] == "exprimes"
    assert set(doc) >= {
        "election",
        "round",
        "as_of",
        "bureaux_counted",
        "bureaux_total",
        "exprimes",
        "blancs",
        "nuls",
        "source_url",
        "flags",
    }


def test_round_2_at_2350_is_the_count_of_that_minute(cli):
    doc = show(cli, "--round", "2", "--at", "23:50")
    assert doc["as_of"] == "2017-01-29T23:50:00+01:00"
    assert doc["bureaux_counted"] == 7023 and doc["votants"] == 2_000_255
    shares = {c["id"]: c["share"] for c in doc["candidates"]}
    assert shares == {"hamon": 58.87, "valls": 41.13}


def test_at_a_minute_between_snapshots_gives_the_one_then_current(cli):
    doc = show(cli, "--round", "2", "--at", "22:30")
    assert doc["as_of"] == "2017-01-29T21:45:00+01:00"


def test_round_1_has_seven_candidates_on_votants(cli):
    doc = show(cli, "--round", "1")
    assert len(doc["candidates"]) == 7 and doc["votants"] == 1_655_919
    assert doc["share_base"] == "votants"
    assert abs(sum(c["share"] for c in doc["candidates"]) - 98.69) < 0.05


def test_table_format_is_french(cli):
    proc = cli("results", "show", "--round", "2", "--at", "23:50")
    out = proc.stdout.decode()
    assert "58,87\u00a0%" in out and "2\u00a0000\u00a0255" in out and "partiel" in out


def test_bad_arguments_give_one_line(cli):
    for args in (["--round", "7"], ["--at", "25h99"], ["--round", "2", "--at", "08:00"]):
        proc = cli("results", "show", *args)
        err = proc.stderr.decode()
        assert proc.returncode == 2 and err.startswith("error: ") and err.count("\n") == 1, err
