"""Which store a deployment uses: PostgreSQL when ``SAMENSPEL_DATABASE_URL`` is set, else TinyDB files."""

from __future__ import annotations

from pathlib import Path

from modules import settings
from modules.storage.protocol import Store
from modules.storage.tinydb_store import TinyDBStore


def open_store(root: str | Path | None = None, *, demo: bool | None = None, url: str | None = None) -> Store:
    """The configured store.

    With ``SAMENSPEL_DATABASE_URL`` (or ``url``) and without the demo: the PostgreSQL store, whose
    data folder (``root``, default ``SAMENSPEL_DATA_DIR`` or ``progress/``) keeps only files that are
    not records. Otherwise the TinyDB store exactly as before: the demo folder in demo mode, else
    ``SAMENSPEL_DATA_DIR`` or ``progress/``. The demo always runs on its own TinyDB folder, so its
    public accounts never enter the deployment's database, and switching the demo off removes it.

    Raises ``DataFolderError`` when the folder or database is of the other kind (demo data for a real
    deployment, or real data for the demo), ``SchemaError`` for a database migrated by a newer
    Samenspel, and ``StoreError`` when the database cannot be reached.
    """
    demo = settings.demo_enabled() if demo is None else demo
    url = settings.database_url() if url is None else url
    if url and not demo:
        from modules.storage.postgres_store import PostgresStore  # psycopg only when a database is used

        return PostgresStore(url, root=root if root is not None else settings.data_root())
    # Returned as a Store: pyright checks every method of TinyDBStore against the protocol here.
    return TinyDBStore(root if root is not None else settings.active_data_dir(), demo=demo)
