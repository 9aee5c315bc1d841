"""The ministry's own layouts on real files: wide CSV (national and per département), the media
feed's XML and its index, and `results validate` saying what `results fetch` would do."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.fr import PARIS
from dashboard.model import CANDIDATES, RESULTS
from dashboard.results.ministry import parse_index, parse_wide, parse_xml
from dashboard.results.sources import parse_candidates_csv
from dashboard.store import Store
from dashboard.testing import DATA, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "ministry"
NATIONAL_T2 = FIXTURES / "fe-2022-t2-definitif.txt"
AS_OF_T2 = "2022-04-28T14:19"  # the data set's publication (its URL: …/20220428-141900/…)


def _data(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


@pytest.fixture
def cli(monkeypatch, capsys, tmp_path):
    """`python -m dashboard …` in this process, on a data dir and an empty store of tmp."""
    from dashboard.cli.main import main

    def run(*args: str, data: Path = DATA, store: Path | None = None):
        monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data))
        monkeypatch.setenv("DASHBOARD_STORE_DIR", str(store or tmp_path / "store"))
        monkeypatch.setenv("DASHBOARD_RAW_DIR", str(tmp_path / "raw"))
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def _error_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), proc
    assert "Traceback" not in proc.stderr
    return lines[0]


# --- the wide CSV ---------------------------------------------------------------------------


def test_real_national_file_validates_ok(cli, tmp_path):
    data = _data(tmp_path, "presidentielle-2022")
    proc = cli("results", "validate", str(NATIONAL_T2), "--as-of", AS_OF_T2, data=data)
    assert proc.returncode == 0, proc
    (line,) = proc.stdout.strip().splitlines()
    assert "France entière, tour 2" in line and "serait enregistré (relevé t2-" in line


def test_real_national_file_reads_every_column(tmp_path):
    data = _data(tmp_path, "presidentielle-2022")
    (doc,) = parse_wide(
        NATIONAL_T2.read_bytes(),
        candidates=parse_candidates_csv(data / "candidates.csv"),
        source=str(NATIONAL_T2),
        election_id="presidentielle-2022",
        name=NATIONAL_T2.name,
        as_of=datetime(2022, 4, 28, 14, 19, tzinfo=PARIS),
    )
    body = doc.document
    assert (body["round"], body["status"], body["share_base"]) == (2, "definitive", "exprimes")
    assert (body["inscrits"], body["abstentions"], body["votants"]) == (
        48752339,
        13655861,
        35096478,
    )
    assert (body["blancs"], body["nuls"], body["exprimes"]) == (2233904, 805249, 32057325)
    assert [(c["id"], c["votes"], c["share"]) for c in body["candidates"]] == [
        ("macron", 18768639, 58.55),
        ("le-pen", 13288686, 41.45),
    ]
    assert doc.turnout["abstentions_ins"] == 28.01 and doc.turnout["exprimes_vot"] == 91.34
    assert doc.flags == []


def test_five_thousand_votes_more_are_caught_for_sum_of_votes(cli, tmp_path):
    text = NATIONAL_T2.read_bytes().replace(b";18768639;", b";18773639;")
    bad = tmp_path / "resultats-par-niveau-fe-t2-france-entiere.txt"
    bad.write_bytes(text)
    data = _data(tmp_path, "presidentielle-2022")
    proc = cli("results", "validate", str(bad), "--as-of", AS_OF_T2, data=data)
    assert proc.returncode == 1
    assert "serait enregistré signalé" in proc.stdout
    assert (
        "somme des voix des candidats (32\u00a0062\u00a0325) ≠ exprimés (32\u00a0057\u00a0325)"
        in (proc.stdout)
    )
    # data build of the same file refuses it (it never stores a failing snapshot unasked)


def test_primary_definitive_round_1_in_the_wide_layout_validates_ok(cli):
    path = FIXTURES / "primaire-2017-t1-definitif-format-large.txt"
    proc = cli("results", "validate", str(path))
    assert proc.returncode == 0, proc
    assert "serait enregistré (relevé t1-20170125T120000)" in proc.stdout


def test_per_departement_file_gives_one_row_set_per_departement(cli, tmp_path):
    path = FIXTURES / "dpt-2022-t1-definitif-extrait.txt"
    data = _data(tmp_path, "presidentielle-2022")
    docs = parse_wide(
        path.read_bytes(),
        candidates=parse_candidates_csv(data / "candidates.csv"),
        source=str(path),
        election_id="presidentielle-2022",
        name=path.name,
        as_of=datetime(2022, 4, 14, 15, 23, tzinfo=PARIS),
    )
    assert [(d.area.level, d.area.code) for d in docs] == [
        ("département", c) for c in ("01", "2A", "75", "ZA", "ZZ")
    ]
    assert docs[4].area.name == "Français établis hors de France"
    assert [len(d.document["candidates"]) for d in docs] == [12] * 5
    assert docs[3].document["exprimes"] == 135085 and docs[3].document["inscrits"] == 316023
    assert all(d.flags == [] for d in docs)
    proc = cli("results", "validate", str(path), "--as-of", "2022-04-14T15:23", data=data)
    assert proc.returncode == 0, proc
    # The file's areas are one snapshot of area rows, as fetch would store it.
    assert proc.stdout.splitlines() == [
        f"{path}: 5 zones, tour 1 — serait enregistré (relevé t1-20220414T152300-zones)"
    ]


def test_wide_file_without_export_time_needs_as_of(cli, tmp_path):
    path = FIXTURES / "dpt-2022-t2-definitif-extrait.txt"
    line = _error_line(cli("results", "validate", str(path)))
    assert "no time in the file" in line and "--as-of" in line and str(path) in line


# --- the XML media feed -----------------------------------------------------------------------


def test_xml_document_gives_the_same_figures_as_its_csv_twin(tmp_path):
    data = _data(tmp_path, "presidentielle-2017-essai")
    candidates = parse_candidates_csv(data / "candidates.csv")
    moment = datetime(2017, 3, 17, 15, 40, tzinfo=PARIS)
    twin = FIXTURES / "dpt-essai-2017-t2-jumeau-des-xml.txt"
    csv_docs = parse_wide(
        twin.read_bytes(),
        candidates=candidates,
        source="twin",
        election_id="presidentielle-2017",
        name=twin.name,
        as_of=moment,
    )
    for name, csv_doc in zip(
        ("xml-essai-2017-dpt-075-paris.xml", "xml-essai-2017-dpt-971-guadeloupe.xml"),
        csv_docs,
        strict=True,
    ):
        xml_doc = parse_xml(
            (FIXTURES / name).read_bytes(), candidates=candidates, source=name, as_of=moment
        )[-1]
        a, b = xml_doc.document, csv_doc.document
        keys = ("election", "round", "votants", "exprimes", "blancs", "nuls", "inscrits")
        assert [a[k] for k in keys] == [b[k] for k in keys]
        assert a["candidates"] == b["candidates"] and a["area"] == b["area"]
        assert xml_doc.turnout == csv_doc.turnout


def test_xml_document_validates(cli, tmp_path):
    data = _data(tmp_path, "presidentielle-2017-essai")
    path = FIXTURES / "xml-essai-2017-dpt-075-paris.xml"
    proc = cli("results", "validate", str(path), "--as-of", "2017-03-17T15:25", data=data)
    assert proc.returncode == 0, proc
    assert proc.stdout.splitlines() == [
        f"{path}: département 75 Paris, tour 2 — serait enregistré "
        "(relevé t2-20170317T152500-departement-75)"
    ]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<Election>&b;</Election>",
            "a DTD or entities is refused",
        ),
        (b"<Election><Scrutin><Type>Pr", "malformed XML at line 1"),
        (
            b"<Election><Scrutin><Type>X</Type><Annee>2017</Annee></Scrutin></Election>",
            "no <Tours>",
        ),
    ],
)
def test_bad_xml_is_one_line(cli, tmp_path, payload, message):
    path = tmp_path / "feed.xml"
    path.write_bytes(payload)
    line = _error_line(cli("results", "validate", str(path), "--as-of", "2017-03-17T15:25"))
    assert message in line and str(path) in line


def test_index_is_read():
    index = parse_index((FIXTURES / "xml-essai-2017-index.xml").read_bytes(), source="index")
    assert [e.code for e in index.entries if e.level == "département"] == ["ZA", "75", "69", "13"]
    assert index.entries[1].folder == "011/075/075.xml"
    assert index.latest() == datetime(2017, 3, 17, 15, 37, 49, tzinfo=PARIS)
    assert index.status() == "definitive" and "4/4 départements complets" in index.summary()


# --- validate = fetch ------------------------------------------------------------------------


class _Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def served(tmp_path):
    """Files of tmp_path/www served on 127.0.0.1 (a stand-in for the ministry's feed)."""
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _Files(*a, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_another_election_gets_the_same_verdict_from_validate_and_fetch(cli, served, tmp_path):
    root, base = served
    shutil.copy(FIXTURES / "xml-essai-2017-fe-construit.xml", root / "FE.xml")
    validate = cli("results", "validate", str(root / "FE.xml"), "--as-of", "2017-03-17T15:25")
    assert validate.returncode == 1
    reason = (
        "document de l'élection 'presidentielle-2017' ; ce tableau de bord montre 'primaire-2017'"
    )
    assert f"serait refusé : {reason}" in validate.stdout
    fetch = cli("results", "fetch", f"{base}/FE.xml", "--as-of", "2017-03-17T15:25")
    assert fetch.returncode == 2 and reason in fetch.stderr
    assert not Store(tmp_path / "store").exists("results")


def test_watch_follows_the_index_to_the_national_document(cli, served, tmp_path):
    root, base = served
    shutil.copy(FIXTURES / "xml-essai-2017-index.xml", root / "index.xml")
    shutil.copy(FIXTURES / "xml-essai-2017-fe-construit.xml", root / "FE.xml")
    data = _data(tmp_path, "presidentielle-2017-essai")
    proc = cli(
        "results", "watch", f"{base}/index.xml", "--every", "0.01", "--max-polls", "2", data=data
    )
    assert proc.returncode == 0, proc
    polls = [line for line in proc.stdout.splitlines() if line[:2].isdigit()]
    assert "nouveau relevé t2-20170317T153749" in polls[0]
    assert "4/4 départements complets" in polls[0]
    assert "inchangé" in polls[1]
    rows = Store(tmp_path / "store").read_df("results", RESULTS)
    assert (
        set(rows["candidate_id"]) == {"mirepoix", "pompanon"} and rows["votants"].iloc[0] == 808798
    )


# --- one-line errors, unknown names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            (b";48752339;", b";48752339x;"),
            "row 2: field 'Inscrits': « 48752339x » n'est pas un nombre",
        ),
        (
            (b";58,55;", b";158,55;"),
            "field '% Voix/Exp' of Emmanuel MACRON: « 158,55 » n'est pas un",
        ),
        ((b"N\xb0Panneau;Sexe;Nom;", b"N\xb0Panneau;Sexe;Nam;"), "row 1: missing column(s): Nom"),
    ],
)
def test_bad_wide_file_is_one_line_naming_row_and_field(cli, tmp_path, edit, message):
    path = tmp_path / "resultats-par-niveau-fe-t2-france-entiere.txt"
    path.write_bytes(NATIONAL_T2.read_bytes().replace(*edit))
    line = _error_line(cli("results", "validate", str(path), "--as-of", AS_OF_T2))
    assert message in line and str(path) in line


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        # an unknown name is kept (a slug of itself) and flagged
        ((b";MACRON;Emmanuel;", b";MACRONN;Emmanuel;"), "candidat inconnu : emmanuel-macronn"),
        # the turnout block is checked: abstentions = inscrits − votants
        (
            (b";13655861;28,01;", b";13655961;28,01;"),
            "abstentions (13\u00a0655\u00a0961) ≠ inscrits − votants (13\u00a0655\u00a0861)",
        ),
        # and every rate against its counts
        ((b";65,76;91,34;", b";65,76;91,84;"), "% Exp/Vot publié 91,84"),
    ],
)
def test_names_and_turnout_are_checked(cli, tmp_path, edit, reason):
    path = tmp_path / "resultats-par-niveau-fe-t2-france-entiere.txt"
    path.write_bytes(NATIONAL_T2.read_bytes().replace(*edit))
    proc = cli(
        "results",
        "validate",
        str(path),
        "--as-of",
        AS_OF_T2,
        data=_data(tmp_path, "presidentielle-2022"),
    )
    assert proc.returncode == 1 and "serait enregistré signalé" in proc.stdout
    assert reason in proc.stdout


# --- data build -------------------------------------------------------------------------------


def _ministry_data(tmp_path: Path, files: dict[str, bytes], listing: str) -> Path:
    data = _data(tmp_path, "presidentielle-2022")
    # An election shipped from the ministry's files alone: no results.csv.
    (data / "ministry").mkdir()
    for name, payload in files.items():
        (data / "ministry" / name).write_bytes(payload)
    (data / "ministry.toml").write_text(listing, encoding="utf-8")
    return data


LISTING = """
[[files]]
file = "resultats-par-niveau-fe-t2-france-entiere.txt"
as_of = "2022-04-28T14:19:00+02:00"
source_url = "https://static.data.gouv.fr/resources/x/resultats-par-niveau-fe-t2-france-entiere.txt"

[[files]]
file = "resultats-par-niveau-dpt-t2-france-entiere.txt"
as_of = "2022-04-28T14:21:27+02:00"
"""


def test_data_build_reads_the_ministry_files(cli, tmp_path):
    files = {
        "resultats-par-niveau-fe-t2-france-entiere.txt": NATIONAL_T2.read_bytes(),
        "resultats-par-niveau-dpt-t2-france-entiere.txt": (
            FIXTURES / "dpt-2022-t2-definitif-extrait.txt"
        ).read_bytes(),
    }
    data = _ministry_data(tmp_path, files, LISTING)
    store = tmp_path / "built"
    proc = cli("data", "build", "--data-dir", str(data), data=data, store=store)
    assert proc.returncode == 0, proc
    # The nation, then the file of départements as one snapshot of area rows (schema 2).
    assert proc.stdout.endswith(": 2 snapshot(s) added, 0 unchanged\n")
    rows = Store(store).read_df("results", RESULTS)
    assert set(rows["snapshot_id"]) == {"t2-20220428T141900", "t2-20220428T142127-zones"}
    areas = rows[rows["snapshot_id"] == "t2-20220428T142127-zones"]
    assert sorted(set(areas["area_level"])) == ["departement"] and len(set(areas["area_code"])) == 5
    assert rows["source_url"].iloc[0].startswith("https://static.data.gouv.fr/")
    again = cli("data", "build", "--data-dir", str(data), data=data, store=store)
    assert (
        "0 snapshot(s) added, 1 unchanged" in again.stdout or "0 snapshot(s) added" in again.stdout
    )


def test_data_build_refuses_a_ministry_file_that_fails(cli, tmp_path):
    bad = NATIONAL_T2.read_bytes().replace(b";18768639;", b";18773639;")
    data = _ministry_data(
        tmp_path, {"resultats-par-niveau-fe-t2-france-entiere.txt": bad}, LISTING.split("\n\n[[")[0]
    )
    store = tmp_path / "built"
    line = _error_line(cli("data", "build", "--data-dir", str(data), data=data, store=store))
    assert "somme des voix des candidats" in line and "rien n'a été enregistré" in line
    assert Store(store).read_df("results", RESULTS).empty


def test_fetch_stores_a_file_of_departements_that_the_map_then_shows(cli, served, tmp_path):
    from dashboard.charts.map import area_rows
    from dashboard.results.views import load_area_results

    root, base = served
    shutil.copy(NATIONAL_T2, root / "resultats-par-niveau-fe-t2-france-entiere.txt")
    shutil.copy(
        FIXTURES / "dpt-2022-t2-definitif-extrait.txt",
        root / "resultats-par-niveau-dpt-t2-france-entiere.txt",
    )
    data = _data(tmp_path, "presidentielle-2022")
    dpt = f"{base}/resultats-par-niveau-dpt-t2-france-entiere.txt"
    areas = cli("results", "fetch", dpt, "--as-of", AS_OF_T2, data=data)
    assert areas.returncode == 0, areas
    assert areas.stdout.endswith(" 200 nouveau relevé t2-20220428T141900-zones (5 zones, tour 2)\n")
    store = Store(tmp_path / "store")
    # The map's frame: Paris in the run-off, as the ministry's file has it.
    rows = area_rows(load_area_results(store), store.read_df("candidates", CANDIDATES), 2)
    assert sorted(set(rows["area_code"])) == ["01", "2A", "75", "ZA", "ZZ"]
    paris = rows[rows["area_code"] == "75"].set_index("candidate_id")
    assert paris.loc["macron", "votes"] == 808107 and paris.loc["le-pen", "votes"] == 141405
    assert round(paris.loc["macron", "share_pct"], 2) == 85.11
    assert paris["area_name"].iloc[0] == "Paris"
    national = cli(
        "results",
        "fetch",
        f"{base}/resultats-par-niveau-fe-t2-france-entiere.txt",
        "--as-of",
        AS_OF_T2,
        data=data,
    )
    assert national.returncode == 0 and "nouveau relevé t2-20220428T141900" in national.stdout
    stored = store.read_df("results", RESULTS)
    assert set(stored["snapshot_id"]) == {"t2-20220428T141900", "t2-20220428T141900-zones"}
    nation = stored[stored["snapshot_id"] == "t2-20220428T141900"]
    assert list(nation["votes"]) == [18768639, 13288686]
    # validate now says what a second fetch of either would do: nothing new.
    for path in (NATIONAL_T2, FIXTURES / "dpt-2022-t2-definitif-extrait.txt"):
        again = cli("results", "validate", str(path), "--as-of", AS_OF_T2, data=data)
        assert again.returncode == 0 and "déjà enregistré, rien ne changerait" in again.stdout


def test_fetch_stores_a_departement_whose_votes_do_not_add_up_flagged_never_on_the_map(
    cli, served, tmp_path
):
    from dashboard.charts.map import area_rows
    from dashboard.results.views import load_area_results

    root, base = served
    # Paris's Macron votes 5 000 up: the sum of the votes no longer makes its exprimés.
    good = (FIXTURES / "dpt-2022-t2-definitif-extrait.txt").read_bytes()
    (root / "dpt-t2.txt").write_bytes(good.replace(b";808107;", b";813107;"))
    data = _data(tmp_path, "presidentielle-2022")
    proc = cli("results", "fetch", f"{base}/dpt-t2.txt", "--as-of", AS_OF_T2, data=data)
    assert proc.returncode == 0, proc
    assert (
        " relevé t2-20220428T141900-zones (5 zones, tour 2) signalé : département 75 (Paris) : "
        "somme des voix des candidats (954\u00a0512) ≠ exprimés (949\u00a0512)"
    ) in proc.stdout
    store = Store(tmp_path / "store")
    assert set(store.read_df("results", RESULTS)["snapshot_id"]) == {"t2-20220428T141900-zones"}
    # Stored flagged, as a national document would be: never current, so not on the map.
    assert area_rows(load_area_results(store), store.read_df("candidates", CANDIDATES), 2).empty


def test_fetch_stores_a_json_document_of_one_departement_beside_the_nation(cli, served, tmp_path):
    import json

    from dashboard.charts.map import area_rows
    from dashboard.results.views import load_area_results

    root, base = served
    # Paris in the run-off, the figures of the ministry's file by département (the fixture
    # dpt-2022-t2-definitif-extrait.txt), as a schema-2 feed document with its area.
    paris = {
        "schema": 2,
        "election": "presidentielle-2022",
        "round": 2,
        "as_of": "2022-04-28T14:21:27+02:00",
        "status": "definitive",
        "inscrits": 1368623,
        "abstentions": 354494,
        "votants": 1014129,
        "exprimes": 949512,
        "blancs": 49446,
        "nuls": 15171,
        "share_base": "exprimes",
        "area": {"level": "departement", "code": "75", "name": "Paris"},
        "candidates": [
            {"id": "macron", "votes": 808107, "share": 85.11},
            {"id": "le-pen", "votes": 141405, "share": 14.89},
        ],
    }
    (root / "paris.json").write_text(json.dumps(paris), encoding="utf-8")
    shutil.copy(NATIONAL_T2, root / "resultats-par-niveau-fe-t2-france-entiere.txt")
    data = _data(tmp_path, "presidentielle-2022")
    proc = cli("results", "fetch", f"{base}/paris.json", data=data)
    assert proc.returncode == 0, proc
    assert proc.stdout.endswith(
        " 200 nouveau relevé t2-20220428T142127-departement-75 (département 75 Paris, tour 2)\n"
    )
    # The nation of an earlier time then: its sequence is its own, not the areas'.
    national = cli(
        "results",
        "fetch",
        f"{base}/resultats-par-niveau-fe-t2-france-entiere.txt",
        "--as-of",
        AS_OF_T2,
        data=data,
    )
    assert national.stdout.endswith(" 200 nouveau relevé t2-20220428T141900\n"), national
    store = Store(tmp_path / "store")
    rows = area_rows(load_area_results(store), store.read_df("candidates", CANDIDATES), 2)
    assert rows.set_index("candidate_id")["votes"].to_dict() == {"macron": 808107, "le-pen": 141405}
