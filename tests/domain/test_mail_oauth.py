"""The SASL messages an OAuth2 mailbox sends, and when its access token is refreshed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casedesk.domain.mail_oauth import PRESETS, needs_refresh, oauthbearer, xoauth2

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_token_is_refreshed_a_minute_before_it_expires_or_when_its_expiry_is_unknown() -> None:
    assert not needs_refresh(NOW + timedelta(seconds=61), NOW)
    assert needs_refresh(NOW + timedelta(seconds=60), NOW)
    assert needs_refresh(NOW - timedelta(seconds=1), NOW)
    assert needs_refresh(None, NOW)


def test_the_sasl_messages_follow_xoauth2_and_rfc_7628() -> None:
    assert xoauth2("a@example.com", "tok") == b"user=a@example.com\x01auth=Bearer tok\x01\x01"
    assert oauthbearer("a,b=c@example.com", "tok") == (
        b"n,a=a=2Cb=3Dc@example.com,\x01auth=Bearer tok\x01\x01"
    )


def test_the_presets_ask_for_a_refresh_token() -> None:
    assert "offline_access" in PRESETS["microsoft"].scopes
    assert "https://outlook.office.com/IMAP.AccessAsUser.All" in PRESETS["microsoft"].scopes
    assert PRESETS["google"].scopes == "https://mail.google.com/"
    assert ("access_type", "offline") in PRESETS["google"].authorize_params
