"""Sign-in cookies hold on every app server: signed with the store's shared key, or with SAMENSPEL_SECRET_KEY.

Two store objects on one data folder stand for two app servers of one deployment (each process
opens its own store; the cluster browser test, tests/e2e/test_cluster.py, does it with real servers).
"""

from __future__ import annotations

import pytest

from modules import settings
from modules.people import accounts, logins
from modules.storage import TinyDBStore

KEY = "k" * settings.SECRET_KEY_MIN


def _two_servers(tmp_path):
    root = tmp_path / "shared-data"
    return TinyDBStore(root), TinyDBStore(root)


def test_a_cookie_one_server_set_holds_on_the_other(tmp_path, monkeypatch):
    monkeypatch.delenv("SAMENSPEL_SECRET_KEY", raising=False)
    server_a, server_b = _two_servers(tmp_path)
    account = accounts.ensure_account(server_a, "leider", "een-lang-wachtwoord", "facilitator")
    sign_in = logins.start(server_a, account)
    found = logins.from_cookie(server_b, sign_in.cookie)
    assert found is not None and found[1].id == account.id
    token, value = logins.new_device(server_a)
    assert logins.device_from_cookie(server_b, value) == token


def test_the_operators_key_signs_instead_of_the_stores(tmp_path, monkeypatch):
    server_a, server_b = _two_servers(tmp_path)
    account = accounts.ensure_account(server_a, "leider", "een-lang-wachtwoord", "facilitator")
    monkeypatch.setenv("SAMENSPEL_SECRET_KEY", KEY)
    cookie = logins.start(server_a, account).cookie
    assert logins.from_cookie(server_b, cookie) is not None  # the same key on every server
    monkeypatch.delenv("SAMENSPEL_SECRET_KEY")
    assert logins.from_cookie(server_b, cookie) is None  # a server without it: the store's key, no match
    monkeypatch.setenv("SAMENSPEL_SECRET_KEY", KEY.replace("k", "x"))
    assert logins.from_cookie(server_b, cookie) is None  # a new key: every cookie is worthless


@pytest.mark.parametrize("value", ["kort", "k" * (settings.SECRET_KEY_MIN - 1)])
def test_a_short_key_is_refused(monkeypatch, value):
    monkeypatch.setenv("SAMENSPEL_SECRET_KEY", value)
    with pytest.raises(ValueError, match="SAMENSPEL_SECRET_KEY"):
        settings.secret_key()


def test_no_key_means_the_store_signs(monkeypatch):
    monkeypatch.setenv("SAMENSPEL_SECRET_KEY", "   ")
    assert settings.secret_key() is None
