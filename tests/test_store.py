"""The Parquet store: round trip, append-only, atomic writes."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard import store as store_mod
from dashboard.model import CANDIDATES
from dashboard.store import Store, write_atomic


def _cands(*ids: str) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "election_id": "e",
                "candidate_id": i,
                "name": i.title(),
                "party": None,
                "colour": "#123456",
                "display_order": n,
            }
            for n, i in enumerate(ids)
        ],
        schema=CANDIDATES,
    )


def test_round_trip_keeps_schema_and_values(tmp_path):
    s = Store(tmp_path)
    s.replace("candidates", _cands("a", "b"), CANDIDATES)
    back = s.read("candidates", CANDIDATES)
    assert back.schema.equals(CANDIDATES)
    assert back.column("candidate_id").to_pylist() == ["a", "b"]


def test_missing_table_reads_empty(tmp_path):
    assert Store(tmp_path).read("candidates", CANDIDATES).num_rows == 0


def test_append_keeps_existing_rows(tmp_path):
    s = Store(tmp_path)
    s.append("candidates", _cands("a"), CANDIDATES)
    s.append("candidates", _cands("b", "c"), CANDIDATES)
    assert s.read("candidates", CANDIDATES).column("candidate_id").to_pylist() == ["a", "b", "c"]


def test_a_crash_mid_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "candidates.parquet"
    write_atomic(path, _cands("a", "b"))
    before = path.read_bytes()

    def crash(table, where, **kwargs):
        where.write(b"PAR1 half a file")  # some bytes reach the disk, then the process dies
        raise OSError("disk full")

    monkeypatch.setattr(store_mod.pq, "write_table", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, _cands("x"))
    assert path.read_bytes() == before
    assert pq.read_table(path).num_rows == 2
    assert [p.name for p in tmp_path.iterdir()] == ["candidates.parquet"]  # no temp file left


def test_a_schema_mismatch_is_a_clear_store_error(tmp_path):
    from dashboard.errors import StoreError

    pq.write_table(pa.table({"x": [1]}), tmp_path / "candidates.parquet")
    with pytest.raises(StoreError, match="does not match its schema"):
        Store(tmp_path).read("candidates", CANDIDATES)


def test_stored_files_are_readable_by_other_users(tmp_path):
    """The app (readers) may run as another user than the watcher (the writer)."""
    write_atomic(tmp_path / "candidates.parquet", _cands("a"))
    assert (tmp_path / "candidates.parquet").stat().st_mode & 0o777 == 0o644
