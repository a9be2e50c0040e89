"""Who may connect to a coach and share reflections: one rule, used by the pages and the services."""

from __future__ import annotations

import pytest

from modules.people import accounts, sharing
from modules.people.accounts import PermissionDenied

PASSWORD = "een-lang-wachtwoord"


@pytest.mark.parametrize(
    ("role", "shares"), [("teacher", True), ("facilitator", True), ("coach", False), ("admin", False)]
)
def test_teachers_and_facilitators_share_coaches_and_admins_do_not(store, role, shares):
    account = accounts.ensure_account(store, f"iemand-{role}", PASSWORD, role)
    coach = accounts.ensure_account(store, "coach-bert", PASSWORD, "coach")
    assert sharing.can_share(account) is shares
    if shares:
        assert sharing.connect_with_code(store, account, coach.invite_code).id == coach.id
    else:
        with pytest.raises(PermissionDenied):
            sharing.connect_with_code(store, account, coach.invite_code)


def test_a_switched_off_teacher_shares_nothing(store):
    teacher = accounts.ensure_account(store, "juf-anna", PASSWORD, "teacher")
    off = teacher.model_copy(update={"active": False})
    assert not sharing.can_share(off)
