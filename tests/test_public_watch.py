"""`results watch … --publish DIR` republishes the public site after each new snapshot, and
the staff nginx configuration is valid for Debian's nginx."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_cli_feed import night_server  # noqa: F401 - the feed stopped at 23:55 (23:50 shown)

from dashboard.public.nginx import nginx_binary
from dashboard.testing import ROOT, run_cli

NBSP = "\u00a0"


def test_watch_with_publish_puts_the_new_snapshot_on_the_public_site(
    env: dict[str, str],
    tmp_path: Path,
    night_server,  # noqa: F811 - the imported fixture
) -> None:
    live = dict(env, DASHBOARD_STORE_DIR=str(tmp_path / "live"))
    out = tmp_path / "public"
    done = run_cli(
        "results",
        "watch",
        night_server.url,
        "--every",
        "0.2",
        "--max-polls",
        "2",
        "--publish",
        str(out),
        env=live,
    )
    log = done.stdout.decode()
    assert done.returncode == 0, (log, done.stderr.decode())
    lines = log.splitlines()
    # Before the first poll the live store is empty: one line, the watcher goes on.
    assert lines[1].startswith("erreur de publication : ")
    assert "nouveau relevé t2-2350" in lines[2]
    assert lines[3].startswith("site publié : ")
    assert "inchangé" in lines[4] and not lines[5].startswith("site publié")
    page = (out / "current" / "index.html").read_text(encoding="utf-8")
    assert f'data-f="lead-share">58,87{NBSP}%<' in page
    assert f"7{NBSP}023 / 7{NBSP}208" in page


def test_staff_nginx_config_is_accepted_by_nginx(tmp_path: Path) -> None:
    binary = nginx_binary()
    if binary is None:
        pytest.fail("nginx is missing: apt-get install -y nginx-light (make test does it)")
    conf = tmp_path / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\nhttp {\n"
        + "".join(
            f"  {k}_temp_path {tmp_path}/{k};\n"
            for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {ROOT}/deploy/nginx-staff.conf;\n}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr
