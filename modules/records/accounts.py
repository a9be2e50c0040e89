"""Accounts, and the nickname profiles from before accounts."""

from __future__ import annotations

from pydantic import BaseModel, Field

from modules.records.base import new_id, now


class Profile(BaseModel):
    """A local profile: a nickname, no password (accounts come later)."""

    id: str = Field(default_factory=new_id)
    nickname: str
    created_at: str = Field(default_factory=now)


ROLES = ("teacher", "coach", "facilitator", "admin")


class Account(BaseModel):
    """A user account. The id is the user id that every other record carries."""

    id: str = Field(default_factory=new_id)
    username: str
    role: str = Field(default="teacher", pattern="^(teacher|coach|facilitator|admin)$")
    password_hash: str | None = Field(default=None, description="Argon2id; None until a password is set")
    active: bool = True
    created_at: str = Field(default_factory=now)
    invite_code: str | None = Field(default=None, description="Coaches: the code teachers use to connect")
    reset_code_hash: str | None = None
    reset_expires: str | None = None
    oidc_subject: str | None = Field(default=None, description="issuer|subject of a school sign-in")
    migrated_from_nickname: bool = False
    demo: bool = Field(default=False, description="A demo account (public password); only in a demo data folder")
    signed_out_at: str | None = Field(default=None, description="'Sign out everywhere': sign-ins before this end")

    @property
    def needs_password(self) -> bool:
        return self.password_hash is None and self.oidc_subject is None
