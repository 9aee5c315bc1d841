"""The 2022 presidential election shipped as data: national definitive figures (the Conseil
constitutionnel's), the ministry's definitive results by département and région read with
the ministry adapter, the night's figures; and what every election must do (parametrised
over both: build, validate, `results show`)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from dashboard import settings
from dashboard.results.record import build_store
from dashboard.results.views import load_area_results, load_results, results_document
from dashboard.store import Store
from dashboard.testing import DATA_ROOT, call_cli, data_env

ELECTIONS = settings.election_ids(DATA_ROOT)
P2022 = DATA_ROOT / "elections" / "presidentielle-2022"


def folder(election: str) -> Path:
    return settings.election_dir(DATA_ROOT, election)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Store]:
    """Each shipped election built from its sources into a fresh store."""
    out = {}
    for election in ELECTIONS:
        store = Store(tmp_path_factory.mktemp(election) / "store")
        build_store(folder(election), store)
        out[election] = store
    return out


def test_both_elections_are_shipped_and_the_default_is_the_primary() -> None:
    assert sorted(ELECTIONS) == ["presidentielle-2022", "primaire-2017"]
    assert settings.default_election(DATA_ROOT) == "primaire-2017"


@pytest.mark.parametrize("election", ELECTIONS)
def test_the_shipped_store_is_what_the_sources_build(election: str, built) -> None:
    fresh, shipped = built[election], Store(folder(election) / "store")

    def figures(store: Store) -> list[tuple]:
        rows = store.read_df("results", __import__("dashboard.model").model.RESULTS)
        rows = rows.drop(columns=["recorded_at", "flags"]).astype(str)
        return sorted(map(tuple, rows.to_numpy().tolist()))

    assert figures(fresh) == figures(shipped)


@pytest.mark.parametrize("election", ELECTIONS)
def test_every_results_file_validates(election: str, tmp_path: Path) -> None:
    env = data_env(tmp_path / "store", DASHBOARD_ELECTION=election)
    for name in ("results.csv", "night.csv"):
        path = folder(election) / name
        if not path.exists():
            continue
        r = call_cli(("results", "validate", str(path), "--election", election), env)
        assert (r.returncode, r.stdout.decode()) == (0, f"{path}: ok\n")


@pytest.mark.parametrize("election", ELECTIONS)
def test_results_show_prints_the_last_rounds_definitive_result(election: str, built) -> None:
    env = data_env(built[election].root, DASHBOARD_ELECTION="")
    r = call_cli(("results", "show", "--election", election, "--format", "json"), env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["schema"], doc["election"], doc["status"]) == (2, election, "definitive")
    assert doc["authority"]  # the snapshot's, or the organiser of election.toml
    shares = [c["share"] for c in doc["candidates"]]
    assert abs(sum(shares) - 100) < 0.05 and shares == sorted(shares, reverse=True)


def test_2022_national_definitive_figures(built) -> None:
    store = built["presidentielle-2022"]
    t1 = results_document(store, P2022, round_=1)
    t2 = results_document(store, P2022, round_=2)
    assert (t1["snapshot_id"], t1["authority"]) == ("t1-definitif", "Conseil constitutionnel")
    assert (t1["inscrits"], t1["votants"], t1["exprimes"]) == (48_747_876, 35_923_707, 35_132_947)
    votes = {c["id"]: c["votes"] for c in t1["candidates"]}
    assert (votes["macron"], votes["le-pen"], votes["melenchon"]) == (
        9_783_058,
        8_133_828,
        7_712_520,
    )
    assert len(votes) == 12
    assert (t2["inscrits"], t2["abstentions"], t2["votants"]) == (
        48_752_339,
        13_655_861,
        35_096_478,
    )
    assert (t2["blancs"], t2["nuls"], t2["exprimes"]) == (2_233_904, 805_249, 32_057_325)
    assert [(c["id"], c["votes"], c["share"]) for c in t2["candidates"]] == [
        ("macron", 18_768_639, 58.55),
        ("le-pen", 13_288_686, 41.45),
    ]
    assert t2["source_url"] == "https://www.conseil-constitutionnel.fr/decision/2022/2022197PDR.htm"


def test_2022_areas_are_the_ministrys_files_and_sum_to_the_nation(built) -> None:
    store = built["presidentielle-2022"]
    areas = load_area_results(store)
    national = load_results(store)
    for number in (1, 2):
        sid = f"t{number}-definitif-departements"
        dpt = areas[areas["snapshot_id"] == sid]
        assert set(dpt["area_level"]) == {"departement"}
        assert dpt["area_code"].nunique() == 107
        nation = national[national["snapshot_id"] == f"t{number}-definitif"]
        per_area = dpt.drop_duplicates("area_code")
        for field in ("inscrits", "abstentions", "votants", "blancs", "nuls", "exprimes"):
            assert int(per_area[field].sum()) == int(nation[field].iloc[0]), field
        by_candidate = dpt.groupby("candidate_id")["votes"].sum()
        assert by_candidate.to_dict() == dict(
            zip(nation["candidate_id"], nation["votes"], strict=True)
        )
        regions = areas[areas["snapshot_id"] == f"t{number}-definitif-regions"]
        assert set(regions["area_level"]) == {"region"} and regions["area_code"].nunique() == 18
    paris = areas[
        (areas["snapshot_id"] == "t2-definitif-departements") & (areas["area_code"] == "75")
    ]
    assert paris["area_name"].iloc[0] == "Paris"
    assert paris["authority"].isna().all()  # the ministry: election.toml's organiser


def test_2022_sources_are_the_files_of_sources_md() -> None:
    listed = (P2022 / "sources" / "SOURCES.md").read_text(encoding="utf-8")
    for path in sorted((P2022 / "sources").glob("*.txt")):
        sha1 = hashlib.sha1(path.read_bytes()).hexdigest()
        assert f"`{path.name}`" in listed and sha1 in listed, path.name
    assert "Licence Ouverte" in listed
    for url in re.findall(r"^source_url = \"(.+)\"$", (P2022 / "ministry.toml").read_text(), re.M):
        assert url in listed


def test_2022_candidates_have_a_gender_and_a_colour_each() -> None:
    with open(P2022 / "candidates.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12
    assert {r["gender"] for r in rows} == {"F", "M"}
    assert len({r["colour"] for r in rows}) == 12


def test_2022_night_file_is_built_with_the_definitive_results(built) -> None:
    national = load_results(built["presidentielle-2022"])
    ids = set(national["snapshot_id"])
    night = {
        row["snapshot_id"]
        for row in csv.DictReader(io.StringIO((P2022 / "night.csv").read_text(encoding="utf-8")))
    }
    assert night and night <= ids and {"t1-definitif", "t2-definitif"} <= ids


def test_a_wrong_figure_in_a_ministry_file_refuses_the_build(tmp_path: Path) -> None:
    data = shutil.copytree(P2022, tmp_path / "data", ignore=shutil.ignore_patterns("store"))
    path = data / "sources" / "resultats-par-niveau-dpt-t2-france-entiere.txt"
    raw = path.read_bytes()
    assert raw.count(b";166635;") == 1  # Ain, Emmanuel Macron
    path.write_bytes(raw.replace(b";166635;", b";166636;"))
    r = call_cli(("data", "build", "--data-dir", str(data)), data_env(tmp_path / "store"))
    assert r.returncode == 2
    line = r.stderr.decode()
    assert line.count("\n") == 1 and line.startswith(f"error: {path}")
    assert (
        "département 01 (Ain) : somme des voix des candidats (303 006) ≠ exprimés"
        in line.replace("\u00a0", " ").replace("\u202f", " ")
    )
    assert not (tmp_path / "store" / "results.parquet").exists()
