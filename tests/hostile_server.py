"""A feed on 127.0.0.1 serving the hostile fixtures (tests/fixtures/hostile/): by name
(`/<file>`), or as a sequence — each request gets the next payload, the last one stays —
with an ETag per payload and If-None-Match → 304, like a real feed."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
TYPES = {
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".csv": "text/csv; charset=windows-1252",
}


class HostileFeed:
    """`url(name)` serves one fixture; `sequence_url` serves `sequence` in turn."""

    def __init__(self, sequence: list[str] | None = None) -> None:
        self.sequence = list(sequence or [])
        self.served: list[str] = []  # names, one per request of the sequence
        self._lock = threading.Lock()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # http.server calls it by this name
                name = self.path.lstrip("/")
                if name == "sequence":
                    with feed._lock:
                        index = min(len(feed.served), len(feed.sequence) - 1)
                        name = feed.sequence[index]
                        feed.served.append(name)
                path = HOSTILE / name
                if not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", TYPES.get(path.suffix, "text/plain"))
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    @property
    def sequence_url(self) -> str:
        return f"{self.base}/sequence"

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()
