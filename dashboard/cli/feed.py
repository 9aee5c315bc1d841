"""Feed commands: `results fetch URL`, `results watch URL --every 30s` and `feed replay …`.
Parsing only; the work is in dashboard.feed.watch / replay."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard import settings
from dashboard.cli.publish import republisher
from dashboard.errors import DashboardError, FeedError
from dashboard.fr import PARIS

if TYPE_CHECKING:
    from dashboard.feed.watch import PollResult


def say(line: str) -> None:
    # One line per event, flushed at once: a watcher's output is read live or piped to a log.
    print(line, flush=True)


def poll_timeout(args: argparse.Namespace) -> tuple[float, float] | None:
    if args.timeout is None:
        return None
    if args.timeout <= 0:
        raise FeedError(f"--timeout must be more than 0 seconds, got {args.timeout:g}")
    from dashboard.feed.http import default_timeout

    return default_timeout()[0], float(args.timeout)


def _as_of(text: str):
    from dashboard.model import parse_time

    try:
        return parse_time(text, field="--as-of")
    except DashboardError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time (e.g. 2030-04-07T20:00, Paris time): {text!r}"
        ) from None


def _round(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 9:
        raise argparse.ArgumentTypeError(f"a round is a whole number 1–9, got {text!r}")
    return int(text)


def add_document_options(parser: argparse.ArgumentParser) -> None:
    """--as-of and --round: what a ministry file may not say itself."""
    parser.add_argument(
        "--as-of",
        type=_as_of,
        metavar="TIME",
        help="when the figures were published (ISO 8601, Paris time) for a file that does "
        "not say (no 'Date de l'export'; an XML document read without its index)",
    )
    parser.add_argument(
        "--round",
        type=_round,
        metavar="N",
        help="round of a ministry wide file whose name does not say (…-t1-…)",
    )


def cmd_results_fetch(args: argparse.Namespace) -> int:
    from dashboard.feed.watch import fetch_once

    result = fetch_once(args.url, timeout=poll_timeout(args), as_of=args.as_of, round_=args.round)
    if not result.ok:
        raise FeedError(result.error or "fetch failed")
    say(result.line())
    return 0


def cmd_results_watch(args: argparse.Namespace) -> int:
    from dashboard.feed.watch import parse_interval, watch

    every = parse_interval(args.every)
    store = settings.store_dir()
    say(f"suivi de {args.url} toutes les {every:g} s → {store} (Ctrl-C pour arrêter)")
    results: list[PollResult] = []
    republish = republisher(args.publish)

    def on_poll(result: PollResult) -> None:  # the last outcome makes the exit code
        results[:] = [result]
        say(result.line())
        republish(result)

    polls = watch(
        args.url,
        every=every,
        max_polls=args.max_polls,
        on_poll=on_poll,
        timeout=poll_timeout(args),
        as_of=args.as_of,
        round_=args.round,
    )
    say(f"{polls} relevé(s) du flux")
    return 0 if results and results[-1].ok else 1


def cmd_feed_replay(args: argparse.Namespace) -> int:
    from dashboard.feed.replay import ReplayServer, start_replay_server
    from dashboard.store import Store

    holder: list[ReplayServer] = []

    def log(message: str) -> None:
        clock = f" [{holder[0].clock():%H:%M}]" if holder else ""
        say(f"{datetime.now(tz=PARIS):%H:%M:%S}{clock} {message}")

    store = Store(Path(args.store)) if args.store else None
    round_ = args.round
    if round_ is None:
        from dashboard.election import load_election

        round_ = load_election(settings.election_dir() / "election.toml").last_round.number
    server = start_replay_server(
        round_,
        speed=args.speed,
        port=args.port,
        start=args.start,
        store=store,
        fail_rate=args.fail_rate,
        slow=args.slow,
        corrupt=args.corrupt,
        down_after=args.down_after,
        seed=args.seed,
        log=None if args.quiet else log,
    )
    holder.append(server)
    say(
        f"replay du tour {round_} ×{args.speed:g} depuis {server.clock():%d/%m %H:%M} : "
        f"{server.url} (aussi {server.csv_url}, {server.status_url}) — Ctrl-C pour arrêter"
    )
    shown = None
    try:
        while not server.down.wait(0.25):
            doc = server.current_document()
            sid = doc.get("snapshot_id") if doc else None
            if sid != shown:
                shown = sid
                log(f"publié {sid}")
    finally:
        server.shutdown()
    say(f"flux arrêté après {server.feed_requests} requête(s)")
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within 0–1, got {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def add_poll_options(parser: argparse.ArgumentParser, every: str) -> None:
    parser.add_argument("url", help="http(s) URL of the feed")
    parser.add_argument(
        "--every", default=every, help=f"time between polls: 30s, 2m or 30 (default {every})"
    )
    parser.add_argument(
        "--max-polls", type=_positive_int, help="stop after this many polls (default: never)"
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds to wait for an answer (default: setting)"
    )
    parser.add_argument(
        "--publish",
        metavar="DIR",
        help="republish the public site into DIR after each new snapshot or entry",
    )


def add_feed_commands(
    sub: argparse._SubParsersAction, results_sub: argparse._SubParsersAction
) -> None:
    """Register the feed commands on the top-level and `results` sub-parsers."""
    fetch = results_sub.add_parser("fetch", help="poll a results feed once; store what is new")
    fetch.add_argument(
        "url", help="http(s) URL of the feed (JSON document, ministry CSV or XML, or its index)"
    )
    fetch.add_argument(
        "--timeout", type=float, help="seconds to wait for an answer (default: setting)"
    )
    add_document_options(fetch)
    fetch.set_defaults(func=cmd_results_fetch)

    watch = results_sub.add_parser(
        "watch", help="poll a results feed every N seconds (the store's one writer)"
    )
    add_poll_options(watch, "30s")
    add_document_options(watch)
    watch.set_defaults(func=cmd_results_watch)

    feed = sub.add_parser("feed", help="replay feed server for rehearsals and tests")
    feed_sub = feed.add_subparsers(dest="action", required=True, metavar="ACTION")
    replay = feed_sub.add_parser(
        "replay", help="serve the election night's snapshots on 127.0.0.1, time-accelerated"
    )
    replay.add_argument(
        "--round", type=int, default=None, help="round to replay (default: the last round)"
    )
    replay.add_argument(
        "--speed", type=_seconds, default=60.0, help="replay seconds per real second (default 60)"
    )
    replay.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    replay.add_argument(
        "--start",
        help="replay clock start, HH:MM on election night (default: just before "
        "the round's first snapshot)",
    )
    replay.add_argument(
        "--fail-rate", type=_rate, default=0.0, help="fraction of requests answered HTTP 500"
    )
    replay.add_argument(
        "--slow", type=_seconds, default=0.0, help="seconds to wait before each answer"
    )
    replay.add_argument(
        "--corrupt",
        type=_rate,
        nargs="?",
        const=1.0,
        default=0.0,
        metavar="RATE",
        help="serve truncated (malformed) documents: always, or this fraction of the time",
    )
    replay.add_argument(
        "--down-after", type=int, metavar="N", help="go down (refuse connections) after N requests"
    )
    replay.add_argument("--seed", type=int, default=0, help="seed of the fault RNG (default 0)")
    replay.add_argument("--store", help="store to replay from (default: setting store_dir)")
    replay.add_argument("--quiet", action="store_true", help="do not log each request")
    replay.set_defaults(func=cmd_feed_replay)
