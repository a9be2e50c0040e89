"""Accounts: hashing, sign-up, sign-in, throttling, reset codes, migration, admin functions, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import argon2
import pytest

from modules import cli
from modules.people import accounts
from modules.people.accounts import AuthError, PermissionDenied, ThrottledError
from modules.play.engine import PlayState
from modules.records import Attempt, Reflection
from modules.storage import TinyDBStore
from tests.conftest import ROOT, stored_text

PASSWORD = "een-lang-wachtwoord"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def admin_of(store):
    return accounts.ensure_account(store, "beheer", PASSWORD, "admin")


def fail(store, username, at, times=1):
    for _ in range(times):
        with pytest.raises(AuthError) as caught:
            accounts.sign_in(store, username, "helemaal-fout-wachtwoord", at=at)
        assert not isinstance(caught.value, ThrottledError)


# --- hashing ---------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes(store):
    account = accounts.sign_up(store, "leraar", PASSWORD)
    stored = store.get_account(account.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored_text(store)


def test_production_hashes_use_argon2_cffi_defaults(monkeypatch):
    monkeypatch.delenv("SAMENSPEL_ARGON2_PROFILE", raising=False)
    hasher, default = accounts._hasher(), argon2.PasswordHasher()
    for name in ("time_cost", "memory_cost", "parallelism", "hash_len", "salt_len"):
        assert getattr(hasher, name) == getattr(default, name), name
    assert hasher.type is argon2.Type.ID
    assert hasher.hash("x" * 12).startswith(
        f"$argon2id$v=19$m={default.memory_cost},t={default.time_cost},p={default.parallelism}$"
    )


def test_weak_test_hashes_are_upgraded_on_sign_in_in_production(store, monkeypatch):
    accounts.sign_up(store, "leraar", PASSWORD)  # test profile: cheap parameters
    monkeypatch.delenv("SAMENSPEL_ARGON2_PROFILE", raising=False)
    accounts.sign_in(store, "leraar", PASSWORD)
    assert store.find_account(username="leraar").password_hash.startswith("$argon2id$v=19$m=65536,")


# --- sign-up and sign-in ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("ab", PASSWORD, "gebruikersnaam van 3 tot 60 tekens"),
        ("x" * 61, PASSWORD, "gebruikersnaam van 3 tot 60 tekens"),
        ("   ", PASSWORD, "gebruikersnaam van 3 tot 60 tekens"),
        ("leraar\u200b\u0007", PASSWORD, "geen onzichtbare tekens"),
        ("leraar", "kort", "minstens 10 tekens"),
        ("lange gebruikersnaam", "Lange Gebruikersnaam", "niet gelijk zijn aan je gebruikersnaam"),
    ],
)
def test_sign_up_explains_what_is_wrong(store, username, password, message):
    with pytest.raises(AuthError, match=message):
        accounts.sign_up(store, username, password)
    assert store.list_accounts() == []


def test_sign_up_refuses_a_taken_username_ignoring_case_and_spaces(store):
    accounts.sign_up(store, "Groen Potlood", PASSWORD)
    with pytest.raises(AuthError, match="al in gebruik"):
        accounts.sign_up(store, "  groen   potlood ", PASSWORD)
    assert len(store.list_accounts()) == 1


def test_sign_up_makes_a_teacher_who_can_sign_in(store):
    made = accounts.sign_up(store, "Groen Potlood", PASSWORD)
    assert made.role == "teacher"
    assert accounts.sign_in(store, "groen potlood", PASSWORD).id == made.id


def test_wrong_password_and_unknown_username_give_the_same_message(store):
    accounts.sign_up(store, "leraar", PASSWORD)
    with pytest.raises(AuthError) as wrong_password:
        accounts.sign_in(store, "leraar", "niet-het-wachtwoord")
    with pytest.raises(AuthError) as unknown_user:
        accounts.sign_in(store, "bestaat-niet", PASSWORD)
    assert str(wrong_password.value) == str(unknown_user.value) == accounts.WRONG


def test_deactivated_accounts_cannot_sign_in_and_get_the_generic_message(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    accounts.admin_set_active(store, admin, teacher.id, False)
    with pytest.raises(AuthError) as refused:
        accounts.sign_in(store, "leraar", PASSWORD)
    assert str(refused.value) == accounts.WRONG
    accounts.admin_set_active(store, admin, teacher.id, True)
    assert accounts.sign_in(store, "leraar", PASSWORD).id == teacher.id


# --- throttling ------------------------------------------------------------------------------


def test_after_five_failures_even_the_right_password_waits_and_the_wait_grows(store):
    accounts.sign_up(store, "leraar", PASSWORD)
    fail(store, "leraar", T0, times=5)

    with pytest.raises(ThrottledError) as first:
        accounts.sign_in(store, "leraar", PASSWORD, at=T0 + timedelta(seconds=1))
    assert str(first.value) == "Te veel mislukte pogingen. Probeer het over 29 seconden opnieuw."  # the real wait
    assert first.value.wait == timedelta(seconds=29)

    after_first = T0 + accounts.BASE_WAIT + timedelta(seconds=1)
    fail(store, "leraar", after_first)  # the lock has passed; one more failure locks for longer
    with pytest.raises(ThrottledError) as second:
        accounts.sign_in(store, "leraar", PASSWORD, at=after_first + timedelta(seconds=1))
    assert second.value.wait > first.value.wait
    assert second.value.wait == 2 * accounts.BASE_WAIT - timedelta(seconds=1)

    after_second = after_first + 2 * accounts.BASE_WAIT + timedelta(seconds=1)
    assert accounts.sign_in(store, "leraar", PASSWORD, at=after_second).username == "leraar"
    fail(store, "leraar", after_second, times=4)  # success reset the count: four more are free again
    assert accounts.sign_in(store, "leraar", PASSWORD, at=after_second).username == "leraar"


def test_the_wait_doubles_up_to_fifteen_minutes(store):
    accounts.sign_up(store, "leraar", PASSWORD)
    moment, waits = T0, []
    fail(store, "leraar", moment, times=accounts.FREE_FAILURES)
    for _ in range(7):
        with pytest.raises(ThrottledError) as locked:
            accounts.sign_in(store, "leraar", PASSWORD, at=moment)
        waits.append(locked.value.wait)
        moment += locked.value.wait  # exactly when the wait is over, one more failure
        fail(store, "leraar", moment)
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480, 900, 900)]
    assert "15 minuten" in str(locked.value)


def test_an_unknown_username_is_throttled_exactly_like_a_known_one(store):
    accounts.sign_up(store, "bestaat", PASSWORD)
    outcomes = {}
    for name in ("bestaat", "bestaat-niet"):
        seen = []
        for second in range(7):
            try:
                accounts.sign_in(store, name, "fout-fout-fout", at=T0 + timedelta(seconds=second))
            except ThrottledError as exc:
                seen.append(("wait", exc.wait, str(exc)))
            except AuthError as exc:
                seen.append(("wrong", str(exc)))
        outcomes[name] = seen
    assert outcomes["bestaat"] == outcomes["bestaat-niet"]
    assert [o[0] for o in outcomes["bestaat"]] == ["wrong"] * 5 + ["wait"] * 2


def test_throttle_of_one_username_does_not_block_another(store):
    accounts.sign_up(store, "leraar", PASSWORD)
    accounts.sign_up(store, "collega", PASSWORD)
    fail(store, "leraar", T0, times=5)
    assert accounts.sign_in(store, "collega", PASSWORD, at=T0).username == "collega"


# --- reset codes -----------------------------------------------------------------------------


def test_a_reset_code_works_once(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    code = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    assert store.get_account(teacher.id).reset_code_hash.startswith("$argon2id$")
    assert code not in stored_text(store)

    accounts.reset_password(store, "leraar", code.lower().replace("-", " "), "nieuw-wachtwoord-1", at=T0)
    assert accounts.sign_in(store, "leraar", "nieuw-wachtwoord-1").id == teacher.id
    with pytest.raises(AuthError):
        accounts.sign_in(store, "leraar", PASSWORD)
    with pytest.raises(AuthError, match="code klopt niet"):
        accounts.reset_password(store, "leraar", code, "nog-een-wachtwoord", at=T0)
    assert accounts.sign_in(store, "leraar", "nieuw-wachtwoord-1").id == teacher.id


def test_a_reset_code_expires_after_48_hours(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    code = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    with pytest.raises(AuthError, match="verlopen"):
        accounts.reset_password(store, "leraar", code, "nieuw-wachtwoord-1", at=T0 + timedelta(hours=48, seconds=1))
    accounts.reset_password(store, "leraar", code, "nieuw-wachtwoord-1", at=T0 + timedelta(hours=47, minutes=59))
    assert accounts.sign_in(store, "leraar", "nieuw-wachtwoord-1").id == teacher.id


def test_the_admin_page_shows_how_long_a_code_still_works(store):
    """code_valid_until: the expiry while the code works; nothing once it is used or expired."""
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    assert accounts.code_valid_until(teacher, T0) is None
    code = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    with_code = store.get_account(teacher.id)
    assert accounts.code_valid_until(with_code, T0) == T0 + timedelta(hours=48)
    assert accounts.code_valid_until(with_code, T0 + timedelta(hours=48)) is None
    accounts.reset_password(store, "leraar", code, "nieuw-wachtwoord-1", at=T0)
    assert accounts.code_valid_until(store.get_account(teacher.id), T0) is None


def test_a_wrong_or_replaced_code_is_refused(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    old = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    new = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    for wrong in (old, "AAAA-BBBB-CCCC", ""):
        with pytest.raises(AuthError, match="code klopt niet"):
            accounts.reset_password(store, "leraar", wrong, "nieuw-wachtwoord-1", at=T0)
    with pytest.raises(AuthError, match="code klopt niet"):  # right code, wrong username
        accounts.reset_password(store, "iemand-anders", new, "nieuw-wachtwoord-1", at=T0)
    accounts.reset_password(store, "leraar", new, "nieuw-wachtwoord-1", at=T0)


def test_a_short_new_password_keeps_the_code_usable(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    code = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    with pytest.raises(AuthError, match="minstens 10 tekens"):
        accounts.reset_password(store, "leraar", code, "kort", at=T0)
    accounts.reset_password(store, "leraar", code, "nieuw-wachtwoord-1", at=T0)


def test_guessing_reset_codes_is_throttled(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    code = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    for _ in range(accounts.FREE_FAILURES):
        with pytest.raises(AuthError):
            accounts.reset_password(store, "leraar", "AAAA-BBBB-CCCC", "nieuw-wachtwoord-1", at=T0)
    with pytest.raises(ThrottledError):
        accounts.reset_password(store, "leraar", code, "nieuw-wachtwoord-1", at=T0)


def test_an_admin_created_account_sets_its_password_with_the_code(store):
    admin = admin_of(store)
    coach, code = accounts.admin_create_account(store, admin, "coach anna", "coach", at=T0)
    assert coach.role == "coach" and coach.invite_code and coach.needs_password
    with pytest.raises(AuthError):  # no password yet: nothing to sign in with
        accounts.sign_in(store, "coach anna", "")
    accounts.reset_password(store, "Coach Anna", code, "mijn-coach-wachtwoord", at=T0 + timedelta(hours=1))
    assert accounts.sign_in(store, "coach anna", "mijn-coach-wachtwoord").id == coach.id


def test_deactivated_accounts_cannot_use_a_reset_code(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    code = accounts.admin_reset_code(store, admin, teacher.id, at=T0)
    accounts.admin_set_active(store, admin, teacher.id, False)
    with pytest.raises(AuthError, match="code klopt niet"):
        accounts.reset_password(store, "leraar", code, "nieuw-wachtwoord-1", at=T0)


# --- migration of nickname profiles ---------------------------------------------------------


def _data_for(store, user_id):
    state = PlayState(scenario_id="de-taalbarriere", node="start", variables={"vertrouwen": 0})
    store.create_attempt(Attempt(user_id=user_id, scenario_id="de-taalbarriere", state=state))
    store.add_reflection(Reflection(user_id=user_id, intention="Ik luister eerst."))


def test_migration_keeps_the_user_id_and_the_data(store):
    profile = store.profile_for("Zonnebloem")
    _data_for(store, profile.id)

    assert accounts.migrate_profiles(store) == 1
    account = store.find_account(username="zonnebloem")
    assert account.id == profile.id and account.username == "Zonnebloem"
    assert account.role == "teacher" and account.migrated_from_nickname and account.needs_password
    assert account.created_at == profile.created_at
    assert len(store.list_attempts(account.id)) == 1
    assert [r.intention for r in store.list_reflections(account.id)] == ["Ik luister eerst."]


def test_migration_is_idempotent(store):
    store.profile_for("Zonnebloem")
    store.profile_for("Klaproos")
    assert accounts.migrate_profiles(store) == 2
    before = store.list_accounts()
    assert accounts.migrate_profiles(store) == 0
    assert store.list_accounts() == before


def test_migration_gives_a_clashing_nickname_a_free_username(store):
    existing = accounts.sign_up(store, "zonnebloem", PASSWORD)
    profile = store.profile_for("Zonnebloem")
    _data_for(store, profile.id)
    assert accounts.migrate_profiles(store) == 1
    migrated = store.get_account(profile.id)
    assert migrated.username == "Zonnebloem-2"
    assert store.find_account(username="zonnebloem").id == existing.id
    assert len(store.list_attempts(migrated.id)) == 1
    assert store.list_attempts(existing.id) == []


def test_claiming_a_migrated_nickname_sets_the_first_password_once(store):
    profile = store.profile_for("Zonnebloem")
    _data_for(store, profile.id)
    accounts.migrate_profiles(store)

    with pytest.raises(AuthError, match="minstens 10 tekens"):
        accounts.claim_migrated(store, "zonnebloem", "kort")
    claimed = accounts.claim_migrated(store, "zonnebloem", PASSWORD)
    assert claimed.id == profile.id
    assert accounts.sign_in(store, "Zonnebloem", PASSWORD).id == profile.id
    assert len(store.list_reflections(claimed.id)) == 1

    with pytest.raises(AuthError, match="al een wachtwoord"):
        accounts.claim_migrated(store, "zonnebloem", "een-ander-wachtwoord")
    assert accounts.sign_in(store, "Zonnebloem", PASSWORD).id == profile.id


def test_only_migrated_accounts_can_be_claimed(store):
    admin = admin_of(store)
    accounts.sign_up(store, "leraar", PASSWORD)
    coach, _ = accounts.admin_create_account(store, admin, "coach", "coach")  # no password yet, not migrated
    for name in ("leraar", "coach", "bestaat-niet"):
        with pytest.raises(AuthError):
            accounts.claim_migrated(store, name, "een-ander-wachtwoord")
    assert store.get_account(coach.id).password_hash is None


# --- administration --------------------------------------------------------------------------


def test_admin_functions_refuse_everyone_but_an_active_admin(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    coach, _ = accounts.admin_create_account(store, admin, "coach", "coach")
    other_admin = accounts.ensure_account(store, "tweede beheerder", PASSWORD, "admin")
    inactive_admin = accounts.command_set_active(store, other_admin.username, False)
    facilitator, _ = accounts.admin_create_account(store, admin, "gespreksleider", "facilitator")
    for actor in (teacher, coach, facilitator, inactive_admin, None):
        with pytest.raises(PermissionDenied):
            accounts.admin_create_account(store, actor, "nieuw", "coach")
        with pytest.raises(PermissionDenied):
            accounts.admin_reset_code(store, actor, teacher.id)
        with pytest.raises(PermissionDenied):
            accounts.admin_set_active(store, actor, teacher.id, False)
        with pytest.raises(PermissionDenied):
            accounts.admin_set_role(store, actor, teacher.id, "admin")
    assert store.find_account(username="nieuw") is None
    assert store.get_account(teacher.id) == teacher


def test_admins_cannot_switch_off_or_demote_themselves(store):
    admin = admin_of(store)
    with pytest.raises(AuthError, match="eigen account"):
        accounts.admin_set_active(store, admin, admin.id, False)
    with pytest.raises(AuthError, match="eigen rol"):
        accounts.admin_set_role(store, admin, admin.id, "teacher")
    assert store.get_account(admin.id).role == "admin" and store.get_account(admin.id).active


def test_an_admin_changes_roles_and_a_new_coach_gets_an_invite_code(store):
    admin = admin_of(store)
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    assert teacher.invite_code is None
    coach = accounts.admin_set_role(store, admin, teacher.id, "coach")
    assert coach.role == "coach" and coach.invite_code
    assert store.find_account(invite_code=coach.invite_code).id == teacher.id
    back = accounts.admin_set_role(store, admin, teacher.id, "facilitator")
    assert store.get_account(teacher.id).role == back.role == "facilitator"
    with pytest.raises(AuthError, match="Onbekende rol"):
        accounts.admin_set_role(store, admin, teacher.id, "superuser")
    with pytest.raises(AuthError, match="bestaat niet"):
        accounts.admin_set_role(store, admin, "0" * 32, "teacher")


def test_admin_create_account_validates_and_refuses_duplicates(store):
    admin = admin_of(store)
    with pytest.raises(AuthError, match="Onbekende rol"):
        accounts.admin_create_account(store, admin, "nieuw", "root")
    with pytest.raises(AuthError, match="3 tot 60"):
        accounts.admin_create_account(store, admin, "x", "coach")
    with pytest.raises(AuthError, match="al in gebruik"):
        accounts.admin_create_account(store, admin, "Beheer", "coach")
    facilitator, code = accounts.admin_create_account(store, admin, "gespreksleider", "facilitator")
    assert facilitator.invite_code is None and accounts.normalise_code(code) == code and len(code) == 14


def test_sign_in_method(store):
    admin = admin_of(store)
    coach, _ = accounts.admin_create_account(store, admin, "coach", "coach")
    school = accounts.oidc_account(store, "https://accounts.google.com", "123", "juf@school.nl", "Juf")
    assert accounts.sign_in_method(admin) == "password"
    assert accounts.sign_in_method(coach) == "none"
    assert accounts.sign_in_method(school) == "school"


# --- school sign-in (OIDC) -------------------------------------------------------------------


def test_a_school_sign_in_creates_a_teacher_once(store):
    first = accounts.oidc_account(store, "https://login.microsoftonline.com/t/v2.0", "abc", "juf@school.nl", "Juf A")
    again = accounts.oidc_account(store, "https://login.microsoftonline.com/t/v2.0", "abc", "nieuw@school.nl", "Juf")
    assert first.role == "teacher" and first.username == "juf@school.nl" and first.password_hash is None
    assert again.id == first.id and len(store.list_accounts()) == 1


def test_school_sign_ins_are_told_apart_by_issuer_and_subject(store):
    accounts.sign_up(store, "juf@school.nl", PASSWORD)  # someone took the e-mail address as a username
    google = accounts.oidc_account(store, "https://accounts.google.com", "abc", "juf@school.nl", None)
    microsoft = accounts.oidc_account(store, "https://login.microsoftonline.com/t/v2.0", "abc", "juf@school.nl", None)
    assert len({google.id, microsoft.id}) == 2
    assert google.username == "juf@school.nl-2" and microsoft.username == "juf@school.nl-3"
    with pytest.raises(AuthError):  # the password account is not taken over by the school sign-in
        accounts.sign_in(store, "juf@school.nl-2", PASSWORD)


def test_a_switched_off_school_account_is_refused(store):
    admin = admin_of(store)
    school = accounts.oidc_account(store, "https://accounts.google.com", "abc", "juf@school.nl", None)
    accounts.admin_set_active(store, admin, school.id, False)
    with pytest.raises(AuthError, match="uitgeschakeld"):
        accounts.oidc_account(store, "https://accounts.google.com", "abc", "juf@school.nl", None)
    assert len(store.list_accounts()) == 2  # no second account was made


def test_a_school_sign_in_without_issuer_or_subject_is_refused(store):
    for issuer, subject in (("", "abc"), ("https://accounts.google.com", ""), (None, None)):
        with pytest.raises(AuthError):
            accounts.oidc_account(store, issuer, subject, "juf@school.nl", None)
    assert store.list_accounts() == []


# --- the create-admin command ----------------------------------------------------------------


def _cli(tmp_path, *args, password=PASSWORD):
    env = {**os.environ, "SAMENSPEL_DATA_DIR": str(tmp_path / "data"), "SAMENSPEL_ADMIN_PASSWORD": password}
    return subprocess.run(
        [sys.executable, "-m", "modules", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_cli_creates_an_admin_who_can_sign_in(tmp_path):
    done = _cli(tmp_path, "create-admin", "schoolbeheer")
    assert done.returncode == 0, done.stderr
    assert "schoolbeheer" in done.stdout
    store = TinyDBStore(tmp_path / "data")
    admin = accounts.sign_in(store, "schoolbeheer", PASSWORD)
    assert admin.role == "admin" and admin.password_hash.startswith("$argon2id$")

    again = _cli(tmp_path, "create-admin", "SchoolBeheer")
    assert again.returncode == 1 and "al in gebruik" in again.stderr
    assert len(store.list_accounts()) == 1


def test_cli_refuses_a_short_password_and_bad_usage(tmp_path):
    short = _cli(tmp_path, "create-admin", "schoolbeheer", password="kort")
    assert short.returncode == 1 and "minstens 10 tekens" in short.stderr
    usage = _cli(tmp_path, "maak-admin")
    assert usage.returncode == 2 and "invalid choice: 'maak-admin'" in usage.stderr and "create-admin" in usage.stderr
    assert TinyDBStore(tmp_path / "data").list_accounts() == []


def test_cli_asks_for_the_password_twice(store, monkeypatch, capsys):
    monkeypatch.delenv("SAMENSPEL_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("SAMENSPEL_DATA_DIR", str(store.root))
    if getattr(store, "url", None):  # the command works on the deployment's database
        monkeypatch.setenv("SAMENSPEL_DATABASE_URL", store.url)
    answers = iter([PASSWORD, "iets-anders-dan-dat"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["create-admin", "schoolbeheer"]) == 1
    assert "differ" in capsys.readouterr().err and store.list_accounts() == []

    answers = iter([PASSWORD, PASSWORD])
    assert cli.main(["create-admin", "schoolbeheer"]) == 0
    assert accounts.sign_in(store, "schoolbeheer", PASSWORD).role == "admin"


@pytest.mark.tinydb_only
def test_migrating_many_profiles_writes_the_accounts_file_once(store, monkeypatch):
    """2,000 profiles took about a minute when every account was its own write of a growing file."""
    import json

    from modules.storage import files

    (store.root / "profiles.json").write_text(
        json.dumps(
            {
                "profiles": {
                    str(n): {
                        "id": f"{n:032x}",
                        "nickname": "Roos" if n % 3 == 0 else f"leraar {n}",
                        "created_at": "2026-10-01T08:00:00+00:00",
                        "key": "roos" if n % 3 == 0 else f"leraar {n}",
                    }
                    for n in range(1, 301)
                }
            }
        ),
        encoding="utf-8",
    )
    writes = []
    original = files.AtomicJSONStorage.write
    monkeypatch.setattr(
        files.AtomicJSONStorage, "write", lambda self, data: writes.append(self.path) or original(self, data)
    )
    assert accounts.migrate_profiles(store) == 300
    assert [p.name for p in writes] == ["accounts.json"]
    names = [a.username for a in store.list_accounts()]
    assert len(set(n.casefold() for n in names)) == 300 and "Roos" in names and "Roos-100" in names
    assert accounts.migrate_profiles(store) == 0
