"""Who may reach the newsroom desk. Pure: the app layer passes in what secrets hold.

- `oidc`: `[auth]` is configured in .streamlit/secrets.toml → staff sign in with st.login;
- `password`: no OIDC, but the `desk` setting is `on` and secrets hold `desk_password`;
- `off`: anything else. A public deployment shows no desk at all.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from dashboard import settings


def oidc_provider(secrets: Mapping[str, Any]) -> str | None:
    """The provider for st.login: "" for a default `[auth]` with its own client_id, the name
    of the first `[auth.NAME]` section that has one, or None when OIDC is not configured."""
    auth = secrets.get("auth") if hasattr(secrets, "get") else None
    if not isinstance(auth, Mapping) or not auth.get("redirect_uri"):
        return None
    if auth.get("client_id"):
        return ""
    for name, section in auth.items():
        if isinstance(section, Mapping) and section.get("client_id"):
            return str(name)
    return None


def desk_mode(secrets: Mapping[str, Any]) -> str:
    if oidc_provider(secrets) is not None:
        return "oidc"
    if settings.get_str("desk").strip().lower() == "on" and secrets.get("desk_password"):
        return "password"
    return "off"


def password_ok(given: str, expected: str) -> bool:
    """Constant-time comparison, so response time does not leak how much of it matched."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class RateLimiter:
    """At most `limit` failed attempts per `window` seconds (per process: one app server)."""

    def __init__(self, limit: int, window: float = 300.0) -> None:
        self.limit, self.window = limit, window
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        while self._failures and now - self._failures[0] > self.window:
            self._failures.popleft()

    def blocked(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._prune(now)
            return len(self._failures) >= self.limit

    def fail(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._prune(now)
            self._failures.append(now)
