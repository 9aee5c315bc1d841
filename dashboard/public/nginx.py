"""Run Debian's nginx in the foreground on a published site (make serve-public, tests, bench).

The server block is the shipped `deploy/nginx-public.conf`, rendered with a root and a
listen address into a generated prefix folder (nginx.conf, pid, logs, temp dirs): no system
service, nothing outside the prefix. `python -m dashboard.public.nginx --site DIR/current`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from dashboard.errors import DashboardError

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    return found or next((p for p in CANDIDATES if os.access(p, os.X_OK)), None)


def render_config(site: Path, prefix: Path, port: int, *, host: str = "127.0.0.1") -> Path:
    """Write prefix/nginx.conf serving `site` (e.g. DIR/current) on host:port."""
    prefix = Path(prefix).resolve()
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    server = (DEPLOY / "nginx-public.conf").read_text(encoding="utf-8")
    server = server.replace("__ROOT__", str(Path(site).absolute())).replace(
        "__LISTEN__", f"{host}:{port}"
    )
    (prefix / "public.conf").write_text(server, encoding="utf-8")
    temp = "".join(
        f"    {kind}_temp_path {prefix}/tmp/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as `nobody`, who cannot read a 0700 temp folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = (
        f"{user}worker_processes 2;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        f"    access_log off;\n    sendfile on;\n    tcp_nopush on;\n    keepalive_timeout 65;\n"
        f"    keepalive_requests 100000;\n{temp}"
        f"    include {prefix}/public.conf;\n"
        "}\n"
    )
    path = prefix / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    return path


class Nginx:
    """nginx in the foreground on `site`; a context manager (start → yield → stop)."""

    def __init__(self, site: Path, prefix: Path, port: int, *, host: str = "127.0.0.1") -> None:
        binary = nginx_binary()
        if binary is None:
            raise DashboardError(
                "nginx est introuvable : installez-le avec « apt-get install -y nginx-light »"
            )
        self.binary, self.host, self.port = binary, host, port
        self.prefix = Path(prefix).resolve()
        self.conf = render_config(site, self.prefix, port, host=host)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def check(self) -> None:
        """`nginx -t` on the generated configuration (one-line error when it fails)."""
        done = subprocess.run(
            [self.binary, "-t", "-p", str(self.prefix), "-c", str(self.conf)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise DashboardError(" ".join(done.stderr.split()))

    def start(self, timeout: float = 10.0) -> Nginx:
        self.check()
        self.proc = subprocess.Popen(
            [self.binary, "-p", str(self.prefix), "-c", str(self.conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise DashboardError(f"nginx s'est arrêté au démarrage : {' '.join(err.split())}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise DashboardError(f"nginx ne répond pas sur {self.url} après {timeout:g} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish the requests under way
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nginx in the foreground on a published site")
    parser.add_argument("--site", required=True, help="the site folder (DIR/current)")
    parser.add_argument("--prefix", default=".serve/nginx", help="generated config and logs")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    try:
        server = Nginx(Path(args.site), Path(args.prefix), args.port, host=args.host).start()
    except DashboardError as exc:
        print(f"error: {exc}", flush=True)
        return 2
    print(f"site public servi par nginx sur {server.url}/ (Ctrl-C pour arrêter)", flush=True)
    # SIGTERM (kill, make's own stop) stops nginx too, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        while server.proc is not None and server.proc.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
