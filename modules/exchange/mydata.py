"""My data (AVG): everything stored about a user, for download, and erasing it.

``EXPORT_RULES`` and ``DELETE_RULES`` say, for every kind of record the store keeps
(``modules.storage.RECORD_KINDS``), how it is exported and how it is deleted; a test fails
when the store gains a kind without a rule.
"""

from __future__ import annotations

from modules.exchange import lrs
from modules.people.accounts import ROLE_LABELS, require_role
from modules.records import Account, Comment, now
from modules.storage import Store, normalise_nickname
from modules.team import sessions as team

SECRET_FIELDS = {"password_hash", "reset_code_hash"}

ROLES = tuple(ROLE_LABELS)  # any signed-in, active account acts on its own data


# How each kind of record in the store (store.RECORD_KINDS) is exported and deleted for a user.
# A test fails when the store gains a kind without a rule here.
EXPORT_RULES: dict[str, str] = {
    "account": "account (without password and reset-code hashes)",
    "throttle": "not exported: a failure counter under a hash of a typed name, no user id; expires within a day",
    "login": "logins: when each sign-in started and ends (never the token or its hash)",
    "cookie_ticket": "not exported: lives one minute, holds no more than a login",
    "connection": "connections, with the other side's username",
    "share": "shares",
    "attempt": "attempts",
    "reflection": "reflections",
    "comment": "comments_on_my_reflections and comments_i_wrote_on_other_reflections",
    "read_marker": "read_markers",
    "team_session": "team_sessions_led (summaries) and team_sessions_joined (my entry, votes and reasons)",
    "team_code": "in team_sessions_led (the code of each session)",
    "team_vote": "in team_sessions_joined (a vote not yet taken into the session is read with it)",
    "nickname_profile": "not exported separately: a migrated profile is the account (same id and name)",
    "draft": "scenario_drafts (the YAML as written)",
    "scenario_version": "scenario_versions_published (scenario, number and time of each version the user published)",
}
DELETE_RULES: dict[str, str] = {
    "account": "removed",
    "throttle": "the counter of the username is removed",
    "login": "every sign-in is removed (signed out everywhere)",
    "cookie_ticket": "removed with the logins",
    "connection": "removed, both as teacher and as coach",
    "share": "removed, both as teacher and as coach",
    "attempt": "removed with the user's file",
    "reflection": "removed with the user's file",
    "comment": "comments on the user's reflections go with the file; the user's comments elsewhere are removed",
    "read_marker": "removed with the user's file",
    "team_session": "sessions the user led are removed; elsewhere the user's entry, votes and reasons",
    "team_code": "removed with the sessions the user led",
    "team_vote": "taken into the session and removed by the change that removes the user's votes",
    "nickname_profile": "removed",
    "draft": "removed with the user's folder",
    "scenario_version": "kept (the published scenario is the library's), without the name: published_by is cleared",
}


def _versions_published(store: Store, user: Account) -> list[dict]:
    """Which versions of which scenarios the user published (the text is the library's, not theirs alone)."""
    return [
        {"scenario_id": v.scenario_id, "number": v.number, "published_at": v.published_at.isoformat()}
        for scenario_id in store.versioned_scenarios()
        for v in store.list_versions(scenario_id)
        if v.published_by == user.id
    ]


def _comment_owners(store: Store, user: Account) -> list[str]:
    """Users in whose files this user may have written comments (not the user's own file).

    A coach writes in the files of the teachers that shared with them, and comments stay
    there after a teacher disconnects or the coach gets another role; so every other
    account is checked, whatever the user's role now.
    """
    return sorted(a.id for a in store.list_accounts() if a.id != user.id)


def _written_elsewhere(store: Store, user: Account) -> dict[str, list[Comment]]:
    found = {}
    for owner_id in _comment_owners(store, user):
        mine = [c for c in store.list_comments(owner_id) if c.author_id == user.id]
        if mine:
            found[owner_id] = mine
    return found


def export(store: Store, user: Account) -> dict:
    """Everything stored about the user, as JSON-able data (no password or reset-code hashes)."""
    require_role(user, *ROLES)
    account = {k: v for k, v in user.model_dump(mode="json").items() if k not in SECRET_FIELDS}

    def username(user_id: str) -> str | None:
        other = store.get_account(user_id)
        return other.username if other else None

    connections = [
        {**c.model_dump(mode="json"), "my_role": "teacher", "coach_username": username(c.coach_id)}
        for c in store.connections(teacher_id=user.id)
    ] + [
        {**c.model_dump(mode="json"), "my_role": "coach", "teacher_username": username(c.teacher_id)}
        for c in store.connections(coach_id=user.id)
    ]
    shares = [s.model_dump(mode="json") for s in store.shares(teacher_id=user.id)] + [
        s.model_dump(mode="json") for s in store.shares(coach_id=user.id)
    ]
    return {
        "export": {
            "app": "Samenspel",
            "exported_at": now().isoformat(),
            "about": "Alle gegevens die Samenspel over jou bewaart. Wachtwoorden staan er niet in.",
        },
        "account": account,
        "attempts": [a.model_dump(mode="json") for a in store.list_attempts(user.id)],
        "scenario_drafts": [d.model_dump(mode="json") for d in store.list_drafts(user.id)],
        "scenario_versions_published": _versions_published(store, user),
        "reflections": [r.model_dump(mode="json") for r in store.list_reflections(user.id)],
        "comments_on_my_reflections": [c.model_dump(mode="json") for c in store.list_comments(user.id)],
        "comments_i_wrote_on_other_reflections": [
            c.model_dump(mode="json") for comments in _written_elsewhere(store, user).values() for c in comments
        ],
        "read_markers": {reflection_id: at.isoformat() for reflection_id, at in store.seen(user.id).items()},
        "connections": connections,
        "shares": shares,
        "logins": [
            {"started": login.created_at.isoformat(), "ends": login.expires_at.isoformat()}
            for login in store.logins_of(user.id)
        ],
        **team.user_data(store, user),
    }


class DeletionRefused(ValueError):
    """An account that may not be deleted (now); the message is Dutch."""


LAST_ADMIN = (
    "Je bent de enige beheerder. Laat eerst met een opdracht op de server een andere beheerder maken; "
    "daarna kun je je account verwijderen."
)


def delete_own(store: Store, user: Account, typed_username: str, confirmed: bool) -> None:
    """A user deletes their own account: they typed their username and ticked the box."""
    if normalise_nickname(typed_username or "") != normalise_nickname(user.username):
        raise DeletionRefused("De gebruikersnaam klopt niet. Typ je gebruikersnaam precies zoals je inlogt.")
    if not confirmed:
        raise DeletionRefused("Zet eerst een vinkje om te bevestigen dat je alles wilt verwijderen.")
    delete(store, user)


def delete(store: Store, user: Account, *, allow_last_admin: bool = False) -> None:
    """Erase the user: their comments in other users' files, their team-session entries, then the
    account with its file, links, shares, sign-ins and failure counter.

    The last active admin is never deleted (``DeletionRefused``), unless ``allow_last_admin``
    (removing the public demo admin of an old install).
    """
    require_role(user, *ROLES)
    others = [a for a in store.list_accounts() if a.role == "admin" and a.active and a.id != user.id]
    if user.role == "admin" and not others and not allow_last_admin:
        raise DeletionRefused(LAST_ADMIN)
    for owner_id in _written_elsewhere(store, user):
        store.remove_comments_by(owner_id, user.id)
    team.forget_user(store, user)
    lrs.forget_user(store, user.id)  # statements not yet sent to a Learning Record Store go too
    store.delete_account(user.id)
