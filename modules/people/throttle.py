"""Counters that slow down guessing and flooding: passwords, reset codes, join codes, sign-ups.

A counter is kept per key (``signin:<username as typed>``, ``client:<client>``,
``join:<client>``); the store keeps only a hash of the key, drops a counter once it has
expired and never keeps more than a bounded number of counters. So a flood of made-up
names costs a bounded, short-lived amount of disk, and unknown names are throttled
exactly like existing ones (nothing tells them apart).

Messages in ``Locked`` are Dutch, for users, and state the real waiting time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from modules.records import ThrottleEntry
from modules.storage import Store


@dataclass(frozen=True)
class Policy:
    free: int  # failures allowed before the first wait
    base: timedelta  # the first wait; it doubles with every further failure
    max_wait: timedelta
    memory: timedelta  # a counter is forgotten this long after its last failure (or its lock)
    who: str = ""  # how the message names what is locked ("" for a username)
    what: str = "mislukte pogingen"  # what there were too many of


SIGN_IN = Policy(free=5, base=timedelta(seconds=30), max_wait=timedelta(minutes=15), memory=timedelta(hours=24))
# Per client (address or browser) across all usernames: generous, because a school's staff room
# shares one address, but it stops one client from trying one password on many usernames.
CLIENT = Policy(
    free=30,
    base=timedelta(minutes=1),
    max_wait=timedelta(minutes=15),
    memory=timedelta(hours=1),
    who="vanaf dit apparaat of netwerk",
)
JOIN = Policy(
    free=10,
    base=timedelta(minutes=1),
    max_wait=timedelta(minutes=15),
    memory=timedelta(hours=1),
    who="vanaf dit apparaat of netwerk",
)
# New accounts per client, successful or not: a staff room signs up together, a script does not.
SIGN_UP = Policy(
    free=100,
    base=timedelta(minutes=1),
    max_wait=timedelta(minutes=15),
    memory=timedelta(hours=1),
    who="vanaf dit apparaat of netwerk",
    what="nieuwe accounts",
)


def wait_text(wait: timedelta) -> str:
    """'30 seconden', '1 minuut', '4 minuten': the real wait, rounded up."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} {'seconde' if seconds == 1 else 'seconden'}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} {'minuut' if minutes == 1 else 'minuten'}"


class Locked(Exception):
    """Too many failures: wait. The message is Dutch and names the real wait."""

    def __init__(self, wait: timedelta, policy: Policy):
        where = f" {policy.who}" if policy.who else ""
        super().__init__(f"Te veel {policy.what}{where}. Probeer het over {wait_text(wait)} opnieuw.")
        self.wait = wait


def _now(at: datetime | None) -> datetime:
    return at or datetime.now(UTC)


def check(store: Store, key: str, policy: Policy, at: datetime | None = None) -> None:
    """Raise ``Locked`` while the key is locked."""
    at = _now(at)
    locked_until = store.get_throttle(key, at).locked_until
    if locked_until and locked_until > at:
        raise Locked(locked_until - at, policy)


def fail(store: Store, key: str, policy: Policy, at: datetime | None = None) -> ThrottleEntry:
    """Count one failure atomically (parallel failures each count); lock when over the free ones."""
    at = _now(at)

    def count(current: ThrottleEntry) -> ThrottleEntry:
        failures = current.failures + 1
        locked_until = None
        if failures >= policy.free:
            locked_until = at + min(policy.max_wait, policy.base * 2 ** min(failures - policy.free, 20))
        expires = (locked_until or at) + policy.memory
        return current.model_copy(update={"failures": failures, "locked_until": locked_until, "expires_at": expires})

    return store.update_throttle(key, count, at)


def clear(store: Store, key: str) -> None:
    store.clear_throttle(key)
