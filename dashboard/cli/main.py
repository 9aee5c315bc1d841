"""`python -m dashboard …`: argument parsing only; the work is done by library functions.

User errors (DashboardError) print one line `error: …` on stderr and exit 2 — never a
traceback. Feature modules register their own sub-commands (cli_liveblog, cli_export, …).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from dashboard import __version__, settings
from dashboard.errors import DashboardError


class UsageError(DashboardError):
    """A command line argparse refused: printed as one `error:` line, exit 2."""


# argparse's own messages, in French (the pattern, the French with the same groups).
_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)", r"argument(s) obligatoire(s) manquant(s) : \1"),
    (r"unrecognized arguments: (.*)", r"argument(s) inconnu(s) : \1"),
    (
        r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
        r"argument \1 : choix inconnu \2 (au choix : \3)",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur attendue"),
    (r"argument (\S+): not allowed with argument (\S+)", r"argument \1 : incompatible avec \2"),
    (r"argument (\S+): (.*)", r"argument \1 : \2"),
)


def argparse_fr(message: str) -> str:
    """ "the following arguments are required: FILE" → "argument(s) obligatoire(s) manquant(s) :
    FILE"; a message not listed is kept as argparse wrote it."""
    for pattern, french in _ARGPARSE_FR:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, french, message)
    return message


class Parser(argparse.ArgumentParser):
    """argparse without its usage block on errors: one line `error: <command>: …`, exit 2
    (sub-command parsers are of this class too: argparse makes them with `type(self)`)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("dashboard").strip()
        where = f"{command} : " if command else ""
        raise UsageError(f"{where}{argparse_fr(message)} (voir --help)")


def _store():
    from dashboard.store import Store

    return Store(settings.store_dir())


def cmd_data_build(args: argparse.Namespace) -> int:
    from dashboard.results.record import build_store

    data_dir = settings.election_dir(Path(args.data_dir) if args.data_dir else None)
    report = build_store(data_dir, _store(), allow_flagged=args.allow_flagged)
    for sid, flags in report.flagged.items():
        for flag in flags:
            print(f"flagged {sid}: {flag}", file=sys.stderr)
    print(f"{settings.store_dir()}: {report.summary()}")
    return 0


def cmd_results_show(args: argparse.Namespace) -> int:
    from dashboard.results.views import results_document, results_text

    doc = results_document(_store(), settings.election_dir(), round_=args.round, at=args.at)
    if args.format == "json":
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(results_text(doc))
    return 0


def cmd_results_validate(args: argparse.Namespace) -> int:
    from dashboard.results.views import validate_path

    lines, ok = validate_path(
        Path(args.path),
        settings.election_dir(),
        store=_store(),
        as_of=args.as_of,
        round_=args.round,
    )
    for line in lines:
        print(line)
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    val = res_sub.add_parser(
        "validate", help="check a results source file or feed document: what fetch would do"
    )
    val.add_argument("path")
    from dashboard.cli.feed import add_document_options

    add_document_options(val)
    val.set_defaults(func=cmd_results_validate)

    for register in _plugins():
        register(sub, res_sub)
    _add_election_option(parser)
    return parser


def _add_election_option(parser: argparse.ArgumentParser) -> None:
    """`--election ID` on every command (each leaf parser): the election read and written."""
    children = [
        child
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for child in dict.fromkeys(action.choices.values())
    ]
    for child in children:
        _add_election_option(child)
    if not children and parser.prog != "dashboard":
        parser.add_argument(
            "--election",
            metavar="ID",
            help="élection (dossier de data/elections/ ; défaut : celle de data/elections.toml)",
        )


@contextlib.contextmanager
def _election(chosen: str | None) -> Iterator[None]:
    """Run a command on the election `chosen` (None: the setting's): the setting is set for
    the command's duration, so every path (store, raw archive, sources) follows it."""
    if not chosen:
        yield
        return
    settings.check_election(chosen)
    saved = os.environ.get("DASHBOARD_ELECTION")
    os.environ["DASHBOARD_ELECTION"] = chosen
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("DASHBOARD_ELECTION", None)
        else:
            os.environ["DASHBOARD_ELECTION"] = saved


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
    try:
        args = parser.parse_args(argv)
        with _election(getattr(args, "election", None)):
            return int(args.func(args) or 0)
    except DashboardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
