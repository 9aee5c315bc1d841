"""Who may reach the newsroom desk. Pure: the app layer passes in what secrets hold.

- `oidc`: `[auth]` is configured in .streamlit/secrets.toml → staff sign in with st.login;
- `password`: no OIDC, but the `desk` setting is `on` and secrets hold a `desk_password` of
  at least 12 characters (a shorter or blank one is refused: `desk_problem` says why, in
  French, and the desk stays off);
- `off`: anything else. A public deployment shows no desk at all.

With OIDC, only the e-mail addresses or domains of `[desk] allowed = ["a@b.fr",
"@redaction.fr"]` in secrets get in; no list means nobody. The limit on failed password
attempts is per client address and per typed name (`RateLimiter` keys), so a stranger's
guesses never lock the staff out.
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


MIN_PASSWORD = 12


def desk_problem(secrets: Mapping[str, Any]) -> str | None:
    """Why a desk asked for (DASHBOARD_DESK=on, no OIDC) stays off, in French; None when
    nothing is wrong or no desk is asked for."""
    if oidc_provider(secrets) is not None or settings.get_str("desk").strip().lower() != "on":
        return None
    password = secrets.get("desk_password")
    if not isinstance(password, str) or not password.strip():
        return "Le desk n'est pas activé : aucun mot de passe `desk_password` dans les secrets."
    if len(password) < MIN_PASSWORD:
        return (
            "Le desk n'est pas activé : le mot de passe `desk_password` est trop court "
            f"({len(password)} caractères ; il en faut au moins {MIN_PASSWORD})."
        )
    return None


def desk_mode(secrets: Mapping[str, Any]) -> str:
    if oidc_provider(secrets) is not None:
        return "oidc"
    if settings.get_str("desk").strip().lower() == "on" and secrets.get("desk_password"):
        return "off" if desk_problem(secrets) else "password"
    return "off"


def allowed_accounts(secrets: Mapping[str, Any]) -> tuple[str, ...]:
    """`[desk] allowed` from secrets, lower-cased: addresses ("a@b.fr") and domains
    ("@redaction.fr"). Missing or malformed → () (nobody)."""
    desk = secrets.get("desk") if hasattr(secrets, "get") else None
    values = desk.get("allowed") if isinstance(desk, Mapping) else None
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return ()
    return tuple(v.strip().lower() for v in values if isinstance(v, str) and "@" in v)


def email_allowed(email: object, secrets: Mapping[str, Any]) -> bool:
    """True when the signed-in `email` is on the allow-list, by address or by domain."""
    if not isinstance(email, str) or email.count("@") != 1:
        return False
    address = email.strip().lower()
    domain = "@" + address.split("@", 1)[1]
    return any(entry in (address, domain) for entry in allowed_accounts(secrets))


def password_ok(given: str, expected: str) -> bool:
    """Constant-time comparison, so response time does not leak how much of it matched."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class RateLimiter:
    """At most `limit` failed attempts per `window` seconds per key (a client address, a
    typed name), for one app server process."""

    def __init__(self, limit: int, window: float = 300.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]  # forgotten keys do not pile up
            return deque()
        return failures

    def blocked(self, *keys: str, now: float | None = None) -> bool:
        """True when any of `keys` used up its attempts."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys or ("",))

    def fail(self, *keys: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys or ("",):
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)


def attempt_keys(address: str | None, name: str) -> tuple[str, str]:
    """The counters one login attempt goes against: its client address and the typed name."""
    return (f"ip:{address or 'inconnue'}", "nom:" + " ".join(name.split()).casefold())


def check_login(
    limiter: RateLimiter,
    address: str | None,
    name: str,
    given: str,
    expected: str,
    now: float | None = None,
) -> str:
    """ "ok", "blocked" or "wrong" for one attempt. The password is compared every time (in
    constant time) together with the limit of this client and this name, so a blocked
    attempt costs as long as any other and others' failures never count against staff."""
    keys = attempt_keys(address, name)
    right = password_ok(given, expected) and len(expected) >= MIN_PASSWORD
    if limiter.blocked(*keys, now=now):
        return "blocked"
    if right:
        return "ok"
    limiter.fail(*keys, now=now)
    return "wrong"
