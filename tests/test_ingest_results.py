"""Feed payloads → rows: the JSON document (schema 1) and the ministry-style CSV adapter."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.errors import FeedError
from dashboard.results.documents import (
    detect_format,
    match_candidate,
    ministry_csv,
    parse_feed,
    parse_json_document,
)
from dashboard.results.sources import parse_candidates_csv
from dashboard.testing import DATA

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "feed"
CANDIDATES = parse_candidates_csv(DATA / "candidates.csv")
ELECTION = "primaire-2017"


def parse(payload: bytes, **kw):
    return parse_feed(payload, candidates=CANDIDATES, source="feed", election_id=ELECTION, **kw)


def test_ministry_csv_latin1_with_decimal_comma_reads_every_figure():
    payload = (FIXTURES / "ministry_latin1_decimal_comma.csv").read_bytes()
    assert b"Exprim\xe9s" in payload  # really Latin-1 on disk, not UTF-8
    parsed = parse(payload, content_type="text/csv")
    doc = parsed.document
    assert parsed.format == "csv"
    assert (doc["round"], doc["as_of"], doc["status"]) == (
        2,
        "2017-01-30T00:30:00+01:00",
        "partial",
    )
    assert (doc["bureaux_counted"], doc["bureaux_total"]) == (7100, 7208)
    assert (doc["votants"], doc["exprimes"], doc["blancs"], doc["nuls"]) == (
        2_010_000,
        1_980_000,
        14_000,
        16_000,
    )
    by_id = {c["id"]: c for c in doc["candidates"]}
    assert by_id["hamon"]["votes"] == 1_162_000 and by_id["hamon"]["share"] == 58.69
    assert by_id["valls"]["votes"] == 818_000 and by_id["valls"]["share"] == 41.31
    assert by_id["hamon"]["name"] == "Benoît HAMON"  # decoded as Latin-1, accents intact
    rows = parsed.rows
    assert list(rows["candidate_id"]) == ["hamon", "valls"]
    assert set(rows["share_base"]) == {"exprimes"}
    assert parsed.snapshot_id == "t2-20170130T003000"  # stable: same file → same snapshot


def test_ministry_csv_in_utf8_reads_the_same():
    latin1 = (FIXTURES / "ministry_latin1_decimal_comma.csv").read_bytes()
    utf8 = latin1.decode("latin-1").encode("utf-8")
    a, b = parse(latin1, name="a.csv").document, parse(utf8, name="b.csv").document
    assert a["candidates"] == b["candidates"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Benoît Hamon", "hamon"),
        ("BENOIT HAMON", "hamon"),
        ("HAMON Benoît", "hamon"),
        ("hamon", "hamon"),
        ("DE RUGY", "de-rugy"),
        ("François de Rugy", "de-rugy"),
        ("Jean-Luc BENNAHMIAS", "bennahmias"),
        ("Marine Inconnue", None),
    ],
)
def test_candidate_names_match_ids_ignoring_accents_and_case(name, expected):
    assert match_candidate(name, CANDIDATES) == expected


def test_an_unknown_name_is_kept_so_validation_can_flag_it():
    text = "Tour;Date;Heure;Nom;Voix\n2;29/01/2017;23:00;Jean Dupont;10\n"
    doc = parse(text.encode(), name="x.csv").document
    assert doc["candidates"][0]["id"] == "jean-dupont"


@pytest.mark.parametrize(
    "text, message",
    [
        ("Tour;Date;Nom;Voix\n2;29/01/2017;Hamon;1\n", "missing column(s): Heure"),
        ("Tour,Date,Heure,Nom,Voix\n", "expected ';'-separated columns"),
        ("Tour;Date;Heure;Nom;Voix\n", "no data rows"),
        ("Tour;Date;Heure;Nom;Voix\n2;29/01/2017;23:00;Hamon;1,5\n", "row 2: field 'Voix'"),
        ("Tour;Date;Heure;Nom;Voix\n2;31/02/2017;23:00;Hamon;1\n", "Date must be dd/mm/yyyy"),
        (
            "Tour;Date;Heure;Nom;Voix\n2;29/01/2017;23:00;Hamon;1\n2;29/01/2017;23:05;Valls;1\n",
            "row 3: 'Heure' is '23:05' here but '23:00' at row 2",
        ),
        (
            "Tour;Date;Heure;Nom;% Voix/Exp\n2;29/01/2017;23:00;Hamon;120\n",
            "n'est pas un pourcentage entre 0 et 100",
        ),
        ("Tour;Date;Heure;Statut;Nom;Voix\n2;29/01/2017;23:00;bof;Hamon;1\n", "'Statut'"),
        (
            "Tour;Date;Heure;Nom;Voix;Nom;Voix\n2;29/01/2017;23:00;Hamon;1;Valls;2\n",
            "one row per candidate",
        ),
    ],
)
def test_malformed_ministry_csv_is_one_clear_error(text, message):
    with pytest.raises(FeedError) as err:
        parse(text.encode("latin-1"), name="feed.csv")
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "payload, message",
    [
        ((FIXTURES / "malformed_truncated.json").read_bytes(), "malformed JSON at line"),
        ((FIXTURES / "wrong_schema.json").read_bytes(), "unsupported 'schema' 3"),
        (b"", "empty payload"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"schema": 1, "votants": NaN}', "malformed JSON"),
        ('{"schema": 1, "x": "é"}'.encode("latin-1"), "must be UTF-8"),
    ],
)
def test_malformed_json_is_one_clear_error(payload, message):
    with pytest.raises(FeedError) as err:
        parse_json_document(payload, source="http://127.0.0.1:1/results.json")
    assert message in str(err.value)
    assert str(err.value).startswith("http://127.0.0.1:1/results.json: ")


def test_schema_1_document_with_a_bad_field_names_it():
    doc = json.loads((FIXTURES / "counts_go_down.json").read_text(encoding="utf-8"))
    doc["candidates"][0]["votes"] = -3
    with pytest.raises(FeedError, match="'votes' must not be negative"):
        parse(json.dumps(doc).encode())
    del doc["as_of"]
    with pytest.raises(FeedError, match="missing 'as_of'"):
        parse(json.dumps(doc).encode())


def test_inconsistent_but_well_formed_documents_parse(tmp_path):
    # Judging consistency is validation's job: the parser must hand the figures over as sent.
    for name in ("shares_contradict_votes.json", "totals_contradict.json", "counts_go_down.json"):
        parsed = parse((FIXTURES / name).read_bytes())
        assert parsed.format == "json" and len(parsed.rows) == 2


@pytest.mark.parametrize(
    "payload, content_type, name, expected",
    [
        (b"{}", "", "", "json"),
        (b"\xef\xbb\xbf  {", "", "", "json"),
        (b"Tour;Date", "", "", "csv"),
        (b"Tour;Date", "application/json", "", "json"),  # the server's word wins
        (b"{", "text/csv; charset=windows-1252", "", "csv"),
        (b"x", "application/octet-stream", "feed.json", "json"),
    ],
)
def test_format_detection(payload, content_type, name, expected):
    assert detect_format(payload, content_type, name) == expected


def _round_2_doc(hamon: int, valls: int, blancs: int, nuls: int) -> dict:
    exprimes = hamon + valls
    return {
        "schema": 1,
        "election": ELECTION,
        "round": 2,
        "snapshot_id": None,
        "as_of": "2017-01-29T23:50:00+01:00",
        "status": "partial",
        "kind": "count",
        "bureaux_counted": 7023,
        "bureaux_total": 7208,
        "votants": exprimes + blancs + nuls,
        "exprimes": exprimes,
        "blancs": blancs,
        "nuls": nuls,
        "share_base": "exprimes",
        "candidates": [
            {
                "id": "hamon",
                "name": "Benoît Hamon",
                "votes": hamon,
                "share": round(100 * hamon / exprimes, 2) if exprimes else None,
            },
            {
                "id": "valls",
                "name": "Manuel Valls",
                "votes": valls,
                "share": round(100 * valls / exprimes, 2) if exprimes else None,
            },
        ],
        "source_url": "feed.csv",
        "note": None,
        "flags": [],
    }


@settings(max_examples=60, deadline=None)
@given(
    hamon=st.integers(0, 3_000_000),
    valls=st.integers(0, 3_000_000),
    blancs=st.integers(0, 50_000),
    nuls=st.integers(0, 50_000),
)
def test_ministry_csv_round_trips_any_count(hamon, valls, blancs, nuls):
    doc = _round_2_doc(hamon, valls, blancs, nuls)
    back = parse(ministry_csv(doc), name="feed.csv").document
    for key in ("round", "as_of", "status", "votants", "exprimes", "blancs", "nuls"):
        assert back[key] == doc[key]
    assert [(c["id"], c["votes"], c["share"]) for c in back["candidates"]] == [
        (c["id"], c["votes"], c["share"]) for c in doc["candidates"]
    ]


def test_replayed_night_documents_all_parse_back_to_their_rows():
    from dashboard.feed.replay import night_documents
    from dashboard.store import Store

    for round_ in (1, 2):
        for doc in night_documents(Store(DATA / "store"), DATA, round_):
            rows = parse(json.dumps(doc).encode()).rows
            assert set(rows["snapshot_id"]) == {doc["snapshot_id"]}
            assert isinstance(rows, pd.DataFrame) and len(rows) == len(doc["candidates"])
