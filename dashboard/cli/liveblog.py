"""`python -m dashboard liveblog parse|ingest FILE …` and `liveblog watch URL`.

cli/main.py registers them with `add_liveblog_commands(sub)`; every handler takes the parsed
arguments and returns an exit code. User errors raise DashboardError subclasses (one-line
messages; cli.main prints `error: …` and exits 2) and nothing is written to the store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard import settings
from dashboard.cli.feed import add_poll_options, poll_timeout, say
from dashboard.election import election_of
from dashboard.inputs import input_name, read_input
from dashboard.liveblog.parse import Entry, ParsedBlog, read_liveblog
from dashboard.liveblog.reactions import Gazetteer, Reaction, extract_reaction, load_people

if TYPE_CHECKING:
    from dashboard.feed.watch import PollResult

JSON_KEYS = (
    "id",
    "date",
    "time",
    "headline",
    "body",
    "permalink",
    "people",
    "outlet",
    "camp",
    "stance",
    "quotes",
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from exc


def gazetteer() -> Gazetteer:
    """The people gazetteer of the data folder (empty, with a warning, when absent)."""
    path = settings.election_dir() / "people.csv"
    if not path.exists():
        print(f"warning: {path} not found: people and camps left empty", file=sys.stderr)
        return Gazetteer([], [])
    return load_people(path)


def _read(args: argparse.Namespace, source_url: str) -> ParsedBlog:
    return read_liveblog(
        read_input(args.file),
        blog_date=args.date,
        source_url=source_url,
        where=input_name(args.file),
        election=election_of(settings.election_dir()),
    )


def entry_json(entry: Entry, reaction: Reaction) -> dict[str, Any]:
    """One entry as printed by `liveblog parse --format json` (keys JSON_KEYS)."""
    return {
        "id": entry.id,
        "date": entry.date.isoformat(),
        "time": entry.hhmm,
        "headline": entry.headline,
        "body": entry.body,
        "permalink": entry.permalink,
        "people": list(reaction.speaker_names),
        "outlet": reaction.outlet,
        "camp": reaction.camp_label,
        "stance": reaction.stance,
        "quotes": list(reaction.quotes),
    }


# The table is read by people: French headers (the JSON keys stay the documented English ones).
TABLE_HEADERS = {
    "date": "date",
    "time": "heure",
    "headline": "titre",
    "people": "personnes",
    "outlet": "média",
    "camp": "camp",
    "stance": "position",
}
READ_AS = {"text": "texte", "html": "page HTML", "jsonld": "JSON-LD"}


def parse_summary(count: int, *, newest_first: bool, fmt: str) -> str:
    """ "3 entrées (les plus anciennes d'abord, lues comme texte)"."""
    noun = "entrée" if count == 1 else "entrées"
    order = "les plus récentes d'abord" if newest_first else "les plus anciennes d'abord"
    read = "lue" if count == 1 else "lues"
    return f"{count} {noun} ({order}, {read} comme {READ_AS.get(fmt, fmt)})"


def _cut(text: str | None, width: int) -> str:
    text = " ".join((text or "—").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(rows: list[dict[str, Any]]) -> str:
    columns = (
        ("date", 10),
        ("time", 5),
        ("headline", 44),
        ("people", 24),
        ("outlet", 22),
        ("camp", 26),
        ("stance", 22),
    )
    lines = ["  ".join(TABLE_HEADERS[name].ljust(width) for name, width in columns).rstrip()]
    for row in rows:
        cells = []
        for name, width in columns:
            value = row[name]
            if isinstance(value, list):
                value = ", ".join(value) or None
            cells.append(_cut(value, width).ljust(width))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def cmd_parse(args: argparse.Namespace) -> int:
    source_url = args.source_url or ("stdin" if args.file == "-" else Path(args.file).name)
    parsed = _read(args, source_url)
    people = gazetteer()
    rows = [entry_json(e, extract_reaction(e, people)) for e in parsed.entries]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(_table(rows))
        print(parse_summary(len(rows), newest_first=parsed.newest_first, fmt=parsed.format))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from dashboard.liveblog.store import ingest_liveblog
    from dashboard.store import Store

    parsed = _read(args, args.source_url)
    people = gazetteer()
    report = ingest_liveblog(
        Store(settings.store_dir()), parsed, source_url=args.source_url, gazetteer=people
    )
    print(f"{settings.store_dir()}: {report.summary()}")
    return 0


def cmd_liveblog_watch(args: argparse.Namespace) -> int:
    from dashboard.cli.publish import republisher
    from dashboard.feed.watch import parse_interval, watch_liveblog

    every = parse_interval(args.every)
    say(f"suivi du direct {args.url} toutes les {every:g} s (Ctrl-C pour arrêter)")
    results: list[PollResult] = []
    republish = republisher(args.publish)

    def on_poll(result: PollResult) -> None:
        results[:] = [result]
        say(result.line())
        republish(result)

    polls = watch_liveblog(
        args.url,
        every=every,
        max_polls=args.max_polls,
        on_poll=on_poll,
        blog_date=args.date,
        timeout=poll_timeout(args),
    )
    say(f"{polls} relevé(s) du direct")
    return 0 if results and results[-1].ok else 1


def add_liveblog_commands(subparsers: Any) -> None:
    """Register `liveblog parse` and `liveblog ingest` on the CLI's sub-command parsers."""
    liveblog = subparsers.add_parser(
        "liveblog", help="read a live blog (text, HTML or JSON-LD): parse or store it"
    )
    sub = liveblog.add_subparsers(dest="action", required=True, metavar="ACTION")
    file_help = "live-blog text, HTML page or schema.org JSON-LD; - reads standard input"
    date_help = (
        "the day the blog starts, YYYY-MM-DD (default: read from the text, e.g. a "
        "'30/01/17 - 13:01' stamp)"
    )

    parse = sub.add_parser("parse", help="print the entries with who reacted, where, camp")
    parse.add_argument("file", metavar="FILE", help=file_help)
    parse.add_argument("--date", type=_date, help=date_help)
    parse.add_argument(
        "--source-url", help="the blog's address, for ids and permalinks (default: FILE's name)"
    )
    parse.add_argument("--format", choices=("json", "table"), default="table")
    parse.set_defaults(func=cmd_parse)

    ingest = sub.add_parser("ingest", help="store the entries and reactions (idempotent)")
    ingest.add_argument("file", metavar="FILE", help=file_help)
    ingest.add_argument("--date", type=_date, help=date_help)
    ingest.add_argument(
        "--source-url", required=True, help="the blog's address: it keys the blog in the store"
    )
    ingest.set_defaults(func=cmd_ingest)

    blog_watch = sub.add_parser(
        "watch", help="poll a live blog (JSON-LD, HTML or text) and add new entries"
    )
    add_poll_options(blog_watch, "60s")
    blog_watch.add_argument(
        "--date", type=_date, help="day the blog starts, YYYY-MM-DD (text blogs without dates)"
    )
    blog_watch.set_defaults(func=cmd_liveblog_watch)
