"""Issue 8, item 8: a write removes the temp files a killed writer left behind (older than a
minute), and store files and folders are readable by all whatever the umask."""

from __future__ import annotations

import os
import stat
import time

import pyarrow as pa

from dashboard.model import CANDIDATES
from dashboard.store import Store, write_bytes_atomic

ROW = {
    "election_id": "e",
    "candidate_id": "c",
    "name": "N",
    "party": None,
    "colour": "#000000",
    "display_order": 1,
}


def _table() -> pa.Table:
    return pa.Table.from_pylist([ROW], schema=CANDIDATES)


def test_temp_files_of_a_killed_writer_are_removed_at_the_next_write(tmp_path):
    store = Store(tmp_path / "store")
    store.replace("candidates", _table(), CANDIDATES)
    orphan = store.root / ".results.parquet.k9x2ab.tmp"  # what kill -9 mid-write leaves
    orphan.write_bytes(b"half a parquet file")
    os.chmod(orphan, 0o600)
    old = time.time() - 65  # older than a minute
    os.utime(orphan, (old, old))
    young = store.root / ".candidates.parquet.w0rk1n.tmp"  # another writer, right now
    young.write_bytes(b"being written")
    store.append("candidates", _table(), CANDIDATES)
    assert not orphan.exists()
    assert young.exists()
    assert sorted(p.name for p in store.root.iterdir()) == [
        ".candidates.parquet.w0rk1n.tmp",
        ".lock",
        "candidates.parquet",
    ]


def test_store_files_and_folders_are_world_readable_whatever_the_umask(tmp_path):
    previous = os.umask(0o077)
    try:
        store = Store(tmp_path / "live" / "store")
        store.replace("candidates", _table(), CANDIDATES)
        write_bytes_atomic(store.root / "feed_status.json", b"{}")
    finally:
        os.umask(previous)
    for path in (store.path("candidates"), store.root / "feed_status.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    for folder in (tmp_path / "live", store.root):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
