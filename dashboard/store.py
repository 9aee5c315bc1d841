"""The Parquet store: one file per record kind, written atomically, appended, never edited.

An append reads the table, concatenates the new rows and replaces the file in one rename
(temp file + fsync + rename + fsync of the folder), under an exclusive lock so a watcher and
the desk never interleave. Readers never see a half-written file: they open either the old
file or the new one.

A change that spans tables (a desk correction and its audit row) is one `transaction()`:
the new files are written beside the old ones, a journal naming them is committed, then they
are renamed into place. A crash before the journal leaves every old file; a crash after it is
rolled forward by the next writer, so the tables of one change are there together or not at
all.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.errors import StoreError

# A temp file older than this is an orphan: its writer was killed (kill -9, power cut) between
# mkstemp and the rename; no write of ours takes that long.
ORPHAN_AFTER = 60.0
FILE_MODE = 0o644  # the app may run as another user than the watcher or the desk
DIR_MODE = 0o755


def make_dir(folder: Path) -> None:
    """Create `folder` and its missing parents DIR_MODE, whatever the umask (readers running
    as another user must be able to open the store); existing folders are left as they are."""
    folder = Path(folder)
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
        os.chmod(created, DIR_MODE)


def remove_orphans(folder: Path, *, older_than: float = ORPHAN_AFTER) -> list[Path]:
    """Delete the temp files (".<name>.<random>.tmp") left in `folder` for more than
    `older_than` seconds; returns them. Younger ones may be another writer's, and those a
    transaction journal names are its roll-forward's (left to `Store._recover`)."""
    folder = Path(folder)
    journal = folder / JOURNAL
    if journal.exists():
        try:
            pending = {name for pair in json.loads(journal.read_text()) for name in pair}
        except (OSError, ValueError, TypeError):
            return []  # an unreadable journal: touch nothing, the next writer reports it
    else:
        pending = set()
    removed = []
    limit = time.time() - older_than
    for tmp in folder.glob(".?*.*.tmp"):
        try:
            if tmp.name not in pending and tmp.is_file() and tmp.stat().st_mtime < limit:
                tmp.unlink()
                removed.append(tmp)
        except FileNotFoundError:  # its writer renamed or removed it meanwhile
            continue
    return removed


def _replace_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through `write` into a temp file beside `path`, fsync, then rename over `path`:
    a crash at any point leaves the old file or the new one, never half of either. Orphaned
    temp files of earlier crashes are removed first; the file is FILE_MODE whatever the
    umask."""
    path = Path(path)
    make_dir(path.parent)
    remove_orphans(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            # mkstemp makes the file private (0600) and the umask could too: the store is
            # world-readable like any data file.
            os.fchmod(fh.fileno(), FILE_MODE)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        # Whatever went wrong, the old file is untouched and the temp file goes away.
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)  # the rename itself survives a power cut


def _fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _write_temp(path: Path, table: pa.Table) -> Path:
    """A synced temp file beside `path` holding `table` (not yet renamed into place)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


JOURNAL = ".journal.json"

# One flock per store folder and process, re-entrant: a transaction holds it while the
# functions it calls (record_snapshots, ingest_liveblog) take it again.
_LOCKS: dict[Path, tuple[threading.RLock, list]] = {}
_LOCKS_GUARD = threading.Lock()


def write_atomic(path: Path, table: pa.Table) -> None:
    """Write a Parquet table atomically."""
    _replace_atomic(path, lambda fh: pq.write_table(table, fh, compression="zstd"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Same guarantee as write_atomic, for raw payloads and exported files."""
    _replace_atomic(path, lambda fh: fh.write(data))


class Store:
    """Parquet tables under one folder, keyed by name (e.g. "results", "entries")."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._tx = threading.local()  # what this thread's open transaction() wrote

    @property
    def _staged(self) -> dict[str, pa.Table] | None:
        return getattr(self._tx, "staged", None)

    @_staged.setter
    def _staged(self, value: dict[str, pa.Table] | None) -> None:
        self._tx.staged = value

    def path(self, name: str) -> Path:
        return self.root / f"{name}.parquet"

    def exists(self, name: str) -> bool:
        return (self._staged is not None and name in self._staged) or self.path(name).exists()

    def read(self, name: str, schema: pa.Schema) -> pa.Table:
        """The table, or an empty one of `schema` when nothing was stored yet. Inside a
        transaction, what the transaction wrote."""
        if self._staged is not None and name in self._staged:
            return self._staged[name]
        path = self.path(name)
        if not path.exists():
            return schema.empty_table()
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as exc:
            raise StoreError(f"{path}: cannot read the stored table ({exc})") from exc
        # A table written before a schema gained nullable columns (schema 2's) reads with
        # those columns null.
        for f in schema:
            if f.name not in table.column_names and f.nullable:
                table = table.append_column(f.name, pa.nulls(table.num_rows, f.type))
        try:
            return table.select(schema.names).cast(schema)
        except (KeyError, pa.ArrowInvalid, ValueError) as exc:
            raise StoreError(f"{path}: stored table does not match its schema ({exc})") from exc

    def read_df(self, name: str, schema: pa.Schema) -> pd.DataFrame:
        return self.read(name, schema).to_pandas(
            types_mapper=lambda t: pd.Int64Dtype() if pa.types.is_integer(t) else None
        )

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock for writers of this store (readers need none: renames are atomic).
        Re-entrant within a process; the first holder finishes an interrupted transaction."""
        make_dir(self.root)
        key = self.root.resolve()
        with _LOCKS_GUARD:
            rlock, holder = _LOCKS.setdefault(key, (threading.RLock(), []))
        with rlock:
            if holder:  # this thread holds the flock already
                holder.append(None)
                try:
                    yield
                finally:
                    holder.pop()
                return
            with open(self.root / ".lock", "w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                holder.append(fh)
                try:
                    self._recover()
                    yield
                finally:
                    holder.pop()
                    fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Writes inside the block are committed together when it ends, or not at all if it
        raises. Reads inside it see its own writes."""
        with self.lock():
            if self._staged is not None:  # nested: part of the enclosing transaction
                yield self
                return
            self._staged = {}
            try:
                yield self
                staged, self._staged = self._staged, None
            except BaseException:
                self._staged = None
                raise
            self._commit(staged)

    def _commit(self, staged: dict[str, pa.Table]) -> None:
        if not staged:
            return
        temps: list[tuple[Path, Path]] = []
        try:
            for name, table in staged.items():
                temps.append((_write_temp(self.path(name), table), self.path(name)))
        except BaseException:
            for tmp, _ in temps:
                tmp.unlink(missing_ok=True)
            raise
        plan = [[tmp.name, final.name] for tmp, final in temps]
        write_bytes_atomic(self.root / JOURNAL, json.dumps(plan).encode())
        self._roll_forward(plan)

    def _roll_forward(self, plan: list[list[str]]) -> None:
        for tmp_name, final_name in plan:
            tmp = self.root / tmp_name
            if tmp.exists():  # already renamed when a recovery runs after a partial commit
                os.replace(tmp, self.root / final_name)
        _fsync_dir(self.root)
        (self.root / JOURNAL).unlink(missing_ok=True)
        _fsync_dir(self.root)

    def _recover(self) -> None:
        journal = self.root / JOURNAL
        if not journal.exists():
            return
        try:
            plan = json.loads(journal.read_text())
        except (OSError, ValueError) as exc:
            raise StoreError(f"{journal}: unreadable transaction journal ({exc})") from exc
        self._roll_forward(plan)

    def replace(self, name: str, table: pa.Table, schema: pa.Schema) -> None:
        """Write a whole table (used by `data build` on an empty store and by appends)."""
        table = table.select(schema.names).cast(schema)
        if self._staged is not None:
            self._staged[name] = table
            return
        with self.lock():
            write_atomic(self.path(name), table)

    def append(self, name: str, rows: pa.Table, schema: pa.Schema) -> int:
        """Append rows; returns how many. Existing rows are never changed or removed."""
        if rows.num_rows == 0:
            return 0
        with self.lock():
            current = self.read(name, schema)
            combined = pa.concat_tables([current, rows.select(schema.names).cast(schema)])
            self.replace(name, combined, schema)
        return rows.num_rows
