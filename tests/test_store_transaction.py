"""A desk change and its audit row are one transaction: after a crash at any point, either
both are stored or neither. The crash is real: the writer process is killed mid-commit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pytest

from dashboard.desk.actions import AUDIT_TABLE, mark_snapshot
from dashboard.model import AUDIT, MARKS
from dashboard.results.record import MARKS_TABLE
from dashboard.store import JOURNAL, Store

ROOT = Path(__file__).resolve().parent.parent
SID = "t2-2350"


def counts(store: Store) -> tuple[int, int]:
    return store.read(MARKS_TABLE, MARKS).num_rows, store.read(AUDIT_TABLE, AUDIT).num_rows


def test_both_rows_land_together(store_dir):
    store = Store(store_dir)
    before = counts(store)
    mark_snapshot(store, SID, "superseded", who="Léa", reason="remplacé par 00:30")
    assert counts(store) == (before[0] + 1, before[1] + 1)
    assert not (store_dir / JOURNAL).exists()


def test_a_failure_inside_the_transaction_writes_nothing(store_dir):
    store = Store(store_dir)
    before = {p.name: p.read_bytes() for p in store_dir.glob("*.parquet")}
    schema = pa.schema([("x", pa.int64())])
    with pytest.raises(RuntimeError, match="boom"), store.transaction():
        store.append("extra", pa.table({"x": [1]}), schema)
        assert store.read("extra", schema).num_rows == 1  # its own writes are visible
        raise RuntimeError("boom")
    assert {p.name: p.read_bytes() for p in store_dir.glob("*.parquet")} == before
    assert not store.exists("extra")


CRASH = textwrap.dedent(
    """
    import os, sys
    from dashboard import store as store_mod
    from dashboard.desk.actions import mark_snapshot
    point = sys.argv[2]
    real_replace, real_bytes = os.replace, store_mod.write_bytes_atomic
    renames = []
    def replace(src, dst):
        if str(dst).endswith(".parquet"):
            renames.append(dst)
            if point == "between-renames" and len(renames) == 2:
                os._exit(9)  # killed after the first table is in place, before the second
        return real_replace(src, dst)
    def journal(path, data):
        if point == "before-journal":
            os._exit(9)
        return real_bytes(path, data)
    store_mod.os.replace = replace
    store_mod.write_bytes_atomic = journal
    mark_snapshot(store_mod.Store(sys.argv[1]), sys.argv[3], "superseded", who="Léa", reason="t")
    """
)


def crash_writer(store_dir: Path, point: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", CRASH, str(store_dir), point, SID],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    return proc.returncode


def test_killed_between_the_two_writes_the_next_writer_completes_the_change(store_dir):
    store = Store(store_dir)
    before = counts(store)
    assert crash_writer(store_dir, "between-renames") == 9
    assert (store_dir / JOURNAL).exists()  # the change was committed, not yet all in place
    with store.lock():  # any next writer (watcher, desk, data build) rolls it forward
        pass
    assert counts(store) == (before[0] + 1, before[1] + 1)
    assert not (store_dir / JOURNAL).exists()


def test_killed_before_the_commit_leaves_neither_row(store_dir):
    store = Store(store_dir)
    before = counts(store)
    assert crash_writer(store_dir, "before-journal") == 9
    with store.lock():
        pass
    assert counts(store) == before
