"""What every stored record shares: ids, timestamps, and a format version with its migrations.

Times are timezone-aware ``datetime`` values in UTC (``AwareDatetime``), stored as ISO 8601
text and shown in Dutch time by ``modules.dutch``. Every stored record carries a
``format_version``; a record written by an older Samenspel is upgraded when it is read
(``Record.from_stored``), one step per version, and one written by a newer Samenspel is
refused with a clear message instead of being misread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, Field

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


Moment = AwareDatetime  # the type of every stored time


class FormatError(ValueError):
    """A stored record that this version of Samenspel cannot read (written by a newer one)."""


class Record(BaseModel):
    """A stored record: ``format_version`` says which shape it has.

    ``FORMAT`` is the current version of a record type; ``MIGRATIONS[n]`` turns a stored
    document of version ``n`` into one of version ``n + 1``. Records written before versions
    existed count as version 0.
    """

    FORMAT: ClassVar[int] = 1
    MIGRATIONS: ClassVar[dict[int, Migration]] = {}

    format_version: int = Field(default=1, description="The shape of this record; see Record.from_stored")

    @classmethod
    def upgrade(cls, doc: dict[str, Any]) -> dict[str, Any]:
        """The stored document in the current format (a copy; the stored one is not changed)."""
        version = int(doc.get("format_version", 0))
        if version > cls.FORMAT:
            raise FormatError(
                f"{cls.__name__} of format {version}: written by a newer Samenspel, which this one "
                f"(format {cls.FORMAT}) cannot read"
            )
        upgraded = dict(doc)
        while version < cls.FORMAT:
            migrate = cls.MIGRATIONS.get(version)
            if migrate is not None:
                upgraded = migrate(upgraded)
            version += 1
        upgraded["format_version"] = cls.FORMAT
        return upgraded

    @classmethod
    def from_stored(cls, doc: dict[str, Any]) -> Self:
        return cls.model_validate(cls.upgrade(doc))
