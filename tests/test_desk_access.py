"""Desk access that holds: per-client and per-name attempt limits checked with the password,
short passwords refused at start, the OIDC allow-list, the signed-in e-mail in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.desk import actions
from dashboard.desk.access import (
    RateLimiter,
    allowed_accounts,
    check_login,
    desk_mode,
    desk_problem,
    email_allowed,
)
from dashboard.store import Store

ROOT = Path(__file__).parent.parent
PAGE = str(ROOT / "dashboard" / "app" / "screens" / "desk.py")
SECRET = "correct horse battery staple"


def test_a_strangers_guesses_never_lock_the_staff_out():
    limiter = RateLimiter(3, window=300)
    for n in range(10):  # a stranger hammers from one address with any names
        assert check_login(limiter, "203.0.113.9", f"x{n}", "guess", SECRET, now=n) in (
            "wrong",
            "blocked",
        )
    assert check_login(limiter, "203.0.113.9", "Camille", SECRET, SECRET, now=11) == "blocked"
    # Staff from their own address, with their own name, still get in with the password.
    assert check_login(limiter, "198.51.100.4", "Camille", SECRET, SECRET, now=12) == "ok"


def test_the_limit_holds_per_typed_name_across_addresses():
    limiter = RateLimiter(3, window=300)
    for n in range(3):
        assert check_login(limiter, f"203.0.113.{n}", "Camille", "guess", SECRET, now=n) == "wrong"
    assert check_login(limiter, "203.0.113.50", "  camille ", SECRET, SECRET, now=4) == "blocked"
    assert check_login(limiter, "203.0.113.50", "Dominique", SECRET, SECRET, now=5) == "ok"
    assert check_login(limiter, "203.0.113.50", "Camille", SECRET, SECRET, now=400) == "ok"


@pytest.mark.parametrize("password", ["", "   ", "x", "onze-chars!"])
def test_a_short_or_blank_password_keeps_the_desk_off_with_a_french_reason(password, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DESK", "on")
    secrets = {"desk_password": password}
    assert desk_mode(secrets) == "off"
    assert desk_problem(secrets).startswith("Le desk n'est pas activé : ")
    assert desk_mode({"desk_password": "douze-chars!"}) == "password"
    assert desk_problem({"desk_password": "douze-chars!"}) is None


def test_short_password_desk_page_says_why(app_env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DESK", "on")
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["desk_password"] = "x"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Le desk n'est pas activé : le mot de passe `desk_password` est trop court "
        "(1 caractères ; il en faut au moins 12)."
    ]
    assert not at.text_input and not at.tabs


@pytest.mark.parametrize(
    "email, ok",
    [
        ("a@b.fr", True),
        ("A@B.FR", True),
        ("c@redaction.fr", True),
        ("c@redaction.fr.evil", False),
        ("c@sub.redaction.fr", False),
        ("x@gmail.com", False),
        (None, False),
        ("a@b@b.fr", False),
    ],
)
def test_oidc_allow_list_by_address_or_domain(email, ok):
    secrets = {"desk": {"allowed": ["a@b.fr", "@redaction.fr"]}}
    assert email_allowed(email, secrets) is ok


def test_no_allow_list_means_nobody():
    assert allowed_accounts({}) == ()
    assert not email_allowed("chef@redaction.fr", {})
    assert not email_allowed("chef@redaction.fr", {"desk": {"allowed": "redaction.fr"}})


def oidc_desk(monkeypatch, email: str, allowed: list[str] | None) -> AppTest:
    """The desk page with OIDC configured and `email` signed in (AppTest's mock user)."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost/oauth2callback",
        "client_id": "c",
        "client_secret": "s",
        "cookie_secret": "k" * 32,
        "server_metadata_url": "https://id.example/.well-known/openid-configuration",
    }
    if allowed is not None:
        at.secrets["desk"] = {"allowed": allowed}
    at.user = {"is_logged_in": True, "email": email, "name": "Camille"}
    return at.run()


def test_oidc_account_not_on_the_list_is_refused(app_env, monkeypatch):
    at = oidc_desk(monkeypatch, "x@gmail.com", ["@redaction.fr"])
    assert not at.exception
    assert any("n'est pas autorisé" in e.value for e in at.error) and not at.tabs
    at = oidc_desk(monkeypatch, "chef@redaction.fr", None)
    assert any("n'est pas autorisé" in e.value for e in at.error) and not at.tabs


def test_oidc_allowed_account_is_audited_by_its_email(app_env, monkeypatch):
    at = oidc_desk(monkeypatch, "chef@redaction.fr", ["@redaction.fr"])
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["Live blog", "Réactions", "Résultats", "Journal"]
    assert any("chef@\u2060redaction\\.fr" in c.value for c in at.caption)
    at.text_area(key="blog-text").input("10h05 : Réaction\n\nYannick Jadot salue le vote.")
    at.text_input(key="blog-url").input("https://example.org/live")
    at.button(key="blog-preview").click().run()
    at.button(key="blog-save").click().run()
    log = actions.audit_log(Store(app_env))
    assert log.iloc[0]["action"] == "ingest_liveblog" and log.iloc[0]["who"] == "chef@redaction.fr"


def test_staff_name_in_the_desk_caption_is_text(app_env, monkeypatch):
    import streamlit as st

    st.cache_resource.clear()
    monkeypatch.setenv("DASHBOARD_DESK", "on")
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["desk_password"] = SECRET
    at.run()
    at.text_input[0].input("# Chef ![x](https://evil.example/t.png) :red[x]")
    at.text_input[1].input(SECRET)
    at.button[0].click().run()
    caption = next(c.value for c in at.caption if c.value.startswith("Connecté"))
    assert "\\#" in caption and "\\!\\[x\\]" in caption and "\\:red\\[x\\]" in caption
    st.cache_resource.clear()
