"""The embargo, in one place: until `DASHBOARD_EMBARGO_UNTIL`, candidates' shares and votes are
hidden on every surface (results page, live page, reactions announcements, exports,
`results show`, the public edition); turnout, bureaux counted and the as-of time stay.

Pure: no Streamlit, no network. Callers pass the election and "now"; `clock_now()` says what
"now" is for the setting `DASHBOARD_EMBARGO_CLOCK`:

- `system` (default): the machine's clock;
- `feed`: the feed's own clock as the watcher last recorded it in `feed_status.json`
  (`source_clock`, sent by the replay server as `X-Replay-Clock`), so a rehearsal on the 2017
  data lifts the embargo at 20:00 of the replayed night. No clock recorded yet → the embargo
  holds (hiding is the safe side).

`DASHBOARD_EMBARGO_UNTIL` is a full ISO time (`2017-01-29T20:00+01:00`), or `HH:MM`, Paris
time on the round's election day (before 06:00: the night after). Unreadable → the embargo
holds, and `Embargo.problem` says why (in French) for the page to show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import settings
from dashboard.election import Election
from dashboard.errors import DashboardError
from dashboard.fr import PARIS

FEED_STATUS_FILE = "feed_status.json"  # written by dashboard.feed.watch
HIDDEN_COLUMNS = ("votes", "share_published")


@dataclass(frozen=True)
class Embargo:
    """The embargo of one round as configured: `until` None means none (or unreadable, see
    `problem`: then it holds until the setting is fixed)."""

    until: datetime | None
    problem: str | None = None

    def active(self, now: datetime | None) -> bool:
        """True while shares must stay hidden. `now` None (an unknown feed clock) → True when
        an embargo is configured."""
        if self.problem:
            return True
        if self.until is None:
            return False
        return now is None or now < self.until

    def label(self) -> str:
        """ "jusqu'à 20:00" (or why the setting is refused)."""
        if self.problem:
            return self.problem
        return f"jusqu'à {self.until:%H:%M}" if self.until else ""


def embargo_for(election: Election, round_: int, text: str | None = None) -> Embargo:
    """The embargo of `round_` from `text` (default: the setting DASHBOARD_EMBARGO_UNTIL)."""
    value = (settings.get_str("embargo_until") if text is None else text).strip()
    if not value:
        return Embargo(None)
    try:
        return Embargo(election.resolve_at(round_, value))
    except DashboardError:
        return Embargo(
            None,
            problem=f"DASHBOARD_EMBARGO_UNTIL illisible (« {value} », attendu HH:MM ou une "
            "heure ISO) : résultats masqués",
        )


def clock_now(store_dir: Path | None = None, mode: str | None = None) -> datetime | None:
    """ "Now" for the embargo: the system clock, or with `DASHBOARD_EMBARGO_CLOCK=feed` the
    feed's clock the watcher recorded (None when none was recorded)."""
    mode = (settings.get_str("embargo_clock") if mode is None else mode).strip().lower()
    if mode != "feed":
        return datetime.now(tz=PARIS)
    path = Path(store_dir or settings.store_dir()) / FEED_STATUS_FILE
    try:
        text = json.loads(path.read_bytes()).get("source_clock")
        moment = datetime.fromisoformat(str(text)) if text else None
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(PARIS)


def embargoed_rounds(
    election: Election, now: datetime | None, text: str | None = None
) -> dict[int, Embargo]:
    """The rounds whose shares are hidden at `now`, with their embargo."""
    out = {}
    for rnd in election.rounds:
        embargo = embargo_for(election, rnd.number, text)
        if embargo.active(now):
            out[rnd.number] = embargo
    return out


def hide_results(
    results: pd.DataFrame, election: Election, now: datetime | None, text: str | None = None
) -> pd.DataFrame:
    """`results` (RESULTS schema) with votes and published shares blanked for the rounds under
    embargo at `now`. Everything else (turnout, bureaux, flags) is kept, so views and charts
    built from it simply find no shares. The input frame is not modified."""
    rounds = embargoed_rounds(election, now, text)
    if not rounds or results.empty:
        return results
    out = results.copy()
    mask = out["round"].isin(list(rounds)) & (out["election_id"] == election.id)
    for col in HIDDEN_COLUMNS:
        out[col] = out[col].astype(out[col].dtype).mask(mask)
    return out


def hide_document(
    doc: dict[str, Any], election: Election, now: datetime | None, text: str | None = None
) -> dict[str, Any]:
    """A feed document (schema 1) with each candidate's `votes` and `share` (and its
    `headline`) set to null when its round is under embargo at `now`, and `"embargo":
    {"until": ISO or null}` added."""
    rounds = embargoed_rounds(election, now, text)
    number = int(doc.get("round", 0))
    if doc.get("election") != election.id or number not in rounds:
        return doc
    until = rounds[number].until
    hidden = dict(doc)
    hidden["candidates"] = [dict(c, votes=None, share=None) for c in doc.get("candidates", [])]
    if "headline" in doc:
        hidden["headline"] = None  # it names the leader and their share
    hidden["embargo"] = {"until": until.isoformat() if until else None}
    return hidden
