"""Limits on every input (issue 8, part 3).

Today's attack: a sign-in with a 1 MB username stored about 1 MB per failed attempt, and at
50 MB each write took 673 ms instead of 3. Now every field a user or a guest can fill has a
maximum, checked before anything is stored or hashed, and the throttle keeps nothing for
names that do not exist beyond a bounded, expiring counter.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from modules import storage as store_module
from modules.library.scenarios import load_library
from modules.people import accounts, sharing, throttle
from modules.play import practice, reflection
from modules.records import Comment, limits
from modules.storage import InvalidInputError, tinydb_store
from modules.team import sessions as team
from tests.conftest import stored_text
from tests.pages import PASSWORD, goto, open_app, sign_in

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def files(root) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.name.endswith(".lock")}


def _without_throttle(text: str) -> list[str]:
    """What a store holds, without its failure counters (a refused input may count as a failure)."""
    return [line for line in text.splitlines() if not line.startswith(("throttle: ", '{"throttle":'))]


def test_a_megabyte_username_is_refused_before_anything_is_stored_or_hashed(store, monkeypatch):
    accounts.sign_up(store, "leraar", PASSWORD)
    before, before_text = files(store.root), stored_text(store)
    hashed = []
    monkeypatch.setattr(accounts, "_verify", lambda *a: hashed.append(1) or False)
    huge = "x" * 1_000_000
    for _ in range(5):
        with pytest.raises(accounts.AuthError, match=f"hoogstens {accounts.USERNAME_MAX} tekens"):
            accounts.sign_in(store, huge, PASSWORD)
        with pytest.raises(accounts.AuthError, match=f"hoogstens {accounts.PASSWORD_MAX} tekens"):
            accounts.sign_in(store, "leraar", huge)
    assert files(store.root) == before and stored_text(store) == before_text and not hashed


@pytest.mark.tinydb_only
def test_unknown_names_leave_only_a_bounded_expiring_counter(store, monkeypatch):
    monkeypatch.setattr(tinydb_store, "THROTTLE_MAX", 40)
    for i in range(100):
        with pytest.raises(accounts.AuthError):
            accounts.sign_in(store, f"bestaat-niet-{i}-" + "y" * 40, "fout-fout-fout", at=T0)
    on_disk = (store.root / "throttle.json").read_text()
    assert "bestaat-niet" not in on_disk, "only a hash of a typed name is kept"
    entries = store._db(store.root / "throttle.json").table("throttle").all()
    assert len(entries) == 40, "the counter table is capped"
    assert all(len(e["key"]) == 64 for e in entries)
    assert all(datetime.fromisoformat(e["expires_at"]) <= T0 + throttle.SIGN_IN.memory for e in entries)

    later = T0 + throttle.SIGN_IN.memory + timedelta(seconds=1)
    with pytest.raises(accounts.AuthError):  # one more failure a day later: the old counters are gone
        accounts.sign_in(store, "nog-een-naam", "fout-fout-fout", at=later)
    assert len(store._db(store.root / "throttle.json").table("throttle").all()) == 1
    assert len((store.root / "throttle.json").read_bytes()) < 1000


def test_the_old_unbounded_throttle_is_dropped_at_start_up(app_env):
    accounts.sign_up(store_module.TinyDBStore(app_env), "leraar", PASSWORD)
    db = store_module.TinyDBStore(app_env)._db(app_env / "accounts.json")
    db.table("throttle").insert({"key": "z" * 1_000_000, "failures": 3, "locked_until": None})
    assert (app_env / "accounts.json").stat().st_size > 1_000_000
    open_app()
    assert (app_env / "accounts.json").stat().st_size < 10_000
    assert accounts.sign_in(store_module.TinyDBStore(app_env), "leraar", PASSWORD).username == "leraar"


@pytest.fixture
def world(store):
    teacher = accounts.sign_up(store, "leraar", PASSWORD)
    coach = accounts.ensure_account(store, "coach", PASSWORD, "coach")
    sharing.connect_with_code(store, teacher, coach.invite_code)
    item = store.add_reflection(reflection.build(teacher.id, {"ik_wilde": "Iets"}, "Een voornemen."))
    sharing.share_reflection(store, teacher, item.id, coach.id)
    scenario = load_library().get("de-taalbarriere")
    session = team.create(store, coach, scenario, allow_guests=True)
    return store, teacher, coach, item, scenario, session


def _over(limit: int) -> str:
    return "a" * (limit + 1)


CASES = {
    "username": lambda w: accounts.sign_up(w[0], _over(limits.USERNAME), PASSWORD),
    "password": lambda w: accounts.sign_up(w[0], "nieuwe-leraar", "wachtwoord " + _over(limits.PASSWORD)),
    "new password": lambda w: accounts.change_password(w[0], w[1], PASSWORD, "x " + _over(limits.PASSWORD)),
    "reset code": lambda w: accounts.reset_password(w[0], "leraar", _over(limits.ONE_TIME_CODE), "een-nieuwe-zin"),
    "reflection answer": lambda w: reflection.build(
        w[1].id, {"ik_wilde": _over(limits.REFLECTION_ANSWER)}, "Ja zeker."
    ),
    "intention": lambda w: reflection.build(w[1].id, {"ik_wilde": "x"}, _over(limits.REFLECTION_ANSWER)),
    "comment": lambda w: sharing.add_comment(w[0], w[2], w[1].id, w[3].id, _over(limits.COMMENT)),
    "invite code": lambda w: sharing.connect_with_code(w[0], w[1], _over(limits.INVITE_CODE)),
    "anticipation": lambda w: practice.new_attempt(w[1].id, w[4], _over(limits.ANTICIPATION)),
    "guest name": lambda w: team.join(w[0], w[5].code, guest_name=_over(limits.DISPLAY_NAME), device="d"),
    "join code": lambda w: team.join(w[0], _over(limits.JOIN_CODE), guest_name="Sam", device="d"),
    "vote reason": lambda w: team.vote(
        w[0], w[5].id, team.join(w[0], w[5].code, guest_name="Sam", device="e")[1].id, 0, "x", _over(limits.REASON)
    ),
}
ERRORS = (accounts.AuthError, reflection.ReflectionError, sharing.SharingError, practice.AttemptError, team.TeamError)


@pytest.mark.parametrize("field", sorted(CASES))
def test_every_field_has_a_maximum_with_a_dutch_message(world, field):
    store = world[0]
    before = {name: size for name, size in files(store.root).items() if name != "throttle.json"}
    before_text = stored_text(store)
    with pytest.raises(ERRORS) as refused:
        CASES[field](world)
    message = str(refused.value)
    assert any(words in message for words in ("tekens", "werkt niet", "klopt niet")), message
    after = {name: size for name, size in files(store.root).items() if name != "throttle.json"}
    if field == "vote reason":  # joining wrote the guest; the refused reason itself is not stored
        assert "a" * (limits.REASON + 1) not in stored_text(store)
    else:
        assert after == before, f"{field}: nothing may be stored"
        assert _without_throttle(stored_text(store)) == _without_throttle(before_text), f"{field}: nothing stored"


def test_the_store_refuses_over_long_text_from_any_caller(world):
    store, teacher, coach, item, *_ = world
    with pytest.raises(InvalidInputError):
        store.add_comment(
            Comment(
                reflection_id=item.id,
                owner_id=teacher.id,
                author_id=coach.id,
                author_name="coach",
                text="x" * (limits.COMMENT + 1),
            )
        )
    long = reflection.build(teacher.id, {"ik_wilde": "x"}, "Een voornemen.").model_copy(
        update={"intention": "y" * (limits.REFLECTION_ANSWER + 1)}
    )
    with pytest.raises(InvalidInputError):
        store.add_reflection(long)
    assert "y" * 100 not in stored_text(store)


def _max_chars(at) -> dict[str, int]:
    found = {}
    for kind in ("text_input", "text_area"):
        for widget in getattr(at, kind):
            found[widget.key or widget.label] = widget.proto.max_chars
    return found


def test_forms_show_their_limits(app_env):
    at = open_app()
    welcome = _max_chars(at)
    for key in (
        "in-user",
        "in-pass",
        "up-user",
        "up-pass",
        "up-again",
        "reset-user",
        "reset-code",
        "reset-pass",
        "claim-user",
        "claim-pass",
    ):
        assert 0 < welcome[key] <= limits.PASSWORD, key
    assert f"hoogstens {accounts.PASSWORD_MAX} tekens" in " ".join(t.label for t in at.text_input)
    goto(at, "ui/pages/meedoen.py")
    assert _max_chars(at)["join-code"] == limits.JOIN_CODE and _max_chars(at)["join-name"] == limits.DISPLAY_NAME
    assert f"hoogstens {limits.DISPLAY_NAME} tekens" in at.text_input(key="join-name").label

    at = sign_in(open_app(), *_teacher(app_env))
    start = at.button(key="start-de-taalbarriere")
    start.click().run()
    assert all(0 < n <= limits.ANTICIPATION for n in _max_chars(at).values())
    goto(at, "ui/pages/reflectie.py")
    assert set(_max_chars(at).values()) == {limits.REFLECTION_ANSWER}
    goto(at, "ui/pages/mijn_coach.py")
    assert _max_chars(at)["coach-code"] == limits.INVITE_CODE
    goto(at, "ui/pages/mijn_gegevens.py")
    assert _max_chars(at)["pw-new"] == limits.PASSWORD
    assert f"hoogstens {limits.PASSWORD} tekens" in at.text_input(key="pw-new").label


def _teacher(app_env):
    accounts.sign_up(store_module.TinyDBStore(app_env), "leraar", PASSWORD)
    return "leraar", PASSWORD
