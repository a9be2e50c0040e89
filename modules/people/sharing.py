"""Who may see and do what across users: connections, shared reflections, comments.

Every function takes the acting account first and raises ``PermissionDenied``
when the act is not allowed, so pages cannot leak data by forgetting a check.
Rules:
- a teacher connects to a coach with the coach's invite code, and can disconnect
  (which withdraws everything shared with that coach);
- a connected coach sees the teacher's play-throughs (scenario, route, ending,
  principle profile) and only the reflections the teacher shared with them;
- a reflection's thread is open to its owner and to the coaches it is shared with.
"""

from __future__ import annotations

from dataclasses import dataclass

from modules.people.accounts import PermissionDenied, normalise_code, require_role, same_world
from modules.records import Account, Attempt, Comment, Reflection, Share, limits
from modules.storage import Store

COMMENT_MAX = limits.COMMENT
SHARING_ROLES = ("teacher", "facilitator")  # who connects to a coach and shares reflections with them


def can_share(account: Account) -> bool:
    """Whether this account connects to coaches and shares its reflections (teachers and facilitators)."""
    return account.active and account.role in SHARING_ROLES


class SharingError(Exception):
    """Refused user input; the message is Dutch."""


@dataclass(frozen=True)
class SharedReflection:
    teacher: Account
    reflection: Reflection
    share: Share


def _signed_in(account: Account | None) -> Account:
    """The acting account, or PermissionDenied for nobody (anonymous) or a deactivated account."""
    if account is None or not account.active:
        raise PermissionDenied("not signed in")
    return account


# --- teacher side ---------------------------------------------------------------------------


def connect_with_code(store: Store, teacher: Account, code: str) -> Account:
    require_role(teacher, *SHARING_ROLES)
    if limits.too_long(code, limits.INVITE_CODE):
        raise SharingError(f"Een code van een coach is hoogstens {limits.INVITE_CODE} tekens.")
    coach = store.find_account(invite_code=normalise_code(code)) if code.strip() else None
    if (
        coach is None
        or coach.role != "coach"
        or not coach.active
        or coach.id == teacher.id
        or coach.demo != teacher.demo
    ):
        raise SharingError("Deze code hoort niet bij een coach. Controleer de code en probeer het opnieuw.")
    store.connect(teacher.id, coach.id)
    return coach


def disconnect(store: Store, teacher: Account, coach_id: str) -> None:
    _signed_in(teacher)
    store.disconnect(teacher.id, coach_id)


def my_coaches(store: Store, teacher: Account) -> list[Account]:
    _signed_in(teacher)
    coaches = [store.get_account(c.coach_id) for c in store.connections(teacher_id=teacher.id)]
    return [c for c in coaches if c is not None and c.active and c.role == "coach"]


def _own_reflection(store: Store, teacher: Account, reflection_id: str) -> Reflection:
    _signed_in(teacher)
    found = store.get_reflection(teacher.id, reflection_id)
    if found is None:
        raise PermissionDenied("not your reflection")
    return found


def share_reflection(store: Store, teacher: Account, reflection_id: str, coach_id: str) -> Share:
    _own_reflection(store, teacher, reflection_id)
    if not store.connections(teacher_id=teacher.id, coach_id=coach_id):
        raise PermissionDenied("not connected to this coach")
    return store.share(Share(reflection_id=reflection_id, teacher_id=teacher.id, coach_id=coach_id))


def withdraw_reflection(store: Store, teacher: Account, reflection_id: str, coach_id: str) -> None:
    _own_reflection(store, teacher, reflection_id)
    store.unshare(reflection_id, coach_id)


# --- coach side -----------------------------------------------------------------------------


def my_teachers(store: Store, coach: Account) -> list[Account]:
    require_role(coach, "coach")
    teachers = [store.get_account(c.teacher_id) for c in store.connections(coach_id=coach.id)]
    return sorted((t for t in teachers if t is not None and t.active), key=lambda t: t.username.lower())


def _require_connected(store: Store, coach: Account, teacher_id: str) -> Account:
    require_role(coach, "coach")
    if not store.connections(teacher_id=teacher_id, coach_id=coach.id):
        raise PermissionDenied("this teacher is not connected to you")
    teacher = store.get_account(teacher_id)
    if teacher is None or not teacher.active:
        raise PermissionDenied("no such teacher")
    same_world(coach, teacher)
    return teacher


def teacher_attempts(store: Store, coach: Account, teacher_id: str) -> list[Attempt]:
    _require_connected(store, coach, teacher_id)
    return store.list_attempts(teacher_id)


def shared_reflections(store: Store, coach: Account, teacher_id: str | None = None) -> list[SharedReflection]:
    """Reflections shared with this coach (newest first), optionally of one teacher."""
    require_role(coach, "coach")
    result = []
    for share in store.shares(coach_id=coach.id, teacher_id=teacher_id):
        if not store.connections(teacher_id=share.teacher_id, coach_id=coach.id):
            continue
        teacher = store.get_account(share.teacher_id)
        if teacher is None or not teacher.active:
            continue
        reflection = store.get_reflection(share.teacher_id, share.reflection_id)
        if reflection is None:
            continue
        result.append(SharedReflection(teacher, reflection, share))
    return sorted(result, key=lambda s: s.reflection.created_at, reverse=True)


# --- reflection threads ---------------------------------------------------------------------


def read_reflection(store: Store, viewer: Account, owner_id: str, reflection_id: str) -> Reflection:
    """The reflection, if the viewer owns it or it is shared with the viewer (a connected coach)."""
    _signed_in(viewer)
    if viewer.id == owner_id and viewer.active:
        return _own_reflection(store, viewer, reflection_id)
    require_role(viewer, "coach")
    _require_connected(store, viewer, owner_id)
    if not store.shares(coach_id=viewer.id, teacher_id=owner_id, reflection_id=reflection_id):
        raise PermissionDenied("this reflection is not shared with you")
    found = store.get_reflection(owner_id, reflection_id)
    if found is None:
        raise PermissionDenied("this reflection no longer exists")
    return found


def thread(store: Store, viewer: Account, owner_id: str, reflection_id: str) -> list[Comment]:
    read_reflection(store, viewer, owner_id, reflection_id)
    return store.list_comments(owner_id, reflection_id)


def add_comment(store: Store, author: Account, owner_id: str, reflection_id: str, text: str) -> Comment:
    read_reflection(store, author, owner_id, reflection_id)
    text = (text or "").strip()
    if not text:
        raise SharingError("Schrijf eerst een reactie.")
    if len(text) > COMMENT_MAX:
        raise SharingError(f"Een reactie is hoogstens {COMMENT_MAX} tekens.")
    comment = store.add_comment(
        Comment(
            reflection_id=reflection_id, owner_id=owner_id, author_id=author.id, author_name=author.username, text=text
        )
    )
    store.mark_seen(author.id, reflection_id, comment.created_at)
    return comment


def mark_read(store: Store, viewer: Account, owner_id: str, reflection_id: str) -> None:
    comments = thread(store, viewer, owner_id, reflection_id)
    if comments:
        store.mark_seen(viewer.id, reflection_id, comments[-1].created_at)


def unread(store: Store, viewer: Account, owner_id: str, reflection_ids: list[str] | None = None) -> dict[str, int]:
    """New comments by others per reflection of ``owner_id`` that the viewer may read."""
    _signed_in(viewer)
    seen = store.seen(viewer.id)
    if viewer.id != owner_id:
        allowed = {s.reflection_id for s in store.shares(coach_id=viewer.id, teacher_id=owner_id)}
    else:
        allowed = None
    counts: dict[str, int] = {}
    for comment in store.list_comments(owner_id):
        if allowed is not None and comment.reflection_id not in allowed:
            continue
        if reflection_ids is not None and comment.reflection_id not in reflection_ids:
            continue
        read_until = seen.get(comment.reflection_id)
        if comment.author_id != viewer.id and (read_until is None or comment.created_at > read_until):
            counts[comment.reflection_id] = counts.get(comment.reflection_id, 0) + 1
    return counts
