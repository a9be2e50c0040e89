"""Deployment settings from the environment, read in one place.

| variable                   | default     | meaning                                                        |
|----------------------------|-------------|----------------------------------------------------------------|
| ``SAMENSPEL_DATA_DIR``     | progress/   | the data folder of the real deployment                         |
| ``SAMENSPEL_DEMO``         | off         | ``1`` runs the demo: public demo accounts, on ``<data>/demo/`` |
| ``SAMENSPEL_LOGIN_HOURS``  | 12          | how long a sign-in survives a refresh (F5)                     |
| ``SAMENSPEL_TRUSTED_PROXY``| off         | ``1``: take the client address from ``X-Forwarded-For``        |
| ``SAMENSPEL_SECRET_KEY``   | unset       | signs the sign-in and device cookies (32+ characters), instead |
|                            |             | of the store's own key; the same on every app server           |
| ``SAMENSPEL_DATABASE_URL`` | unset       | a PostgreSQL URL (``postgresql://user:pw@host:5432/name``):    |
|                            |             | records go there instead of TinyDB files; the demo stays in    |
|                            |             | its own TinyDB folder                                          |
| ``SAMENSPEL_XAPI_BASE``    | see below   | base IRI of xAPI ids (activities, extensions, the actor's home) |
| ``SAMENSPEL_LRS_URL``      | unset       | a Learning Record Store's xAPI endpoint: statements are sent   |
| ``SAMENSPEL_LRS_KEY``      | unset       | the LRS's basic-auth key (user name)                           |
| ``SAMENSPEL_LRS_SECRET``   | unset       | the LRS's basic-auth secret (password)                         |

The xAPI base defaults to ``https://samenspel.example/xapi`` (``DEFAULT_XAPI_BASE``); see the README,
*Learning records (xAPI)*.

The demo is **off** unless switched on explicitly: ``streamlit run app.py`` without
settings never creates an account with a public password. The demo never uses the
real data folder: its data lives in ``<data>/demo/``, a folder marked as demo data
(see ``modules.storage``), so real and demo accounts never share a data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO / "progress"
DEMO_FOLDER = "demo"
TRUE = {"1", "true", "yes", "ja", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in TRUE


def data_root() -> Path:
    """The real deployment's data folder (``SAMENSPEL_DATA_DIR`` or ``progress/``)."""
    return Path(os.environ.get("SAMENSPEL_DATA_DIR") or DEFAULT_DATA_DIR)


def demo_enabled() -> bool:
    """True only when ``SAMENSPEL_DEMO`` says so (1/true/yes/ja/on)."""
    return _flag("SAMENSPEL_DEMO")


def demo_dir(root: Path | None = None) -> Path:
    """Where the demo keeps its data: a folder of its own inside the data folder."""
    return (root or data_root()) / DEMO_FOLDER


def active_data_dir() -> Path:
    """The folder the app works on now: the demo folder in demo mode, else the real one."""
    return demo_dir() if demo_enabled() else data_root()


def database_url() -> str | None:
    """The PostgreSQL database of the real deployment (``SAMENSPEL_DATABASE_URL``); None: TinyDB files."""
    return os.environ.get("SAMENSPEL_DATABASE_URL", "").strip() or None


def login_hours() -> float:
    """How long a sign-in lasts (hours); a bad value falls back to 12."""
    try:
        hours = float(os.environ.get("SAMENSPEL_LOGIN_HOURS", "12"))
    except ValueError:
        return 12.0
    return hours if 0 < hours <= 24 * 30 else 12.0


def trusted_proxy() -> bool:
    return _flag("SAMENSPEL_TRUSTED_PROXY")


SECRET_KEY_MIN = 32  # characters


def secret_key() -> bytes | None:
    """The operator's cookie-signing key (``SAMENSPEL_SECRET_KEY``); None when unset: the store's key signs.

    Without it the key is the store's (``secret.key`` in the data folder, or a row in the database),
    which every app server of a deployment already shares. Set it to keep the key out of the data and
    its backups, or change it to make every sign-in cookie worthless (the next refresh asks to sign
    in again). Every app server must have the same value, or a sign-in made on one server does not
    hold on another. A key shorter than ``SECRET_KEY_MIN`` characters is a mistake, not a choice:
    ``ValueError``.
    """
    value = os.environ.get("SAMENSPEL_SECRET_KEY", "").strip()
    if not value:
        return None
    if len(value) < SECRET_KEY_MIN:
        raise ValueError(f"SAMENSPEL_SECRET_KEY is shorter than {SECRET_KEY_MIN} characters")
    return value.encode("utf-8")


# --- learning records (xAPI) -------------------------------------------------------------------

DEFAULT_XAPI_BASE = "https://samenspel.example/xapi"


def xapi_base() -> str:
    """The base IRI of Samenspel's xAPI ids (``SAMENSPEL_XAPI_BASE``), without a trailing slash; a value
    that is not an absolute http(s) IRI falls back to the default."""
    value = os.environ.get("SAMENSPEL_XAPI_BASE", "").strip().rstrip("/")
    scheme, _, rest = value.partition("://")
    if scheme not in ("https", "http") or not rest.split("/")[0] or any(c.isspace() for c in value):
        return DEFAULT_XAPI_BASE
    return value


def lrs_url() -> str | None:
    """The Learning Record Store's xAPI endpoint (``SAMENSPEL_LRS_URL``), or None: then nothing is sent."""
    value = os.environ.get("SAMENSPEL_LRS_URL", "").strip()
    return value or None


def lrs_credentials() -> tuple[str, str]:
    """The LRS's basic-auth key and secret (``SAMENSPEL_LRS_KEY``, ``SAMENSPEL_LRS_SECRET``; empty when unset)."""
    return os.environ.get("SAMENSPEL_LRS_KEY", ""), os.environ.get("SAMENSPEL_LRS_SECRET", "")
