"""Storage: the ``Store`` protocol and its implementations, TinyDB files (the default) and PostgreSQL.

Services read and write records only through a ``Store``; nothing else touches files or the database.
``PostgresStore`` is imported from ``modules.storage.postgres_store`` (psycopg is loaded only then).
"""

from modules.storage.errors import (
    CorruptDataError,
    DataFolderError,
    DuplicateError,
    InvalidInputError,
    NotFoundError,
    SchemaError,
    StoreError,
)
from modules.storage.files import ORPHAN_AGE, locked, remove_orphan_temp_files
from modules.storage.opening import open_store
from modules.storage.protocol import INTERNAL_TABLES, RECORD_KINDS, RECORD_TABLES, Store
from modules.storage.tinydb_store import (
    DEFAULT_ROOT,
    DEMO_MARKER,
    SECRET_FILE,
    TinyDBStore,
    migrate,
    normalise_nickname,
    validate_nickname,
)

__all__ = [
    "DEFAULT_ROOT",
    "DEMO_MARKER",
    "ORPHAN_AGE",
    "RECORD_KINDS",
    "SECRET_FILE",
    "CorruptDataError",
    "INTERNAL_TABLES",
    "RECORD_TABLES",
    "DataFolderError",
    "DuplicateError",
    "InvalidInputError",
    "NotFoundError",
    "SchemaError",
    "Store",
    "StoreError",
    "TinyDBStore",
    "locked",
    "migrate",
    "normalise_nickname",
    "open_store",
    "remove_orphan_temp_files",
    "validate_nickname",
]
