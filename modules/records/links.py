"""Links between a teacher and a coach: the connection, and each reflection shared."""

from __future__ import annotations

from pydantic import Field

from modules.records.base import Moment, Record, now


class Connection(Record):
    teacher_id: str
    coach_id: str
    created_at: Moment = Field(default_factory=now)


class Share(Record):
    reflection_id: str
    teacher_id: str
    coach_id: str
    shared_at: Moment = Field(default_factory=now)
