"""`python -m dashboard publish --out DIR`: the public site, built and swapped in atomically.
Parsing only; the work is in dashboard.public.site."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard import settings

if TYPE_CHECKING:
    from dashboard.feed.watch import PollResult


def publish_site(out: Path, *, images: bool = False, base_url: str = "") -> str:
    """Publish the store's site into `out` (`out/current`); the one-line summary."""
    from dashboard.public.site import publish
    from dashboard.store import Store

    report = publish(
        Store(settings.store_dir()), settings.election_dir(), out, images=images, base_url=base_url
    )
    return report.summary()


def cmd_publish(args: argparse.Namespace) -> int:
    print(publish_site(Path(args.out), images=args.images, base_url=args.base_url), flush=True)
    return 0


def add_publish_commands(sub: argparse._SubParsersAction) -> None:
    pub = sub.add_parser(
        "publish", help="write the public static site (served from DIR/current by nginx or a CDN)"
    )
    pub.add_argument("--out", required=True, help="folder of the published sites")
    pub.add_argument(
        "--images",
        action="store_true",
        help="also draw each chart's framed PNG/SVG (Chromium; only those not yet published)",
    )
    pub.add_argument(
        "--base-url", default="", help="public address of the site, for the embed snippets"
    )
    pub.set_defaults(func=cmd_publish)


def republisher(out: str | None) -> Callable[[PollResult], None]:
    """For `results watch … --publish DIR` / `liveblog watch … --publish DIR`: publish the
    site now, then again after each poll that stored something new. A failed publish is one
    logged line; the watcher goes on (the previous site stays online)."""
    if not out:
        return lambda _result: None
    from dashboard.errors import DashboardError
    from dashboard.feed.watch import NEW

    def attempt() -> None:
        try:
            print(publish_site(Path(out)), flush=True)
        except (DashboardError, OSError) as exc:
            print(f"erreur de publication : {' '.join(str(exc).split())}", flush=True)

    attempt()
    return lambda result: attempt() if result.outcome == NEW else None
