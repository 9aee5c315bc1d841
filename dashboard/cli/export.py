"""`python -m dashboard export …`: the newsroom files of a chart, from the command line.

    export vote-split --format png --preset article --round 2 --at 23:50 --out x.png
    export --list
    export --all --out DIR            # every chart × preset × format

Argument parsing only: charts come from `dashboard.charts.bundles`, files from
`dashboard.export.render`.
One Chromium serves every image of the run (the export module keeps it).
"""

from __future__ import annotations

import argparse
import struct
from pathlib import Path
from typing import Any

from dashboard import settings
from dashboard.cli.progress import Progress, fr_bytes
from dashboard.errors import DashboardError, NotApplicable
from dashboard.export.formats import DATA_FORMATS, FORMATS, ExportResult, export_chart
from dashboard.export.frame import PRESETS
from dashboard.export.names import filename
from dashboard.store import write_bytes_atomic


def add_export_commands(subparsers: Any) -> None:
    """Register `export` on the top-level sub-parsers of `dashboard.cli.main`."""
    p = subparsers.add_parser(
        "export",
        help="write a chart as PNG/SVG/PDF/HTML (newsroom frame) or its data as CSV/JSON",
        description="Write a chart as PNG/SVG/PDF/HTML with the newsroom frame, or the data "
        "behind it as CSV (French Excel: ';' and decimal comma) / JSON.",
    )
    p.add_argument("chart", nargs="?", metavar="CHART", help="chart name (see --list)")
    p.add_argument("--list", action="store_true", help="name the charts and exit")
    p.add_argument("--all", action="store_true", help="write every chart × preset × format")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="file format (default: png; with --all: every format)",
    )
    p.add_argument(
        "--preset",
        choices=tuple(PRESETS),
        help="canvas: "
        + ", ".join(f"{k} {v.width}×{v.height}" for k, v in PRESETS.items())
        + " (default: article; with --all: every preset)",
    )
    p.add_argument("--round", type=int, default=None, help="round number (default: the last round)")
    p.add_argument("--at", help="HH:MM on election night (Paris time): the chart as it was then")
    p.add_argument("--dark", action="store_true", help="dark variant of the images")
    p.add_argument("--out", help="file to write (a folder: named for you); with --all, a folder")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from dashboard.charts import bundles  # lazy: pulls the store and the figure builders

    if args.list:
        width = max(len(n) for n in bundles.ALL_CHARTS)
        for name, spec in bundles.ALL_CHARTS.items():
            print(f"{name:<{width}}  {spec.label}")
        return 0
    if args.all == bool(args.chart):
        raise DashboardError("export: name one CHART, or use --all (see `export --list`)")
    if not args.out:
        raise DashboardError("export: --out is required (a file, or a folder with --all)")
    if args.all:
        return _export_all(args, bundles)

    if args.chart not in bundles.ALL_CHARTS:
        raise DashboardError(
            f"unknown chart {args.chart!r}; charts: {', '.join(bundles.ALL_CHARTS)}"
        )
    fmt = args.format or "png"
    preset = args.preset or "article"
    bundle = _build(bundles, args.chart, args)
    out = Path(args.out)
    if out.is_dir() or args.out.endswith(("/", "\\")):
        out = out / _file_name(bundle, fmt, preset, dark=args.dark)
    elif out.suffix.lower().lstrip(".") != fmt:
        # x.svg holding a PNG would open nowhere: refuse rather than guess which was meant.
        raise DashboardError(f"--out {out} does not end in .{fmt} (--format {fmt})")
    result = export_chart(
        bundle.fig, fmt=fmt, preset=preset, frame=bundle, data=bundle.data, dark=args.dark
    )
    write_bytes_atomic(out, result.content)
    print(f"écrit {out} ({describe(result)})")
    print(f"texte alternatif : {result.alt_text}")
    return 0


def _build(bundles: Any, name: str, args: argparse.Namespace) -> Any:
    from dashboard.store import Store

    kwargs: dict[str, Any] = {"at": args.at, "dark": args.dark}
    if args.round is not None:
        kwargs["round"] = args.round
    return bundles.build_chart(
        name, store=Store(settings.store_dir()), data_dir=settings.election_dir(), **kwargs
    )


def _export_all(args: argparse.Namespace, bundles: Any) -> int:
    out_dir = Path(args.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise DashboardError(f"--all writes a folder of files: {out_dir} is a file")
    formats = [args.format] if args.format else list(FORMATS)
    presets = [args.preset] if args.preset else list(PRESETS)
    # The data does not depend on the canvas: one CSV/JSON per chart.
    jobs = [
        (fmt, preset)
        for fmt in formats
        for preset in (presets if fmt not in DATA_FORMATS else presets[:1])
    ]
    failed: dict[str, str] = {}
    # Charts of results by area, where the election has them (no word where it has none).
    built, absent = {}, set()
    for name in bundles.AREA_CHARTS:
        try:
            built[name] = _build(bundles, name, args)
        except NotApplicable:
            absent.add(name)
        except DashboardError:
            pass  # told below, as for any chart
    names = [*bundles.CHARTS, *(n for n in bundles.AREA_CHARTS if n not in absent)]
    with Progress(total=len(jobs) * len(names)) as progress:
        for name in names:
            try:
                bundle = built[name] if name in built else _build(bundles, name, args)
            except (DashboardError, ImportError) as exc:
                # One chart that cannot be built (no reactions yet, its module not installed)
                # must not cost the others; the exit status still says something was skipped.
                failed[name] = str(exc)
                progress.skipped(len(jobs))
                progress.note(f"ignoré {name} : {exc}")
                continue
            for fmt, preset in jobs:
                # A folder of pages shares one plotly.js (written once) instead of 4.7 MB each.
                result = export_chart(
                    bundle.fig,
                    fmt=fmt,
                    preset=preset,
                    frame=bundle,
                    data=bundle.data,
                    dark=args.dark,
                    plotlyjs="shared",
                )
                path = out_dir / _file_name(bundle, fmt, preset, dark=args.dark)
                write_bytes_atomic(path, result.content)
                for size in write_assets(out_dir, result):
                    progress.bytes += size
                progress.done(path, len(result.content))
        if not progress.count:
            # Nothing at all (empty store, wrong round): an error, not a partial success.
            raise DashboardError(f"no chart could be exported: {next(iter(failed.values()))}")
    return 1 if failed else 0


def write_assets(folder: Path, result: ExportResult) -> list[int]:
    """Write the files `result` needs beside it, unless already there with the same bytes;
    the sizes of those written."""
    sizes = []
    for name, content in result.assets.items():
        path = folder / name
        if path.is_file() and path.stat().st_size == len(content) and path.read_bytes() == content:
            continue
        write_bytes_atomic(path, content)
        sizes.append(len(content))
    return sizes


def _file_name(bundle: Any, fmt: str, preset: str, *, dark: bool) -> str:
    return filename(
        bundle.election_slug,
        bundle.round,
        bundle.slug,
        bundle.file_moment,
        fmt,
        preset=preset,
        dark=dark,
    )


def describe(result: ExportResult) -> str:
    """ "2400×1350 PNG, 96,4 ko": what an editor checks before sending the file on."""
    size = fr_bytes(len(result.content))
    if result.filename_ext == "png" and result.content[12:16] == b"IHDR":
        width, height = struct.unpack(">II", result.content[16:24])
        return f"{width}×{height} PNG, {size}"
    return f"{result.filename_ext.upper()}, {size}"
