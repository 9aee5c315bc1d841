"""The Parquet store: one file per record kind, written atomically, appended, never edited.

An append reads the table, concatenates the new rows and replaces the file in one rename
(temp file + fsync + rename + fsync of the folder), under an exclusive lock so a watcher and
the desk never interleave. Readers never see a half-written file: they open either the old
file or the new one.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.errors import StoreError


def _replace_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through `write` into a temp file beside `path`, fsync, then rename over `path`:
    a crash at any point leaves the old file or the new one, never half of either."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            # mkstemp makes the file private (0600); the app may run as another user than
            # the watcher or the desk, so the store is world-readable like any data file.
            os.fchmod(fh.fileno(), 0o644)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        # Whatever went wrong, the old file is untouched and the temp file goes away.
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


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

    def path(self, name: str) -> Path:
        return self.root / f"{name}.parquet"

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def read(self, name: str, schema: pa.Schema) -> pa.Table:
        """The table, or an empty one of `schema` when nothing was stored yet."""
        path = self.path(name)
        if not path.exists():
            return schema.empty_table()
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as exc:
            raise StoreError(f"{path}: cannot read the stored table ({exc})") from exc
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
        """Exclusive lock for writers of this store (readers need none: renames are atomic)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def replace(self, name: str, table: pa.Table, schema: pa.Schema) -> None:
        """Write a whole table (used by `data build` on an empty store and by appends)."""
        write_atomic(self.path(name), table.select(schema.names).cast(schema))

    def append(self, name: str, rows: pa.Table, schema: pa.Schema) -> int:
        """Append rows; returns how many. Existing rows are never changed or removed."""
        if rows.num_rows == 0:
            return 0
        with self.lock():
            current = self.read(name, schema)
            combined = pa.concat_tables([current, rows.select(schema.names).cast(schema)])
            write_atomic(self.path(name), combined)
        return rows.num_rows
