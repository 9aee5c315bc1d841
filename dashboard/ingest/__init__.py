"""Ingest: outside payloads (source files, feed documents, live blogs) → model rows. Pure."""

from __future__ import annotations

import sys
from pathlib import Path

from dashboard.errors import ParseError

# Bigger inputs are refused with a message rather than read into memory.
MAX_INPUT_BYTES = 100 * 1024 * 1024


def read_input(file: str, *, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of FILE ("-" = standard input); ParseError for a missing/huge/odd file."""
    if file == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(file)
        try:
            if path.is_dir():
                raise ParseError(f"{file}: is a folder, not a file")
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except FileNotFoundError as exc:
            raise ParseError(f"{file}: no such file") from exc
        except PermissionError as exc:
            raise ParseError(f"{file}: cannot read it (permission denied)") from exc
        except OSError as exc:
            raise ParseError(f"{file}: cannot read it ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise ParseError(
            f"{file}: larger than {max_bytes // (1024 * 1024)} MB; split the blog or keep "
            "only the part to read"
        )
    return data
