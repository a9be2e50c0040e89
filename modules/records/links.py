"""Links between a teacher and a coach: the connection, and each reflection shared."""

from __future__ import annotations

from pydantic import BaseModel, Field

from modules.records.base import now


class Connection(BaseModel):
    teacher_id: str
    coach_id: str
    created_at: str = Field(default_factory=now)


class Share(BaseModel):
    reflection_id: str
    teacher_id: str
    coach_id: str
    shared_at: str = Field(default_factory=now)
