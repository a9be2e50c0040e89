"""Pydantic models of the scenario format (one YAML file per scenario).

The JSON Schema for authors' editors is generated from these models:
``python -m modules schema > scenarios/scenario.schema.json``.
A test checks that the committed schema is current.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from modules.content import expr

ID_PATTERN = r"^[a-z0-9]+([-_][a-z0-9]+)*$"
ID = Annotated[str, Field(pattern=ID_PATTERN, description="lower-case id: letters, digits, - or _")]
VarName = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")]
ChoiceRef = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*\.[a-z0-9]+([-_][a-z0-9]+)*$",
        description="A choice as 'node.choice', e.g. 'opening.vragen'",
    ),
]
FactID = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$",
        description="A fact of the story that only some paths bring in, e.g. 'koptelefoon'",
    ),
]
Weight = Annotated[int, Field(ge=-3, le=3, description="+1..+3 honours the principle, -1..-3 neglects it")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_condition(value: str | None) -> str | None:
    if value is not None:
        try:
            expr.parse(value)
        except expr.ExpressionError as exc:
            raise ValueError(f"condition {value!r}: {exc}") from exc
    return value


class SchoolType(StrEnum):
    po = "po"
    vo = "vo"
    so = "so"


class Theme(StrEnum):
    """What a scenario is about, for the library's filter; one per scenario, in the words teachers use."""

    contact = "Contact en samenwerking"
    kritiek = "Kritiek en conflict"
    taal = "Taal en cultuur"
    zorg = "Zorg en ondersteuning"
    veiligheid = "Veiligheid"
    scheiding = "Scheiding en gezag"
    advies = "Advies en overgang"


class Outcome(StrEnum):
    """How an ending turned out for the partnership, not a score."""

    sterk = "sterk"  # a joint way forward, trust grew
    gemengd = "gemengd"  # something was reached, something was lost
    zwak = "zwak"  # the relationship or the child's interests were harmed


class Speaker(StrEnum):
    ouder = "ouder"
    ouder2 = "ouder2"
    leraar = "leraar"
    kind = "kind"
    tolk = "tolk"
    collega = "collega"
    verteller = "verteller"


class Persona(_Model):
    role: str = Field(description="Who the parent is, without a real name, e.g. 'moeder van een leerling uit groep 5'")
    description: str = Field(description="Background in a few sentences (Markdown)")
    label: str = Field(
        default="Ouder", description="Name shown above the parent's lines, e.g. 'Moeder' (never a real name)"
    )
    second_label: str | None = Field(
        default=None, description="Label for speaker 'ouder2', when a second parent takes part"
    )


class Variable(_Model):
    label: str = Field(description="Dutch label shown to the teacher, e.g. 'Vertrouwen van de ouder'")
    initial: int
    min: int = 0
    max: int = 100
    visible: bool = Field(default=True, description="Show changes of this variable to the teacher")

    @model_validator(mode="after")
    def _range(self) -> Variable:
        if not self.min <= self.initial <= self.max:
            raise ValueError(f"initial value {self.initial} lies outside {self.min}..{self.max}")
        return self


class WhenShown(_Model):
    """When a line is shown: only on paths where these choices were made (or not) and the condition holds."""

    chosen: list[ChoiceRef] = Field(default_factory=list[str], description="Shown only if all of these were chosen")
    chosen_any: list[ChoiceRef] = Field(
        default_factory=list[str], description="Shown only if at least one of these was chosen"
    )
    not_chosen: list[ChoiceRef] = Field(default_factory=list[str], description="Shown only if none of these was chosen")
    condition: str | None = Field(default=None, description="Shown only if this holds, e.g. 'gehoord >= 4'")
    facts: list[FactID] = Field(
        default_factory=list[str], description="Facts the line assumes (each must have been brought in on the path)"
    )

    _cond = field_validator("condition")(_check_condition)


class Line(WhenShown):
    """A line of dialogue; with ``chosen``, ``not_chosen``, ``chosen_any`` or ``condition`` only on the
    paths it fits (judged by the choices made before the scene and the variables at that moment)."""

    speaker: Speaker
    text: str


class Choice(_Model):
    id: ID = Field(description="Unique within its node, e.g. 'a' or 'luisteren'")
    text: str = Field(description="What the teacher does or says (first person)")
    target: ID = Field(description="Id of the next node or ending")
    effects: dict[VarName, int] = Field(default_factory=dict, description="Change per variable, e.g. {vertrouwen: -10}")
    principles: dict[ID, Weight] = Field(
        default_factory=dict, description="Principle id -> weight: positive = honoured, negative = neglected"
    )
    reaction: str = Field(description="What the parent (or the situation) does right after this choice")
    feedback: str = Field(description="Short feedback: what happened and which principle is at stake")
    condition: str | None = Field(default=None, description="Only offered when this holds, e.g. 'vertrouwen >= 50'")
    introduces: list[FactID] = Field(
        default_factory=list[str], description="Facts this choice, its reaction or its feedback bring into the story"
    )
    was: list[ID] = Field(
        default_factory=list[str],
        description="Former ids of this choice: saved play-throughs that used them still replay and debrief",
    )

    _cond = field_validator("condition")(_check_condition)

    @field_validator("principles")
    @classmethod
    def _no_zero_weights(cls, value: dict[str, int]) -> dict[str, int]:
        zero = [k for k, w in value.items() if w == 0]
        if zero:
            raise ValueError(f"weight 0 says nothing; remove {zero} or give a weight")
        return value


class Route(_Model):
    """One branch of an automatic transition: taken when its condition holds."""

    target: ID
    condition: str | None = Field(default=None, description="Omit on the last route: the default")

    _cond = field_validator("condition")(_check_condition)


class PathNote(WhenShown):
    """A line shown only on the paths it fits: when the choices named were made (or not) and the condition holds.

    What the line refers to is written out, so that a test can prove it true on every path that shows it:
    ``chosen`` and ``about`` name the choices it speaks of, ``facts`` the facts it assumes. A ``condition``
    is judged at the end of the play-through.
    """

    text: str = Field(description="The line (Markdown)")
    about: list[ChoiceRef] = Field(
        default_factory=list[str],
        description="Choices the line speaks of beyond 'chosen' (each must have been made wherever it is shown)",
    )

    @model_validator(mode="after")
    def _says_when(self) -> PathNote:
        if not (self.chosen or self.chosen_any or self.not_chosen or self.condition):
            raise ValueError("a path note needs 'chosen', 'chosen_any', 'not_chosen' or 'condition'")
        return self


class Node(_Model):
    text: str = Field(default="", description="Narrative (Markdown): where we are, what happens")
    lines: list[Line] = Field(default_factory=list[Line], description="Dialogue lines in order")
    choices: list[Choice] = Field(default_factory=list[Choice], description="2-4 choices at a decision point")
    routes: list[Route] = Field(default_factory=list[Route], description="Instead of choices: go on automatically")
    key_moment: bool = Field(default=False, description="Show the alternatives of this decision in the debrief")
    discussion: str | None = Field(default=None, description="Prompt for team discussion at this decision")
    introduces: list[FactID] = Field(default_factory=list[str], description="Facts this scene brings into the story")
    facts: list[FactID] = Field(
        default_factory=list[str], description="Facts this scene's text and lines assume (brought in earlier)"
    )

    @model_validator(mode="after")
    def _choices_or_routes(self) -> Node:
        if self.choices and self.routes:
            raise ValueError("a node has either choices or routes, not both")
        if not self.choices and not self.routes:
            raise ValueError("a node needs choices (2-4) or routes; an end point belongs under 'endings'")
        if self.choices and not 2 <= len(self.choices) <= 4:
            raise ValueError(f"a decision has 2 to 4 choices, this one has {len(self.choices)}")
        ids = [c.id for c in self.choices] + [old for c in self.choices for old in c.was]
        if len(set(ids)) != len(ids):
            raise ValueError(f"choice ids (and their former ids in 'was') must be unique within a node: {ids}")
        if self.routes and self.routes[-1].condition is not None:
            raise ValueError("the last route must have no condition (it is the default)")
        return self


class Ending(_Model):
    title: str
    outcome: Outcome
    text: str = Field(description="What happens (Markdown): true on every path into this ending")
    lines: list[Line] = Field(default_factory=list[Line])
    path_text: list[PathNote] = Field(
        default_factory=list[PathNote], description="Lines added to the text on the paths they fit"
    )
    debrief: str = Field(
        description="What this ending teaches and what to try next time (Markdown): true on every path into it"
    )
    path_debrief: list[PathNote] = Field(
        default_factory=list[PathNote], description="Debrief lines about what this teacher did, on the paths they fit"
    )
    facts: list[FactID] = Field(
        default_factory=list[str], description="Facts the text and debrief assume (brought in on every path)"
    )
    principles: list[ID] = Field(default_factory=list[str], description="Principles the debrief refers to")


SCENARIO_FORMAT = 1  # the version of the scenario file format this Samenspel reads


class Scenario(_Model):
    format_version: int = Field(
        default=SCENARIO_FORMAT,
        ge=1,
        le=SCENARIO_FORMAT,
        description=f"The version of the scenario format; this Samenspel reads up to {SCENARIO_FORMAT}",
    )
    id: ID
    title: str
    summary: str
    school_type: SchoolType
    theme: Theme | None = Field(
        default=None, description="What the scenario is about, for the library's filter (the quality bar asks for one)"
    )
    minutes: int = Field(ge=3, le=60)
    learning_goals: list[str] = Field(min_length=1)
    principles: list[ID] = Field(min_length=1, description="Principles this scenario trains")
    persona: Persona
    context: str = Field(description="Context (Markdown): school, group, child, history with this parent")
    anticipate: str = Field(
        description="A question before the first scene: what do you expect, what do you want to reach?"
    )
    variables: dict[VarName, Variable]
    start: ID
    nodes: dict[ID, Node]
    endings: dict[ID, Ending] = Field(min_length=1)
    references: list[str] = Field(default_factory=list[str], description="Named real sources beyond the seeds")
    words: list[str] = Field(
        default_factory=list[str],
        description="Words the spelling check accepts in this scenario only, e.g. a fictional first name",
    )
    reflection_prompts: list[PathNote] = Field(
        default_factory=list[PathNote],
        description="Reflection questions about the choices this teacher made, shown with the reflection form",
    )

    @model_validator(mode="after")
    def _shape(self) -> Scenario:
        if "vertrouwen" not in self.variables:
            raise ValueError("every scenario tracks the parent's trust: add variable 'vertrouwen'")
        clash = sorted(set(self.nodes) & set(self.endings))
        if clash:
            raise ValueError(f"ids used for both a node and an ending: {clash}")
        return self

    def speaker_label(self, speaker: Speaker) -> str:
        labels = {
            Speaker.ouder: self.persona.label,
            Speaker.ouder2: self.persona.second_label or "Andere ouder",
            Speaker.leraar: "Jij",
            Speaker.kind: "Kind",
            Speaker.tolk: "Tolk",
            Speaker.collega: "Collega",
            Speaker.verteller: "",
        }
        return labels[speaker]


def json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Samenspel scenario"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
