"""What both backends share: reading a stored document as its record, the limits checked before a
write, expiry, nickname keys, the id patterns, and merging live votes into a team session.

Both ``TinyDBStore`` and ``PostgresStore`` use these, so a record is read, checked and upgraded
the same way whatever holds it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from modules.records import (
    Account,
    Attempt,
    Comment,
    Draft,
    FormatError,
    Record,
    Reflection,
    ScenarioVersion,
    TeamSession,
    Vote,
    limits,
)
from modules.storage.errors import CorruptDataError, InvalidInputError

NICKNAME_MAX = 40
THROTTLE_MAX = 10_000  # entries; each expires, so this only matters under attack
LOGINS_PER_USER = 20  # the oldest sign-in of a user goes when a new one would exceed this

ID = re.compile(r"^[0-9a-f]{32}$")
SCENARIO_ID = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")  # as modules.content.scenario.ID

Model = TypeVar("Model", bound=Record)


def validated(model: type[Model], doc: Mapping[str, Any], where: Path) -> Model:
    """A stored document as its record, upgraded to the current format; a record that does not fit
    (a hand-edited file or row, or one written by a newer Samenspel) is reported, not crashed on."""
    try:
        return model.from_stored(dict(doc))
    except FormatError as exc:
        raise CorruptDataError(where, str(exc)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"]) or "record"
        raise CorruptDataError(where, f"a {model.__name__} record does not fit ({place}: {first['msg']})") from None


def stored(record: Record, **extra: Any) -> dict[str, Any]:
    """A record as a JSON document (times as ISO 8601 text), with store-internal fields such as a lookup key."""
    return {**record.model_dump(mode="json"), **extra}


def check_limits(record: Account | Attempt | Reflection | Comment | Draft | ScenarioVersion) -> None:
    try:
        limits.check_record(record)
    except limits.TooLong as exc:
        raise InvalidInputError(str(exc)) from None


def expired(doc: Mapping[str, Any], at: datetime) -> bool:
    """Whether a stored document's ``expires_at`` lies at or before ``at``."""
    value = doc.get("expires_at")
    if not value:
        return False
    try:
        return datetime.fromisoformat(value) <= at
    except (TypeError, ValueError):
        return True  # an unreadable expiry: treat the entry as gone


def throttle_drop_order(doc: Mapping[str, Any], at: datetime) -> tuple[bool, int, str]:
    """When the failure counters are full: which to drop first (unlocked before locked, fewest failures,
    soonest to expire)."""
    locked_now = bool(doc.get("locked_until")) and not expired({"expires_at": doc["locked_until"]}, at)
    return locked_now, int(doc.get("failures") or 0), str(doc.get("expires_at") or "")


def normalise_nickname(nickname: str) -> str:
    return " ".join(nickname.split()).casefold()


def validate_nickname(nickname: str) -> str:
    cleaned = " ".join(str(nickname).split())
    if not cleaned:
        raise InvalidInputError("nickname is empty")
    if len(cleaned) > NICKNAME_MAX:
        raise InvalidInputError(f"nickname is longer than {NICKNAME_MAX} characters")
    return cleaned


def check_id(value: str, what: str) -> str:
    """An id that names a file or a row of one user or session: 32 hex digits, or ``InvalidInputError``."""
    if not ID.match(value):
        raise InvalidInputError(f"invalid {what} {value!r}")
    return value


def check_scenario_id(scenario_id: str) -> str:
    if not SCENARIO_ID.match(scenario_id) or len(scenario_id) > 100:
        raise InvalidInputError(f"invalid scenario id {scenario_id!r}")
    return scenario_id


def with_votes(session: TeamSession, live: list[Vote]) -> TeamSession:
    """The session with the live votes (not yet taken into it, oldest first) of its open decision merged in:
    the latest vote of a participant wins."""
    fresh = [v for v in live if v.step == session.step]
    if session.status != "open" or session.phase != "voting" or not fresh:
        return session
    latest = {v.participant_id: v for v in session.votes if v.step == session.step}
    for vote in fresh:
        if vote.participant_id not in latest or vote.at >= latest[vote.participant_id].at:
            latest[vote.participant_id] = vote
    votes = [v for v in session.votes if v.step != session.step] + sorted(latest.values(), key=lambda v: v.at)
    activity = max([session.last_activity or session.created_at, *(v.at for v in fresh)])
    return session.model_copy(update={"votes": votes, "last_activity": activity})
