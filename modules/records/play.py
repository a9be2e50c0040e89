"""The state of one play-through: where it is, the values of the variables, the steps taken.

The engine (``modules.play.engine``) computes it; attempts and team sessions store it or replay it.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field


class Step(BaseModel):
    node: str
    choice: str
    changes: dict[str, int] = Field(default_factory=dict, description="Applied changes, after clamping")
    own_words: str | None = Field(
        default=None, description="What the teacher wrote they would say or do, before seeing the choices"
    )
    at: AwareDatetime | None = Field(
        default=None, description="When the choice was saved (steps saved before 2026-12 have none)"
    )


class PlayState(BaseModel):
    scenario_id: str
    node: str = Field(description="Current node id, or the ending id when finished")
    variables: dict[str, int]
    steps: list[Step] = Field(default_factory=list)
    ending: str | None = None

    @property
    def finished(self) -> bool:
        return self.ending is not None

    def choice_ids(self) -> list[str]:
        return [s.choice for s in self.steps]
