"""Storage: the ``Store`` protocol and its TinyDB implementation.

Services read and write records only through a ``Store``; nothing else touches files.
"""

from modules.storage.errors import (
    CorruptDataError,
    DataFolderError,
    DuplicateError,
    InvalidInputError,
    NotFoundError,
    StoreError,
)
from modules.storage.files import ORPHAN_AGE, locked, remove_orphan_temp_files
from modules.storage.protocol import RECORD_KINDS, Store
from modules.storage.tinydb_store import (
    DEFAULT_ROOT,
    DEMO_MARKER,
    SECRET_FILE,
    TinyDBStore,
    migrate,
    normalise_nickname,
    open_store,
    validate_nickname,
)

__all__ = [
    "DEFAULT_ROOT",
    "DEMO_MARKER",
    "ORPHAN_AGE",
    "RECORD_KINDS",
    "SECRET_FILE",
    "CorruptDataError",
    "DataFolderError",
    "DuplicateError",
    "InvalidInputError",
    "NotFoundError",
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
