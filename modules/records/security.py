"""Records that keep the doors: failure counters, sign-ins, one-time cookie tickets.

None of them holds what a user typed: the store keys them by keyed hashes.
"""

from __future__ import annotations

from pydantic import Field

from modules.records.base import Moment, Record


class ThrottleEntry(Record):
    """A failure counter (sign-in, client, join code, sign-up) under a keyed hash of its key."""

    key: str = Field(description="HMAC-SHA256 of the key, never the key")
    failures: int = 0
    locked_until: Moment | None = None
    expires_at: Moment | None = None


class Login(Record):
    """A sign-in that survives a refresh; the browser holds the token, the store its hash."""

    id: str = Field(description="SHA-256 of the browser's token")
    user_id: str
    created_at: Moment
    expires_at: Moment


class Ticket(Record):
    """A one-time ticket with which the cookie route sets (or deletes) one cookie; lives a minute."""

    id: str = Field(description="A hash of the ticket")
    user_id: str | None = None
    cookie: str
    sealed: str = Field(default="", description="The cookie value, sealed with a key derived from the ticket")
    max_age: int = 0
    expires_at: Moment
