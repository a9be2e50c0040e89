"""Authorisation matrix: for every actor, what is allowed and what is refused.

Part A covers the service operations in ``modules/people/sharing.py`` and ``modules/people/accounts.py``
(the only way pages reach another user's data) and the readers built on them in
``modules/people/coaching.py`` and ``modules/exchange/``. Part B covers the pages: which pages each
role finds in the navigation, and whether a page outside it can be opened by URL.

Read the two tables ``OPERATIONS`` and ``PAGE_ROLES`` as the specification; the tests check
the app against them, so a change in who may do what has to change a table here as well.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from modules.exchange import mydata, portfolio
from modules.library.scenarios import load_library
from modules.people import accounts, coaching, sharing
from modules.people.accounts import PermissionDenied
from modules.play import engine, reflection
from modules.records import Account, Attempt, Comment, Reflection
from modules.storage import TinyDBStore
from modules.ui import context, shell
from tests.pages import APP, PASSWORD, TIMEOUT, as_user, open_app, signed_in, texts
from tests.streamlit_internals import NavigationMessages, open_by_url_path

# --- A. service operations ---------------------------------------------------------------------

ACTORS = ["anonymous", "owner", "other teacher", "connected coach", "unconnected coach", "admin"]

ALLOWED = "allowed"  # the call succeeds (and, for reads, returns the owner's data)
REFUSED = "refused"  # PermissionDenied, and nothing changes
SEES = "sees it"  # a listing that contains the shared item and nothing unshared
NOTHING = "sees nothing"  # a listing that is empty for this actor


def _row(anonymous, owner, other, connected, unconnected, admin) -> dict[str, str]:
    return dict(zip(ACTORS, (anonymous, owner, other, connected, unconnected, admin), strict=True))


# operation -> row(anonymous, owner, other teacher, connected coach, unconnected coach, admin)
OPERATIONS: dict[str, dict[str, str]] = {
    "read_reflection (shared)": _row(REFUSED, ALLOWED, REFUSED, ALLOWED, REFUSED, REFUSED),
    "read_reflection (not shared)": _row(REFUSED, ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "thread (shared)": _row(REFUSED, ALLOWED, REFUSED, ALLOWED, REFUSED, REFUSED),
    "thread (not shared)": _row(REFUSED, ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "add_comment (shared)": _row(REFUSED, ALLOWED, REFUSED, ALLOWED, REFUSED, REFUSED),
    "add_comment (not shared)": _row(REFUSED, ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "unread comments of the owner": _row(REFUSED, SEES, NOTHING, SEES, NOTHING, NOTHING),
    "teacher_attempts of the owner": _row(REFUSED, REFUSED, REFUSED, ALLOWED, REFUSED, REFUSED),
    "shared_reflections": _row(REFUSED, REFUSED, REFUSED, SEES, NOTHING, REFUSED),
    "shared_reflections of the owner": _row(REFUSED, REFUSED, REFUSED, SEES, NOTHING, REFUSED),
    "share_reflection of the owner's reflection": _row(REFUSED, ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "withdraw_reflection of the owner's reflection": _row(REFUSED, ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "admin_create_account": _row(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, ALLOWED),
    "admin_reset_code": _row(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, ALLOWED),
    "admin_set_active": _row(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, ALLOWED),
    "admin_set_role": _row(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, ALLOWED),
    "new_invite_code": _row(REFUSED, REFUSED, REFUSED, ALLOWED, ALLOWED, REFUSED),
    "coaching.load_teacher of the owner": _row(REFUSED, REFUSED, REFUSED, SEES, REFUSED, REFUSED),
    "coaching.load_cohort": _row(REFUSED, REFUSED, REFUSED, SEES, NOTHING, REFUSED),
    "coaching.load_export": _row(REFUSED, REFUSED, REFUSED, SEES, NOTHING, REFUSED),
    "portfolio.as_html of the owner's reflections": _row(REFUSED, ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "mydata.export holds the owner's log": _row(REFUSED, SEES, NOTHING, NOTHING, NOTHING, NOTHING),
}
# Cells where the code does not (yet) behave as the table says; each is a reported bug.
# Strict xfail: when a bug is fixed the test fails until its entry here is removed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@dataclass
class World:
    """Two teachers, two coaches and an admin; the owner is connected to one coach.

    The owner has a finished attempt, a reflection shared with the connected coach, a
    reflection shared with nobody, and comments on both that nobody has read yet.
    """

    store: TinyDBStore
    owner: Account
    other: Account
    coach: Account
    stranger: Account
    admin: Account
    shared: Reflection
    private: Reflection

    def actor(self, name: str) -> Account | None:
        return {
            "anonymous": None,
            "owner": self.owner,
            "other teacher": self.other,
            "connected coach": self.coach,
            "unconnected coach": self.stranger,
            "admin": self.admin,
        }[name]


def _reflection(owner: Account, text: str) -> Reflection:
    return reflection.build(owner.id, {"ik_wilde": text}, "Ik vraag eerst hoe het thuis gaat.")


NAMES = {"owner": "eigenaar", "other": "collega", "coach": "coach-een", "stranger": "coach-twee", "admin": "beheerder"}


@pytest.fixture(scope="module")
def world_template(tmp_path_factory, library) -> tuple[Path, str, str]:
    """The world's data folder, built once; every test gets its own copy."""
    root = tmp_path_factory.mktemp("world") / "progress"
    store = TinyDBStore(root)
    made = {
        key: accounts.ensure_account(store, NAMES[key], PASSWORD, role)
        for key, role in [
            ("owner", "teacher"),
            ("other", "teacher"),
            ("coach", "coach"),
            ("stranger", "coach"),
            ("admin", "admin"),
        ]
    }
    owner, other, coach = made["owner"], made["other"], made["coach"]
    scenario = library.get("de-taalbarriere")
    state = engine.start(scenario)
    while not state.finished:
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
    store.save_attempt(Attempt(user_id=owner.id, scenario_id=scenario.id, scenario_title=scenario.title, state=state))
    shared = store.add_reflection(_reflection(owner, "Gedeeld met mijn coach."))
    private = store.add_reflection(_reflection(owner, "Alleen voor mezelf."))
    assert sharing.connect_with_code(store, owner, coach.invite_code).id == coach.id
    sharing.share_reflection(store, owner, shared.id, coach.id)
    # The other teacher works with the same coach: that must not open the owner's log to them.
    sharing.connect_with_code(store, other, coach.invite_code)
    # Comments written straight to the store, so that nobody has read them yet.
    store.add_comment(
        Comment(
            reflection_id=shared.id,
            owner_id=owner.id,
            author_id=coach.id,
            author_name=coach.username,
            text="Wat wil je de volgende keer anders doen?",
        )
    )
    store.add_comment(
        Comment(
            reflection_id=shared.id,
            owner_id=owner.id,
            author_id=owner.id,
            author_name=owner.username,
            text="Eerst luisteren.",
        )
    )
    store.add_comment(
        Comment(
            reflection_id=private.id,
            owner_id=owner.id,
            author_id=owner.id,
            author_name=owner.username,
            text="Een notitie voor mezelf.",
        )
    )
    return root, shared.id, private.id


@pytest.fixture
def world(world_template, tmp_path) -> World:
    template, shared_id, private_id = world_template
    store = TinyDBStore(shutil.copytree(template, tmp_path / "progress"))
    people = {key: store.find_account(username=name) for key, name in NAMES.items()}
    owner = people["owner"]
    return World(
        store,
        owner,
        people["other"],
        people["coach"],
        people["stranger"],
        people["admin"],
        store.get_reflection(owner.id, shared_id),
        store.get_reflection(owner.id, private_id),
    )


def _read(w: World, actor, item: Reflection) -> str:
    found = sharing.read_reflection(w.store, actor, w.owner.id, item.id)
    assert found.id == item.id and found.answers == item.answers
    return ALLOWED


def _thread(w: World, actor, item: Reflection) -> str:
    comments = sharing.thread(w.store, actor, w.owner.id, item.id)
    assert comments and {c.reflection_id for c in comments} == {item.id}
    return ALLOWED


def _comment(w: World, actor, item: Reflection) -> str:
    before = len(w.store.list_comments(w.owner.id, item.id))
    try:
        sharing.add_comment(w.store, actor, w.owner.id, item.id, "Een reactie.")
    except PermissionDenied:
        assert len(w.store.list_comments(w.owner.id, item.id)) == before, "a refused comment was stored"
        raise
    assert len(w.store.list_comments(w.owner.id, item.id)) == before + 1
    return ALLOWED


def _unread(w: World, actor) -> str:
    counts = sharing.unread(w.store, actor, w.owner.id)
    if not counts:
        return NOTHING
    # The owner counts the coach's comment (not her own notes); the coach counts the owner's
    # reply on the shared reflection, never the note on the unshared one.
    assert counts == {w.shared.id: 1}, counts
    return SEES


def _attempts(w: World, actor) -> str:
    attempts = sharing.teacher_attempts(w.store, actor, w.owner.id)
    assert [a.user_id for a in attempts] == [w.owner.id]
    return ALLOWED


def _shared_list(w: World, actor, teacher_id: str | None) -> str:
    listed = sharing.shared_reflections(w.store, actor, teacher_id)
    if not listed:
        return NOTHING
    assert [(s.teacher.id, s.reflection.id) for s in listed] == [(w.owner.id, w.shared.id)]
    return SEES


def _share(w: World, actor) -> str:
    try:
        sharing.share_reflection(w.store, actor, w.private.id, w.coach.id)
    except PermissionDenied:
        assert not w.store.shares(reflection_id=w.private.id), "a refused share was stored"
        raise
    assert sharing.read_reflection(w.store, w.coach, w.owner.id, w.private.id).id == w.private.id
    return ALLOWED


def _withdraw(w: World, actor) -> str:
    try:
        sharing.withdraw_reflection(w.store, actor, w.shared.id, w.coach.id)
    except PermissionDenied:
        assert w.store.shares(reflection_id=w.shared.id), "a refused withdrawal removed the share"
        raise
    with pytest.raises(PermissionDenied):  # withdrawn: the coach no longer reads it
        sharing.read_reflection(w.store, w.coach, w.owner.id, w.shared.id)
    return ALLOWED


def _create_account(w: World, actor) -> str:
    try:
        account, code = accounts.admin_create_account(w.store, actor, "nieuwe-coach", "coach")
    except PermissionDenied:
        assert w.store.find_account(username="nieuwe-coach") is None
        raise
    assert w.store.find_account(username="nieuwe-coach").role == "coach" and code
    return ALLOWED


def _reset_code(w: World, actor) -> str:
    try:
        code = accounts.admin_reset_code(w.store, actor, w.owner.id)
    except PermissionDenied:
        assert w.store.get_account(w.owner.id).reset_code_hash is None
        raise
    accounts.reset_password(w.store, w.owner.username, code, "een-heel-nieuw-wachtwoord")
    return ALLOWED


def _set_active(w: World, actor) -> str:
    try:
        accounts.admin_set_active(w.store, actor, w.owner.id, False)
    except PermissionDenied:
        assert w.store.get_account(w.owner.id).active
        raise
    assert not w.store.get_account(w.owner.id).active
    return ALLOWED


def _invite_code(w: World, actor) -> str:
    before = actor.invite_code if actor is not None else None
    updated = accounts.new_invite_code(w.store, actor)
    assert updated.invite_code and updated.invite_code != before
    assert w.store.get_account(actor.id).invite_code == updated.invite_code
    return ALLOWED


def _set_role(w: World, actor) -> str:
    try:
        accounts.admin_set_role(w.store, actor, w.owner.id, "coach")
    except PermissionDenied:
        assert w.store.get_account(w.owner.id).role == "teacher"
        raise
    assert w.store.get_account(w.owner.id).role == "coach"
    return ALLOWED


def _load_teacher(w: World, actor) -> str:
    data = coaching.load_teacher(w.store, actor, w.owner.id)
    assert data.teacher.id == w.owner.id and [a.user_id for a in data.attempts] == [w.owner.id]
    assert [s.reflection.id for s in data.shared] == [w.shared.id]  # never the unshared one
    return SEES


def _load_cohort(w: World, actor) -> str:
    teachers, attempts = coaching.load_cohort(w.store, actor)
    if not teachers:
        assert attempts == []
        return NOTHING
    assert teachers == 2 and [a.user_id for a in attempts] == [w.owner.id]
    return SEES


def _load_export(w: World, actor) -> str:
    rows = coaching.load_export(w.store, actor, load_library(), include_text=True)
    if not rows:
        return NOTHING
    assert len(rows) == 1
    flat = " ".join(str(v) for v in rows[0].values())
    assert "Gedeeld met mijn coach." in flat and "Alleen voor mezelf." not in flat
    return SEES


def _portfolio(w: World, actor) -> str:
    page = portfolio.as_html(w.store, actor, [w.shared.id, w.private.id])
    assert "Gedeeld met mijn coach." in page and "Alleen voor mezelf." in page
    return ALLOWED


def _my_data(w: World, actor) -> str:
    data = json.dumps(mydata.export(w.store, actor), ensure_ascii=False)
    leaked = [
        text for text in ("Alleen voor mezelf.", "Gedeeld met mijn coach.", "Een notitie voor mezelf.") if text in data
    ]
    if actor.id != w.owner.id:
        assert not leaked, f"{actor.username}'s data export holds the owner's text: {leaked}"
        return NOTHING
    assert len(leaked) == 3
    return SEES


CALLS = {
    "read_reflection (shared)": lambda w, a: _read(w, a, w.shared),
    "read_reflection (not shared)": lambda w, a: _read(w, a, w.private),
    "thread (shared)": lambda w, a: _thread(w, a, w.shared),
    "thread (not shared)": lambda w, a: _thread(w, a, w.private),
    "add_comment (shared)": lambda w, a: _comment(w, a, w.shared),
    "add_comment (not shared)": lambda w, a: _comment(w, a, w.private),
    "unread comments of the owner": _unread,
    "teacher_attempts of the owner": _attempts,
    "shared_reflections": lambda w, a: _shared_list(w, a, None),
    "shared_reflections of the owner": lambda w, a: _shared_list(w, a, w.owner.id),
    "share_reflection of the owner's reflection": _share,
    "withdraw_reflection of the owner's reflection": _withdraw,
    "admin_create_account": _create_account,
    "admin_reset_code": _reset_code,
    "admin_set_active": _set_active,
    "new_invite_code": _invite_code,
    "admin_set_role": _set_role,
    "coaching.load_teacher of the owner": _load_teacher,
    "coaching.load_cohort": _load_cohort,
    "coaching.load_export": _load_export,
    "portfolio.as_html of the owner's reflections": _portfolio,
    "mydata.export holds the owner's log": _my_data,
}


def test_every_operation_has_a_call_and_a_row_for_every_actor():
    assert CALLS.keys() == OPERATIONS.keys()
    assert all(row.keys() == set(ACTORS) for row in OPERATIONS.values())


@pytest.mark.parametrize(
    ("operation", "actor"),
    [(op, actor) for op in OPERATIONS for actor in ACTORS],
    ids=[f"{op} | {actor}" for op in OPERATIONS for actor in ACTORS],
)
def test_operation_matrix(world, operation, actor, request):
    if (operation, actor) in KNOWN_BUGS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_BUGS[operation, actor], strict=True))
    expected = OPERATIONS[operation][actor]
    try:
        outcome = CALLS[operation](world, world.actor(actor))
    except PermissionDenied:
        outcome = REFUSED
    assert outcome == expected, f"{actor}: {operation} is {outcome}, the matrix says {expected}"


def test_withdrawing_or_disconnecting_closes_the_coach_view_at_once(world):
    w = world
    sharing.withdraw_reflection(w.store, w.owner, w.shared.id, w.coach.id)
    assert sharing.shared_reflections(w.store, w.coach) == []
    assert sharing.unread(w.store, w.coach, w.owner.id) == {}
    with pytest.raises(PermissionDenied):
        sharing.add_comment(w.store, w.coach, w.owner.id, w.shared.id, "Nog een vraag.")

    sharing.share_reflection(w.store, w.owner, w.shared.id, w.coach.id)
    assert sharing.read_reflection(w.store, w.coach, w.owner.id, w.shared.id).id == w.shared.id
    sharing.disconnect(w.store, w.owner, w.coach.id)
    assert sharing.shared_reflections(w.store, w.coach) == []
    for call in (sharing.read_reflection, sharing.thread):
        with pytest.raises(PermissionDenied):
            call(w.store, w.coach, w.owner.id, w.shared.id)
    with pytest.raises(PermissionDenied):
        sharing.teacher_attempts(w.store, w.coach, w.owner.id)
    with pytest.raises(PermissionDenied):  # sharing again needs a connection first
        sharing.share_reflection(w.store, w.owner, w.shared.id, w.coach.id)


def test_a_deactivated_coach_or_owner_loses_access(world):
    w = world
    accounts.admin_set_active(w.store, w.admin, w.coach.id, False)
    coach = w.store.get_account(w.coach.id)
    for call in (sharing.read_reflection, sharing.thread):
        with pytest.raises(PermissionDenied):
            call(w.store, coach, w.owner.id, w.shared.id)
    with pytest.raises(PermissionDenied):
        sharing.shared_reflections(w.store, coach)

    accounts.admin_set_active(w.store, w.admin, w.coach.id, True)
    accounts.admin_set_active(w.store, w.admin, w.owner.id, False)
    assert sharing.shared_reflections(w.store, w.store.get_account(w.coach.id)) == []
    with pytest.raises(PermissionDenied):
        sharing.read_reflection(w.store, w.store.get_account(w.owner.id), w.owner.id, w.shared.id)


# --- B. pages -------------------------------------------------------------------------------

ROLES = ["anonymous", "teacher", "coach", "facilitator", "admin"]
T, C, F, A = "teacher", "coach", "facilitator", "admin"

# Page key -> the roles that find it in their navigation (and only they can open it).
# Anonymous visitors get the welcome page and may join a team session as a guest.
PAGE_ROLES: dict[str, set[str]] = {
    "welkom": {"anonymous"},
    "meedoen": {"anonymous", T, C, F},
    "sessie_leiden": {C, F},
    "scenarios": {T, C, F},
    "spelen": {T, C, F},
    "nabespreking": {T, C, F},
    "reflectie": {T, C, F},
    "logboek": {T, C, F},
    "mijn_ontwikkeling": {T, C, F},
    "mijn_coach": {T, F},
    "portfolio": {T, C, F},
    "principes": {T, C, F, A},
    "mijn_gegevens": {T, C, F, A},
    "coach": {C},
    "team_overzicht": {C},
    "beheer": {A},
    "werkplaats": {A},  # and every auteur, whatever the role: test_an_auteur_gets_the_werkplaats
}
USERNAMES = {T: "leraar-a", C: "coach-a", F: "gespreksleider-a", A: "beheerder-a"}


def test_every_page_has_a_row_and_the_shell_agrees_with_the_table():
    assert PAGE_ROLES.keys() == context.PAGES.keys(), "a page was added or removed: put it in PAGE_ROLES"
    for role in (T, C, F, A):
        listed = {key for keys in shell.pages_for(role).values() for key in keys}
        assert listed == {key for key, roles in PAGE_ROLES.items() if role in roles}, role


@pytest.fixture
def navigation(navigation_messages: NavigationMessages) -> NavigationMessages:
    """The navigation message each app run sends to the browser (what the sidebar lists)."""
    return navigation_messages


@pytest.fixture
def role_accounts(app_env) -> dict[str, Account]:
    store = TinyDBStore(app_env)
    return {role: accounts.ensure_account(store, name, PASSWORD, role) for role, name in USERNAMES.items()}


def _session(role: str) -> AppTest:
    return open_app() if role == "anonymous" else as_user(USERNAMES[role])


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def _title(key: str) -> str:
    """The heading a page shows (its navigation title; the welcome page greets)."""
    return "Welkom bij Samenspel" if key == "welkom" else shell.PAGE_META[key][0]


def _start_key(role: str) -> str:
    """The page a role lands on: the first page of its navigation."""
    if role == "anonymous":
        return "welkom"
    return next(iter(shell.pages_for(role).values()))[0]


def _open_by_url(at: AppTest, key: str) -> AppTest:
    """Ask for a page the way a typed URL ``/<page>`` does (``AppTest.switch_page`` refuses a page
    that ``st.navigation`` did not register, and that is the case to try)."""
    return open_by_url_path(at, context.PAGES[key])


@pytest.mark.parametrize("role", ROLES)
def test_navigation_lists_exactly_the_pages_of_the_role(role_accounts, navigation, role):
    at = _session(role)
    assert not at.exception, at.exception
    assert _titles(at) == [_title(_start_key(role))]
    listed = {Path(context.PAGES[key]).stem for key, roles in PAGE_ROLES.items() if role in roles}
    shown = navigation.last()
    # the start page is served at "/", every other page at "/<file name>"
    assert [path for _, _, path in shown].count("") == 1
    paths = {path or Path(context.PAGES[_start_key(role)]).stem for _, _, path in shown}
    assert paths == listed
    if role != "anonymous":
        titles = [title for _, title, _ in shown]
        assert titles == [shell.PAGE_META[key][0] for keys in shell.pages_for(role).values() for key in keys]
        assert [section for section, _, _ in shown] == [
            section for section, keys in shell.pages_for(role).items() for _ in keys
        ]
        assert USERNAMES[role] in [str(t.value) for t in at.sidebar.text]  # as plain text


@pytest.mark.parametrize("role", ROLES)
def test_pages_outside_the_navigation_cannot_be_opened_by_url(role_accounts, role):
    at = _session(role)
    start = _titles(at)
    forbidden = [key for key, roles in PAGE_ROLES.items() if role not in roles]
    assert forbidden
    for key in forbidden:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(context.PAGES[key])  # not registered for this role
        _open_by_url(at, key)
        assert not at.exception, (key, at.exception)
        assert _title(key) not in _titles(at), f"{role} opened /{key}"
        assert _titles(at) == start, f"{role} asked for /{key} and saw {_titles(at)}"


@pytest.mark.parametrize("role", [T, C, F, A])
def test_pages_in_the_navigation_open_for_the_role(role_accounts, role):
    at = _session(role)
    for key, roles in PAGE_ROLES.items():
        if role not in roles:
            continue
        at.switch_page(context.PAGES[key]).run()
        assert not at.exception, (key, at.exception)
        assert "niet beschikbaar" not in texts(at), key
        assert _title(key) in _titles(at), (key, _titles(at))


def test_a_signed_out_user_is_anonymous_again(role_accounts, navigation):
    at = as_user(USERNAMES[C])
    at.button(key="sign-out").click().run()
    assert _titles(at) == [_title("welkom")]
    assert {path for _, _, path in navigation.last()} == {"", "meedoen"}
    _open_by_url(at, "coach")
    assert _titles(at) == [_title("welkom")]


# Second line of defence: a page file that is run without the navigation (for example by a
# future bug in the shell) still refuses a session that has no business there.
PROTECTED = {
    "coach": {C},
    "team_overzicht": {C},
    "beheer": {A},
    "mijn_coach": {T, F},
    "sessie_leiden": {C, F},
    "mijn_ontwikkeling": {T, C, F},
}


@pytest.mark.parametrize("key", [k for k, roles in PAGE_ROLES.items() if "anonymous" not in roles])
def test_a_page_file_refuses_a_session_without_account(app_env, key):
    at = AppTest.from_file(str(Path(APP).parent / context.PAGES[key]), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert "niet beschikbaar" in texts(at)
    assert not at.title, f"{key} showed {_titles(at)} to nobody"


@pytest.mark.parametrize("key", sorted(PROTECTED))
def test_a_protected_page_file_refuses_other_roles(role_accounts, key):
    for role, account in role_accounts.items():
        at = AppTest.from_file(str(Path(APP).parent / context.PAGES[key]), default_timeout=TIMEOUT)
        signed_in(at, account).run()
        assert not at.exception, (role, at.exception)
        refused = "niet beschikbaar" in texts(at)
        assert refused == (role not in PROTECTED[key]), f"{key} as {role}: refused={refused}"


@pytest.mark.parametrize("role", [T, C, F])
def test_an_auteur_gets_the_werkplaats_and_loses_it_with_the_right(app_env, role_accounts, navigation, role):
    """The auteur right comes on top of the role: the Werkplaats is in the menu with it, closed without."""
    store = TinyDBStore(app_env)
    admin, account = role_accounts[A], role_accounts[role]
    accounts.admin_set_authoring(store, admin, account.id, True, False)
    at = as_user(USERNAMES[role])
    assert "werkplaats" in {path for _, _, path in navigation.last()}
    at.switch_page(context.PAGES["werkplaats"]).run()
    assert not at.exception and _titles(at) == ["Werkplaats"]
    assert at.selectbox(key="werkplaats-bron") is not None  # 'Nieuw concept' offers the library

    accounts.admin_set_authoring(store, admin, account.id, False, False)
    at = as_user(USERNAMES[role])
    assert "werkplaats" not in {path for _, _, path in navigation.last()}
    _open_by_url(at, "werkplaats")
    assert "Werkplaats" not in _titles(at)
