"""`results watch … --publish DIR` republishes the public site after each new snapshot, and
the staff nginx configuration is valid for Debian's nginx."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from conftest import DATA, ROOT, run_cli

from dashboard.feed.replay import night_documents, start_replay_server
from dashboard.fr import PARIS
from dashboard.public.nginx import nginx_binary
from dashboard.store import Store

NBSP = "\u00a0"


@pytest.fixture
def feed_at_2355():
    """The replay feed of round 2 stopped at 23:55 (it serves the 23:50 snapshot)."""
    server = start_replay_server(
        2, documents=night_documents(Store(DATA / "store"), DATA, 2), speed=0, data_dir=DATA,
        start=datetime(2017, 1, 29, 23, 55, tzinfo=PARIS),
    )  # fmt: skip
    yield server
    server.shutdown()


def test_watch_with_publish_puts_the_new_snapshot_on_the_public_site(
    env: dict[str, str], tmp_path: Path, feed_at_2355
) -> None:
    live = dict(env, DASHBOARD_STORE_DIR=str(tmp_path / "live"))
    out = tmp_path / "public"
    done = run_cli("results", "watch", feed_at_2355.url, "--every", "0.2", "--max-polls", "2",
                   "--publish", str(out), env=live)  # fmt: skip
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
        + "".join(f"  {k}_temp_path {tmp_path}/{k};\n"
                  for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {ROOT}/deploy/nginx-staff.conf;\n}}\n",
        encoding="utf-8",
    )  # fmt: skip
    done = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(conf)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr
