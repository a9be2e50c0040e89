"""An account changed by two people at once keeps both changes (``Store.update_account``, both stores):
a password change takes an Argon2 hash, slow on purpose, and an admin who switches the account off
meanwhile is not undone by it."""

from __future__ import annotations

from modules.people import accounts, logins
from tests.conftest import reopen

PASSWORD, NEW = "een-lang-wachtwoord-1", "een-ander-wachtwoord-2"


class _SlowHasher:
    """The real hasher; while it hashes, ``meanwhile`` runs (another server's change of the account)."""

    def __init__(self, real, meanwhile):
        self._real, self._meanwhile = real, meanwhile

    def hash(self, secret):
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return self._real.hash(secret)

    def __getattr__(self, name):
        return getattr(self._real, name)


def test_an_account_switched_off_during_a_password_change_stays_off(store, monkeypatch):
    teacher = accounts.create_admin(store, "juf-anna", PASSWORD)
    admin_side = reopen(store)  # the admin on another app server
    real = accounts._hasher()
    slow = _SlowHasher(real, lambda: accounts.command_set_active(admin_side, "juf-anna", False))
    monkeypatch.setattr(accounts, "_hasher", lambda: slow)

    changed = accounts.change_password(store, teacher, PASSWORD, NEW)

    for seen in (changed, store.get_account(teacher.id), admin_side.get_account(teacher.id)):
        assert seen.active is False, "the switch-off made during the password change stays"
        assert real.verify(seen.password_hash, NEW), "and the new password is set"


def test_signing_out_everywhere_keeps_a_role_changed_meanwhile(store):
    coach = accounts.create_admin(store, "beheerder", PASSWORD)
    stale = store.get_account(coach.id)
    reopen(store).update_account(coach.id, lambda a: a.model_copy(update={"author": True}))
    out = logins.end_everywhere(store, stale)
    assert out.signed_out_at is not None and out.author is True
    assert store.get_account(coach.id).author is True
