"""A teacher's play-throughs and what they write about them: attempts, reflections, comments."""

from __future__ import annotations

from pydantic import BaseModel, Field

from modules.records.base import new_id, now
from modules.records.play import PlayState


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


class Comment(BaseModel):
    """A comment in the thread of one reflection; stored with the reflection's owner."""

    id: str = Field(default_factory=new_id)
    reflection_id: str
    owner_id: str = Field(description="The teacher whose reflection this is")
    author_id: str
    author_name: str
    text: str
    created_at: str = Field(default_factory=now)
