"""What authors write in the Werkplaats: scenario drafts, and the published versions of a scenario."""

from __future__ import annotations

from pydantic import Field

from modules.records.base import Moment, Record, new_id, now


class Draft(Record):
    """A scenario in the making: YAML text of one author, private to them until it is published.

    Saved whether or not the linter is content (``errors`` counts what it found at the last save);
    only a draft without errors can be published."""

    id: str = Field(default_factory=new_id)
    owner_id: str
    scenario_id: str = Field(default="", description="The id in the YAML, when it could be read")
    title: str = Field(default="", description="The title in the YAML, when it could be read")
    yaml: str
    source: str = Field(default="", description="Where it came from: 'bibliotheek', 'bestand', 'twine', 'geplakt'")
    errors: int = 0
    warnings: int = 0
    offered: bool = Field(default=False, description="Offered for publication: publishers may read and publish it")
    created_at: Moment = Field(default_factory=now)
    updated_at: Moment = Field(default_factory=now)


class ScenarioVersion(Record):
    """One published version of a scenario file: who published what, and when.

    Number 0 is the file as it was in the library before its first publication from the Werkplaats
    (``published_by`` None)."""

    id: str = Field(default_factory=new_id)
    scenario_id: str
    number: int
    file_name: str
    yaml: str
    published_by: str | None = Field(default=None, description="The account that published it (None: deleted, or 0)")
    published_at: Moment = Field(default_factory=now)
