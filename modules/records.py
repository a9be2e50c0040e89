"""Stored records. Every record carries the id of the user it belongs to."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from pydantic import BaseModel, Field

from modules.engine import PlayState


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id() -> str:
    return uuid.uuid4().hex


class Profile(BaseModel):
    """A local profile: a nickname, no password (accounts come later)."""

    id: str = Field(default_factory=new_id)
    nickname: str
    created_at: str = Field(default_factory=now)


class Attempt(BaseModel):
    """One play-through of one scenario; saved after every choice."""

    id: str = Field(default_factory=new_id)
    user_id: str
    scenario_id: str
    scenario_title: str = ""
    state: PlayState
    anticipation: str = Field(default="", description="The teacher's answer to the anticipate question")
    started_at: str = Field(default_factory=now)
    updated_at: str = Field(default_factory=now)
    finished_at: str | None = None

    @property
    def finished(self) -> bool:
        return self.state.finished


class Reflection(BaseModel):
    """A reflection after an attempt, following Korthagen's ALACT cycle."""

    id: str = Field(default_factory=new_id)
    user_id: str
    attempt_id: str | None = None
    scenario_id: str | None = None
    scenario_title: str = ""
    team_session_id: str | None = Field(default=None, description="The team session this reflection is about")
    created_at: str = Field(default_factory=now)
    answers: dict[str, str] = Field(default_factory=dict, description="Question key -> the teacher's text")
    intention: str = Field(description="One concrete intention for next time")


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


class Connection(BaseModel):
    teacher_id: str
    coach_id: str
    created_at: str = Field(default_factory=now)


class Share(BaseModel):
    reflection_id: str
    teacher_id: str
    coach_id: str
    shared_at: str = Field(default_factory=now)


class Comment(BaseModel):
    """A comment in the thread of one reflection; stored with the reflection's owner."""

    id: str = Field(default_factory=new_id)
    reflection_id: str
    owner_id: str = Field(description="The teacher whose reflection this is")
    author_id: str
    author_name: str
    text: str
    created_at: str = Field(default_factory=now)
