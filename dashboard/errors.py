"""The errors a user sees. Each carries a one-line message naming what is wrong.

The CLI prints `str(error)` and exits non-zero; the app shows it with st.error.
Nothing else of ours should reach a user as a traceback.
"""

from __future__ import annotations


class DashboardError(Exception):
    """Base of every user-facing error: the message is the whole explanation."""

    exit_code = 2


class NotApplicable(DashboardError):
    """What was asked does not exist for this election (the map of an election published
    without results by area): said in one line, and no error where every chart is asked."""


class SourceError(DashboardError):
    """A data source file (CSV/TOML/feed document) is malformed.

    Names the file, the row (1-based, header is row 1) and the field when known.
    """

    def __init__(
        self, message: str, *, path: str | None = None, row: int | None = None, field: str = ""
    ) -> None:
        where = []
        if path:
            where.append(str(path))
        if row is not None:
            where.append(f"row {row}")
        if field:
            where.append(f"field '{field}'")
        self.path, self.row, self.field = path, row, field
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class ValidationError(DashboardError):
    """A document or snapshot breaks a consistency rule and was refused.

    `problems` lists every rule broken, one French sentence each, so a screen can show them
    all (the message, one line, lists them too)."""

    def __init__(self, message: str, *, problems: tuple[str, ...] | list[str] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


class ParseError(DashboardError):
    """Text (live blog, JSON-LD) could not be read."""


class FeedError(DashboardError):
    """The feed could not be fetched or read (network, HTTP status, payload)."""


class StoreError(DashboardError):
    """The Parquet store could not be read or written."""
