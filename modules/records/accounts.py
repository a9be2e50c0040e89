"""Accounts and their roles, and the nickname profiles from before accounts."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from modules.records.base import Moment, Record, new_id, now


class Role(StrEnum):
    TEACHER = "teacher"
    COACH = "coach"
    FACILITATOR = "facilitator"
    ADMIN = "admin"


ROLES = tuple(Role)


class Profile(Record):
    """A nickname profile from before accounts (no password); only read to migrate it to an account."""

    id: str = Field(default_factory=new_id)
    nickname: str
    created_at: Moment = Field(default_factory=now)


class Account(Record):
    """A user account. The id is the user id that every other record carries."""

    id: str = Field(default_factory=new_id)
    username: str
    role: Role = Role.TEACHER
    password_hash: str | None = Field(default=None, description="Argon2id; None until a password is set")
    active: bool = True
    created_at: Moment = Field(default_factory=now)
    invite_code: str | None = Field(default=None, description="Coaches: the code teachers use to connect")
    reset_code_hash: str | None = None
    reset_expires: Moment | None = None
    oidc_subject: str | None = Field(default=None, description="issuer|subject of a school sign-in")
    migrated_from_nickname: bool = False
    demo: bool = Field(default=False, description="A demo account (public password); only in a demo data folder")
    signed_out_at: Moment | None = Field(default=None, description="'Sign out everywhere': sign-ins before this end")
    author: bool = Field(default=False, description="Auteur: may write scenario drafts in the Werkplaats")
    publisher: bool = Field(default=False, description="An auteur who may also publish drafts to the library")

    @property
    def needs_password(self) -> bool:
        return self.password_hash is None and self.oidc_subject is None
