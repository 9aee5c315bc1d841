"""`data build` on the real 2017 sources, and bad source data refused with the store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.errors import SourceError
from dashboard.model import RESULTS
from dashboard.results.record import build_store
from dashboard.results.sources import parse_results_csv
from dashboard.store import Store
from dashboard.testing import DATA, ROOT


def test_build_turns_the_sources_into_every_snapshot_of_both_nights(data_dir, tmp_path):
    store = Store(tmp_path / "built")
    report = build_store(data_dir, store)
    assert not report.flagged
    results = store.read_df("results", RESULTS)
    snaps = results.drop_duplicates("snapshot_id")
    assert sorted(snaps.groupby("round").size().to_dict().items()) == [(1, 7), (2, 7)]
    final = results[results["snapshot_id"] == "t2-definitif"].set_index("candidate_id")
    assert final.loc["hamon", "votes"] == 1_181_872
    assert final.loc["valls", "votes"] == 831_871
    assert int(final["votants"].iloc[0]) == 2_045_343
    assert all(results["source_url"].str.startswith("http"))
    # Approximate times say so in their note.
    assert "approximative" in snaps.set_index("snapshot_id").loc["t2-2040", "note"]
    # A second build stores nothing new: snapshots are never duplicated or rewritten.
    before = store.path("results").read_bytes()
    again = build_store(data_dir, store)
    assert again.added == [] and len(again.unchanged) == 14
    assert store.path("results").read_bytes() == before


def test_shipped_store_matches_the_sources(data_dir, tmp_path):
    fresh = Store(tmp_path / "fresh")
    build_store(data_dir, fresh)
    shipped = Store(DATA / "store")
    cols = [c for c in RESULTS.names if c != "recorded_at"]
    a = fresh.read_df("results", RESULTS)[cols].sort_values(["snapshot_id", "candidate_id"])
    b = shipped.read_df("results", RESULTS)[cols].sort_values(["snapshot_id", "candidate_id"])
    assert a.astype(str).values.tolist() == b.astype(str).values.tolist()


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _add_correction(path: Path) -> None:
    """Append a new snapshot (a correction of the definitive round 2) to the source."""
    lines = path.read_text(encoding="utf-8").splitlines()
    new = [
        line.replace("t2-definitif", "t2-correction")
        .replace(",definitive,", ",corrected,")
        .replace("2017-02-02T00:00:00", "2017-02-03T10:00:00")
        for line in lines
        if ",t2-definitif," in line
    ]
    path.write_text("\n".join(lines + new) + "\n", encoding="utf-8")


NEW_HAMON = "corrected,count,7208,7208,2045343,2013743,,,hamon,1181872,"
BAD = {
    "negative_votes": (
        lambda p: _edit(p, NEW_HAMON, NEW_HAMON.replace(",1181872,", ",-1181872,")),
        "est un nombre négatif",
    ),
    "non_numeric_votes": (
        lambda p: _edit(p, NEW_HAMON, NEW_HAMON.replace(",1181872,", ",1.2M,")),
        "« 1.2M » n'est pas un nombre",
    ),
    "totals_dont_add_up": (
        lambda p: _edit(p, NEW_HAMON, NEW_HAMON.replace(",1181872,", ",1181000,")),
        "somme des voix",
    ),
    "missing_column": (
        lambda p: _edit(p, "election_id,round,", "election,round,"),
        "missing column",
    ),
    "empty_file": (lambda p: p.write_bytes(b""), "empty file"),
    "latin1_bytes": (
        lambda p: p.write_bytes(p.read_text(encoding="utf-8").encode("latin-1", "replace")),
        "not UTF-8",
    ),
    "duplicate_snapshot": (
        lambda p: p.write_text(
            p.read_text(encoding="utf-8") + p.read_text(encoding="utf-8").splitlines()[-1] + "\n",
            encoding="utf-8",
        ),
        "duplicate",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_source_data_is_refused_in_one_line_and_the_store_is_unchanged(
    case, data_dir, cli, store_dir
):
    _add_correction(data_dir / "results.csv")
    spoil, expected = BAD[case]
    spoil(data_dir / "results.csv")
    before = {p.name: p.read_bytes() for p in store_dir.glob("*.parquet")}
    proc = cli("data", "build", "--data-dir", str(data_dir))
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert expected in err, err
    assert err.count("\n") == 1, err  # one line, no traceback
    assert err.startswith(f"error: {data_dir / 'results.csv'}"), err  # names the file
    if case == "totals_dont_add_up":
        assert " : Relevé t2-correction : " in err  # and the snapshot it refuses
    after = {p.name: p.read_bytes() for p in store_dir.glob("*.parquet")}
    assert after == before
    # `results validate` on the same file: 1 for a readable but inconsistent file, else 2.
    proc = cli("results", "validate", str(data_dir / "results.csv"))
    assert proc.returncode == (1 if case == "totals_dont_add_up" else 2)


def test_a_correction_is_a_new_snapshot_and_becomes_current(data_dir, cli):
    _add_correction(data_dir / "results.csv")
    proc = cli("data", "build", "--data-dir", str(data_dir))
    assert proc.returncode == 0, proc.stderr
    assert b"1 snapshot(s) added, 14 unchanged" in proc.stdout
    doc = json.loads(cli("results", "show", "--format", "json").stdout)
    assert doc["snapshot_id"] == "t2-correction" and doc["status"] == "corrected"


def test_errors_name_the_file_the_row_and_the_field(data_dir):
    _edit(data_dir / "results.csv", ",hamon,1181872,", ",hamon,-5,")
    with pytest.raises(SourceError) as exc:
        parse_results_csv(data_dir / "results.csv")
    lines = (data_dir / "results.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if ",hamon,-5," in line)
    assert str(exc.value).startswith(f"{data_dir / 'results.csv'}, row {row}, field 'votes'")


def test_a_stored_snapshot_cannot_be_rewritten_only_corrected(data_dir, tmp_path):
    store = Store(tmp_path / "s")
    build_store(data_dir, store)
    before = store.path("results").read_bytes()
    _edit(data_dir / "results.csv", ",2000255,", ",2000256,", -1)
    with pytest.raises(SourceError, match="corrected"):
        build_store(data_dir, store)
    assert store.path("results").read_bytes() == before


def test_validate_accepts_the_shipped_source(cli):
    proc = cli("results", "validate", str(DATA.relative_to(ROOT) / "results.csv"))
    assert proc.returncode == 0, proc.stderr
    assert b"ok" in proc.stdout


def test_allow_flagged_stores_a_failing_snapshot_flagged_and_never_current(data_dir, tmp_path, cli):
    _edit(data_dir / "results.csv", ",hamon,1181872,", ",hamon,1181000,")
    store = Store(tmp_path / "s")
    report = build_store(data_dir, store, allow_flagged=True)
    assert "t2-definitif" in report.flagged
    proc = cli(
        "results", "show", "--round", "2", "--format", "json", DASHBOARD_STORE_DIR=str(store.root)
    )
    doc = json.loads(proc.stdout)
    assert doc["snapshot_id"] != "t2-definitif"
    assert doc["as_of"].startswith("2017-01-30")
