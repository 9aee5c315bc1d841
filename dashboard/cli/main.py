"""`python -m dashboard …`: argument parsing only; the work is done by library functions.

User errors (DashboardError) print one line `error: …` on stderr and exit 2 — never a
traceback. Feature modules register their own sub-commands (cli_liveblog, cli_export, …).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import __version__, settings
from dashboard.errors import DashboardError


def _store():
    from dashboard.store import Store

    return Store(settings.store_dir())


def cmd_data_build(args: argparse.Namespace) -> int:
    from dashboard.results.record import build_store

    data_dir = Path(args.data_dir or settings.data_dir())
    report = build_store(data_dir, _store(), allow_flagged=args.allow_flagged)
    for sid, flags in report.flagged.items():
        for flag in flags:
            print(f"flagged {sid}: {flag}", file=sys.stderr)
    print(f"{settings.store_dir()}: {report.summary()}")
    return 0


def cmd_results_show(args: argparse.Namespace) -> int:
    from dashboard.results.views import results_document, results_text

    doc = results_document(_store(), settings.data_dir(), round_=args.round, at=args.at)
    if args.format == "json":
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(results_text(doc))
    return 0


def cmd_results_validate(args: argparse.Namespace) -> int:
    from dashboard.results.views import validate_path

    flags = validate_path(Path(args.path), settings.data_dir())
    if not flags:
        print(f"{args.path}: ok")
        return 0
    for sid, reasons in flags.items():
        for reason in reasons:
            print(f"{args.path}: snapshot {sid}: {reason}")
    print(f"{args.path}: {sum(len(r) for r in flags.values())} problem(s)", file=sys.stderr)
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dashboard",
        description="Election-night dashboard: results, live feed, live blogs, exports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = sub.add_parser("data", help="build the Parquet store from the source files")
    data_sub = data.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = data_sub.add_parser("build", help="source files of data/ → Parquet store")
    build.add_argument("--data-dir", help="folder of the source files (default: setting)")
    build.add_argument(
        "--allow-flagged",
        action="store_true",
        help="store snapshots that fail validation, flagged, instead of refusing the build",
    )
    build.set_defaults(func=cmd_data_build)

    results = sub.add_parser("results", help="show, validate, fetch results")
    res_sub = results.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = res_sub.add_parser("show", help="print the current (or then-current) snapshot")
    show.add_argument("--round", type=int, default=None, help="round number (default: last)")
    show.add_argument("--at", help="HH:MM on election night (Paris time), or an ISO time")
    show.add_argument("--format", choices=("json", "table"), default="table")
    show.set_defaults(func=cmd_results_show)
    val = res_sub.add_parser("validate", help="check a results source file or feed document")
    val.add_argument("path")
    val.set_defaults(func=cmd_results_validate)

    for register in _plugins():
        register(sub, res_sub)
    return parser


def _plugins():
    """Sub-commands of the feature modules (each adds its parsers to `sub` / `results`)."""
    from dashboard.cli import export, feed, liveblog, publish

    return (
        lambda sub, _res: liveblog.add_liveblog_commands(sub),
        lambda sub, _res: export.add_export_commands(sub),
        lambda sub, _res: publish.add_publish_commands(sub),
        feed.add_feed_commands,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DashboardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
