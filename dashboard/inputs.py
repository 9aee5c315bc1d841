"""Reading user-given files: a path or standard input with a size limit, and the editors'
UTF-8 CSV files of data/ (header checked, rows numbered as an editor counts them)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from dashboard.errors import ParseError, SourceError

# Bigger inputs are refused with a message rather than read into memory.
MAX_INPUT_BYTES = 100 * 1024 * 1024
# No feed document or live blog nests anywhere near this deep; deeper input is hostile (it
# would exhaust the recursion of json or of any walker over it) and is refused whole.
MAX_JSON_DEPTH = 64
STDIN = "-"
STDIN_NAME = "entrée standard"  # how errors name FILE "-"


def input_name(file: str) -> str:
    """How messages name FILE: its path, or « entrée standard » for "-"."""
    return STDIN_NAME if str(file) == STDIN else str(file)


def json_depth(value: Any) -> int:
    """How deep containers nest in a decoded JSON value (a scalar is 0); iterative, so a
    hostile depth cannot exhaust the stack."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def load_json(text: str | bytes, *, where: str) -> Any:
    """JSON text → value, refusing what the stdlib would choke on: nesting deeper than
    MAX_JSON_DEPTH, integers of more than 4300 digits, NaN/Infinity. json.JSONDecodeError
    (not JSON at all) is left to the caller, which may read the text another way."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ParseError(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # a 5000-digit integer, NaN
        raise ParseError(f"{where}: malformed JSON ({' '.join(str(exc).split())[:120]})") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise ParseError(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _no_constant(name: str) -> None:
    # NaN / Infinity are not JSON and would slip through as floats.
    raise ValueError(f"{name} is not allowed")


def read_input(file: str, *, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of FILE ("-" = standard input); ParseError for a missing/huge/odd file."""
    if file == STDIN:
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
            f"{input_name(file)}: larger than {max_bytes // (1024 * 1024)} MB; split the blog "
            "or keep only the part to read"
        )
    return data


def read_text(path: Path) -> str:
    """The file's text; UTF-8 only, because a mis-decoded name would be stored forever."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError("file not found", path=str(path)) from exc
    except IsADirectoryError as exc:
        raise SourceError("is a folder, not a file", path=str(path)) from exc
    return utf8_text(data, str(path))


def utf8_text(data: bytes, where: str) -> str:
    """The text of an editor's file (`where` names it); UTF-8 only, SourceError otherwise."""
    if not data.strip():
        raise SourceError("empty file", path=where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            path=where,
            row=line,
        ) from exc


def read_csv_rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(row number, row) of a UTF-8 CSV that must have `columns`; blank rows skipped."""
    return rows_of_csv(path, read_text(path), columns)


def rows_of_csv(path: Path, text: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        return _parse_rows(path, text, columns)
    except csv.Error as exc:
        raise SourceError(f"malformed CSV ({exc})", path=str(path)) from None


def _parse_rows(path: Path, text: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise SourceError(f"missing column(s): {', '.join(missing)}", path=str(path), row=1)
    reader.fieldnames = header
    out = []
    for i, raw in enumerate(reader, start=2):
        if None in raw:
            raise SourceError("more fields than the header", path=str(path), row=i)
        if all(not (v or "").strip() for v in raw.values()):
            continue
        out.append((i, {k: (v or "").strip() for k, v in raw.items()}))
    if not out:
        raise SourceError("no data rows", path=str(path))
    return out


_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 are read as Windows-1252 (a superset of Latin-1's letters), so
    # a Latin-1/cp1252 file, or a UTF-8 file with a few cp1252 bytes pasted in, reads right.
    assert isinstance(err, UnicodeDecodeError)
    chunk = err.object[err.start : err.end]
    out = "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in chunk)
    return out, err.end


codecs.register_error("dashboard-cp1252", _cp1252_fallback)

# C0 control bytes that never occur in text (tab, newlines, form feed are fine).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c") + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def decode_text(data: bytes, *, encoding: str | None = None, where: str = "input") -> str:
    """Bytes → text: the declared `encoding` (an HTTP charset) when it fits, else UTF-8 (BOM or
    not) or UTF-16 with a BOM, any byte that is not UTF-8 read as Windows-1252/Latin-1 — so
    the ministry's Latin-1 files and a UTF-8 blog with a few cp1252 bytes pasted in read right.

    Raises ParseError (one line, naming `where`) when the bytes are binary, not text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{where}: not valid UTF-16 text ({exc.reason})") from exc
    nul = data.find(b"\x00")
    if nul != -1:
        raise ParseError(
            f"{where}: données binaires, pas du texte (octet NUL à la position {nul}) ; "
            "attendu : un fichier texte, HTML ou JSON-LD"
        )
    controls = len(data.translate(None, _NOT_CONTROL))
    if controls > max(8, len(data) // 1000):
        raise ParseError(
            f"{where}: données binaires, pas du texte ({controls} octets de contrôle) ; "
            "attendu : un fichier texte, HTML ou JSON-LD"
        )
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong charset header: read the bytes as below
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode("utf-8", errors="dashboard-cp1252")
