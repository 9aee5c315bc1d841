"""The election being shown: rounds, dates, organiser, comparison points (data/election.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dashboard.errors import SourceError
from dashboard.fr import PARIS


@dataclass(frozen=True)
class Round:
    number: int
    label: str
    date: date
    winners: int = 1  # how many go through (2 after a first round)
    winner_label: str = "vainqueur"  # the masculine (or only) form
    # winner_label by gender ("M", "F") when election.toml gives a table
    # (`winner_label = { M = "élu", F = "élue" }`); a plain string serves every gender.
    winner_labels: tuple[tuple[str, str], ...] = ()

    def winner_word(self, gender: str | None = None) -> str:
        """ "élue" for a candidate of gender F when the election says so, else the label."""
        return dict(self.winner_labels).get(gender or "", self.winner_label)

    def winners_word(self, genders: list[str | None]) -> str:
        """The label of several winners: the plural (+s), feminine when every one is F
        ("qualifiées"), masculine otherwise ("qualifiés"); one winner: `winner_word`."""
        if len(genders) == 1:
            return self.winner_word(genders[0])
        feminine = bool(genders) and all(g == "F" for g in genders)
        word = self.winner_word("F") if feminine else self.winner_label
        return word if word.endswith(("s", "x")) else word + "s"


@dataclass(frozen=True)
class Comparison:
    round: int
    label: str
    votants: int
    source_url: str


@dataclass(frozen=True)
class Election:
    id: str
    name: str
    short_name: str
    organiser: str
    polls_open: time
    polls_close: time
    rounds: tuple[Round, ...]
    comparisons: tuple[Comparison, ...] = field(default=())
    # Documents dated more than this many days from their round's date are refused (the
    # definitive figures of a round come days later; a year-2031 date is a broken feed).
    plausible_days: int = 7

    @property
    def last_round(self) -> Round:
        """The latest round: what commands and pages show when no round is asked for."""
        return max(self.rounds, key=lambda r: r.number)

    def round(self, number: int) -> Round:
        for r in self.rounds:
            if r.number == number:
                return r
        known = ", ".join(str(r.number) for r in self.rounds)
        raise SourceError(f"round {number} does not exist (rounds: {known})")

    def resolve_at(self, number: int, hhmm: str) -> datetime:
        """ "23:50" → that time on election night of round `number`, Paris time.

        Times before 06:00 belong to the night after polling day; a full ISO time is kept.
        """
        text = hhmm.strip()
        if len(text) > 5:
            from dashboard.model import parse_time

            return parse_time(text, field="--at")
        try:
            t = datetime.strptime(text.replace("h", ":"), "%H:%M").time()
        except ValueError as exc:
            raise SourceError(f"--at must be HH:MM (e.g. 23:50), got {hhmm!r}") from exc
        day = self.round(number).date + (timedelta(days=1) if t.hour < 6 else timedelta())
        return datetime.combine(day, t, tzinfo=PARIS)

    def span(self, margin: timedelta | None = None) -> tuple[datetime, datetime]:
        """When things of this election happen (Paris time): from `margin` (default
        `plausible_days`) before the first round's day to `margin` after the last round's. A
        stored time outside it (a blog update dated 9999-12-31) is not placed on a chart: it
        would stretch the axis to nothing."""
        return self.window(margin=margin)

    def window(
        self, number: int | None = None, *, margin: timedelta | None = None
    ) -> tuple[datetime, datetime]:
        """The plausible dates of a document of round `number` (of the election: None), Paris
        time: from `margin` (default `plausible_days`) before that round's date (the first
        round's), 00:00, to the end of the day `margin` after the last round's date — a
        correction of round 1 may come after round 2."""
        first = self.round(number).date if number is not None else min(r.date for r in self.rounds)
        last = max(r.date for r in self.rounds)
        margin = timedelta(days=self.plausible_days) if margin is None else margin
        start = datetime.combine(first - margin, time(0, 0), tzinfo=PARIS)
        end = datetime.combine(last + margin + timedelta(days=1), time(0, 0), tzinfo=PARIS)
        return start, end

    def implausible(self, moment: datetime, number: int | None = None) -> str | None:
        """Why a document dated `moment` (of round `number`, or of the election) cannot be
        this election's; None when it can. A round not in election.toml is one reason."""
        if number is not None and number not in {r.number for r in self.rounds}:
            known = ", ".join(str(r.number) for r in self.rounds)
            return f"round {number} is not a round of {self.id} (rounds: {known})"
        start, end = self.window(number)
        if start <= moment < end:
            return None
        last = end - timedelta(days=1)
        what = f"round {number}" if number is not None else self.id
        return (
            f"dated {moment.astimezone(PARIS):%d/%m/%Y %H:%M}, outside the dates of {what} "
            f"({start:%d/%m/%Y}–{last:%d/%m/%Y}; plausible_days in election.toml)"
        )

    def polls_close_at(self, number: int) -> datetime:
        return datetime.combine(self.round(number).date, self.polls_close, tzinfo=PARIS)


def election_of(data_dir: Path) -> Election | None:
    """The election of `data_dir`/election.toml, or None when the folder has none (a live
    blog read outside a newsroom checkout is then judged against no election's dates)."""
    path = Path(data_dir) / "election.toml"
    return load_election(path) if path.exists() else None


def load_election(path: Path) -> Election:
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourceError("file not found", path=str(path)) from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"not valid UTF-8 TOML ({exc})", path=str(path)) from exc
    try:
        rounds = tuple(_round(r, path) for r in doc["rounds"])
        comparisons = tuple(
            Comparison(int(c["round"]), str(c["label"]), int(c["votants"]), str(c["source_url"]))
            for c in doc.get("comparisons", [])
        )
        return Election(
            id=str(doc["id"]),
            name=str(doc["name"]),
            short_name=str(doc.get("short_name", doc["name"])),
            organiser=str(doc["organiser"]),
            polls_open=time.fromisoformat(str(doc.get("polls_open", "08:00"))),
            polls_close=time.fromisoformat(str(doc.get("polls_close", "20:00"))),
            rounds=rounds,
            comparisons=comparisons,
            plausible_days=int(doc.get("plausible_days", 7)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise SourceError(f"missing or invalid field {exc}", path=str(path)) from exc


def _round(r: dict, path: Path) -> Round:
    label = r.get("winner_label", "vainqueur")
    labels: tuple[tuple[str, str], ...] = ()
    if isinstance(label, dict):
        unknown = sorted(set(label) - {"M", "F"})
        if unknown or "M" not in label:
            raise SourceError(
                "winner_label is text or a table { M = …, F = … } (M required), "
                f"got keys {', '.join(sorted(label))}",
                path=str(path),
                field="winner_label",
            )
        labels = tuple((k, str(v)) for k, v in sorted(label.items()))
        label = label["M"]
    return Round(
        int(r["number"]),
        str(r["label"]),
        date.fromisoformat(str(r["date"])),
        int(r.get("winners", 1)),
        str(label),
        labels,
    )
