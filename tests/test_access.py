"""Who reaches the desk: configuration detection, constant-time check, rate limit."""

from __future__ import annotations

import pytest

from dashboard.desk.access import RateLimiter, desk_mode, oidc_provider, password_ok


def test_no_configuration_means_no_desk(monkeypatch):
    monkeypatch.delenv("DASHBOARD_DESK", raising=False)
    assert desk_mode({}) == "off"
    assert desk_mode({"desk_password": "x"}) == "off"  # a password alone does not open it
    monkeypatch.setenv("DASHBOARD_DESK", "on")
    assert desk_mode({}) == "off"  # the setting alone neither
    assert desk_mode({"desk_password": "a long enough passphrase"}) == "password"


@pytest.mark.parametrize(
    "auth, provider",
    [
        ({"redirect_uri": "https://x/oauth2callback", "client_id": "c"}, ""),
        ({"redirect_uri": "https://x/oauth2callback", "google": {"client_id": "c"}}, "google"),
        ({"client_id": "c"}, None),  # no redirect_uri: not usable
        ({"redirect_uri": "https://x/oauth2callback"}, None),
    ],
)
def test_oidc_is_detected_from_the_auth_section(auth, provider, monkeypatch):
    monkeypatch.delenv("DASHBOARD_DESK", raising=False)
    assert oidc_provider({"auth": auth}) == provider
    assert desk_mode({"auth": auth}) == ("off" if provider is None else "oidc")


def test_password_check_and_rate_limit():
    assert password_ok("s3cret phrase", "s3cret phrase")
    assert not password_ok("s3cret", "s3cret phrase")
    limiter = RateLimiter(2, window=300)
    assert not limiter.blocked("ip:a", now=0)
    limiter.fail("ip:a", now=0)
    limiter.fail("ip:a", now=1)
    assert limiter.blocked("ip:a", now=2)
    assert not limiter.blocked("ip:b", now=2)  # per key: another client is not blocked
    assert not limiter.blocked("ip:a", now=302)  # attempts older than the window are forgotten
