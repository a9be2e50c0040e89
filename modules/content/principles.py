"""The catalogue of partnership principles, loaded from ``modules/data/principles.yaml``.

Every principle carries its source: a seed file from ``shared/seeds`` and the
section heading in that file, plus a short verbatim quote so that a reader (and
a test) can check the claim against the text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from modules.content.yamlio import load_yaml_file

CATALOGUE_PATH = Path(__file__).parent / "data" / "principles.yaml"

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

# The seed texts (shared/seeds/README.md) as a reader can find them: title, author or publisher.
SEED_TITLES = {
    "000_bd1fe83d345ef498.txt": "‘Gelijkwaardige samenwerking tussen school en ouders’ (kennisartikel)",
    "001_be526354fe6ce481.txt": "‘Ouderbetrokkenheid’ (Arja Kerpel, wij-leren.nl, 2023)",
    "002_a86ea550050b7846.txt": "‘Samen met ouders het welbevinden van een kind stimuleren’ "
    "(naar NJi, Partnerschap met ouders: wat werkt)",
    "003_402ef0ece0a768d4.txt": "‘Zorg voor educatief partnerschap’ (Vincent Fafieanie, lectoraat Fontys Pedagogiek)",
    "004_e7bd58222e9c493f.txt": (
        "‘Daag ouders uit voor samenwerking met school’ (Marieke Boon, Ouders & Onderwijs, 2018)"
    ),
}


class Source(BaseModel):
    """Where a statement comes from: a seed file and a section heading in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="Seed file name, e.g. 000_bd1fe83d345ef498.txt")
    section: str = Field(description="Section heading in that file, as written there")
    quote: str = Field(default="", description="A short verbatim quote from that section")

    def label(self) -> str:
        """For readers: the text's title and author, then the section ('a > b' as 'a, b')."""
        title = SEED_TITLES.get(self.file, self.file)
        return f"{title}, onderdeel ‘{self.section.replace(' > ', ', ')}’"


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    name: str
    intro: str = ""
    source: Source


class Principle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(description="Dutch name, short")
    group: str
    summary: str = Field(description="One or two sentences in plain Dutch (B1), addressing 'je'")
    in_practice: str = Field(default="", description="What it looks like in a conversation")
    source: Source
    also: list[str] = Field(
        default_factory=list[str], description="Named real sources for a fact the seed does not give (law, rules)"
    )


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    groups: list[Group]
    principles: list[Principle]
    _index: dict[str, Principle] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_ids(self) -> Catalogue:
        group_ids = [g.id for g in self.groups]
        if len(set(group_ids)) != len(group_ids):
            raise ValueError("duplicate group id")
        ids = [p.id for p in self.principles]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate principle ids: {dupes}")
        unknown = sorted({p.group for p in self.principles} - set(group_ids))
        if unknown:
            raise ValueError(f"principles refer to unknown groups: {unknown}")
        return self

    def get(self, principle_id: str) -> Principle | None:
        return self.by_id().get(principle_id)

    def by_id(self) -> dict[str, Principle]:
        """Principles by id (built once: the catalogue is read once and never changed)."""
        if self._index is None:
            self._index = {p.id: p for p in self.principles}
        return self._index

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def in_group(self, group_id: str) -> list[Principle]:
        return [p for p in self.principles if p.group == group_id]


@lru_cache(maxsize=4)
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Load and validate the catalogue; raises on any error (it ships with the code)."""
    return Catalogue.model_validate(load_yaml_file(path))


def normalise_for_match(text: str) -> str:
    """Lower-case letters and digits only: survives the seeds' line-break hyphenation."""
    return re.sub(r"[^0-9a-zà-ÿ]", "", text.lower())
