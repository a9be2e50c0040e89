"""What can go wrong when reading or writing stored data."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class of storage errors."""


class CorruptDataError(StoreError):
    """A data file (or a database row) exists but cannot be read; it is kept untouched.

    ``path`` is the file, or for PostgreSQL ``postgresql/<table>/<key>``."""

    def __init__(self, path: Path, reason: str, *, what: str = "file"):
        super().__init__(f"cannot read {path}: {reason}; the {what} was left untouched")
        self.path = path
        self.reason = reason


class NotFoundError(StoreError):
    pass


class DataFolderError(StoreError):
    """The data folder is of the wrong kind (demo data for a real deployment, or the reverse)."""


class InvalidInputError(StoreError, ValueError):
    pass


class DuplicateError(StoreError):
    pass


class SchemaError(StoreError):
    """The database's schema cannot be used by this Samenspel (newer than it knows, or not migrated)."""
