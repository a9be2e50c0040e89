"""A teacher's play-throughs and what they write about them: attempts, reflections, comments, read markers."""

from __future__ import annotations

from pydantic import BaseModel, Field

from modules.records.base import Moment, Record, new_id, now
from modules.records.play import PlayState


class Attempt(Record):
    """One play-through of one scenario; saved after every choice."""

    id: str = Field(default_factory=new_id)
    user_id: str
    scenario_id: str
    scenario_title: str = ""
    state: PlayState
    anticipation: str = Field(default="", description="The teacher's answer to the anticipate question")
    own_words_first: bool = Field(
        default=False, description="Ask the teacher's own words at each decision before showing the choices"
    )
    started_at: Moment = Field(default_factory=now)
    updated_at: Moment = Field(default_factory=now)
    finished_at: Moment | None = None

    @property
    def finished(self) -> bool:
        return self.state.finished


class OwnWords(BaseModel):
    """At one decision: what the teacher first wrote, and the option they then chose."""

    chosen: str = Field(description="The text of the option chosen")
    words: str = Field(description="What the teacher wrote before seeing the options")


class Reflection(Record):
    """A reflection after an attempt or a team session, following Korthagen's ALACT cycle."""

    id: str = Field(default_factory=new_id)
    user_id: str
    attempt_id: str | None = None
    scenario_id: str | None = None
    scenario_title: str = ""
    team_session_id: str | None = Field(default=None, description="The team session this reflection is about")
    created_at: Moment = Field(default_factory=now)
    answers: dict[str, str] = Field(default_factory=dict, description="Question key -> the teacher's text")
    intention: str = Field(description="One concrete intention for next time")
    own_words: list[OwnWords] = Field(
        default_factory=list, description="What the teacher first wrote at decisions, taken into this reflection"
    )
    follow_up: str = Field(
        default="", description="How trying the intention of an earlier reflection went (ALACT: the trial)"
    )
    follows_intention_of: str | None = Field(
        default=None, description="The earlier reflection (same user) whose intention ``follow_up`` looks back on"
    )


class Comment(Record):
    """A comment in the thread of one reflection; stored with the reflection's owner."""

    id: str = Field(default_factory=new_id)
    reflection_id: str
    owner_id: str = Field(description="The teacher whose reflection this is")
    author_id: str
    author_name: str
    text: str
    created_at: Moment = Field(default_factory=now)


class ReadMarker(Record):
    """Up to when a user has read the comments on one reflection (stored with the reader)."""

    reflection_id: str
    at: Moment
