"""Stored records. Every record carries the id of the user it belongs to."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from pydantic import BaseModel, Field

from modules.engine import PlayState


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
    created_at: str = Field(default_factory=now)
    answers: dict[str, str] = Field(default_factory=dict, description="Question key -> the teacher's text")
    intention: str = Field(description="One concrete intention for next time")
