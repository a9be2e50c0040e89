"""What every page works with: the store, the scenario library, the catalogue, page paths, navigation."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import streamlit as st

from modules import settings
from modules.content.principles import Catalogue, load_catalogue
from modules.library.scenarios import SCENARIO_DIR, Library, load_library
from modules.people import sharing
from modules.records import Account
from modules.storage import Store, StoreError, open_store

# Page scripts, relative to the main script (modules/webapp.py).
PAGES = {
    "welkom": "ui/pages/welkom.py",
    "scenarios": "ui/pages/scenarios.py",
    "spelen": "ui/pages/spelen.py",
    "nabespreking": "ui/pages/nabespreking.py",
    "reflectie": "ui/pages/reflectie.py",
    "logboek": "ui/pages/logboek.py",
    "mijn_ontwikkeling": "ui/pages/mijn_ontwikkeling.py",
    "principes": "ui/pages/principes.py",
    "mijn_coach": "ui/pages/mijn_coach.py",
    "portfolio": "ui/pages/portfolio.py",
    "mijn_gegevens": "ui/pages/mijn_gegevens.py",
    "coach": "ui/pages/coach.py",
    "team_overzicht": "ui/pages/team_overzicht.py",
    "beheer": "ui/pages/beheer.py",
    "meedoen": "ui/pages/meedoen.py",
    "sessie_leiden": "ui/pages/sessie_leiden.py",
    "werkplaats": "ui/pages/werkplaats.py",
}

SCHOOL_TYPES = {"po": "Basisonderwijs", "vo": "Voortgezet onderwijs", "so": "Speciaal onderwijs"}

# Session keys used across pages.
SCENARIO = "scenario_id"
ATTEMPT = "attempt_id"


@functools.lru_cache(maxsize=8)
def _store_for(root: str, demo: bool) -> Store:
    """One store object per data folder and kind, for every session of this process (a plain cache:
    ``st.cache_resource`` hashes its arguments on each of the ten or so calls a page run makes)."""
    return open_store(root, demo=demo)


def store() -> Store:
    """The store of this deployment: the demo folder in demo mode, else the real data folder."""
    return _store_for(str(settings.active_data_dir()), settings.demo_enabled())


def scenario_dir() -> Path:
    return Path(os.environ.get("SAMENSPEL_SCENARIO_DIR") or SCENARIO_DIR)


def library() -> Library:
    return load_library(scenario_dir())


def catalogue() -> Catalogue:
    return load_catalogue()


def go(page: str, **state: str) -> None:
    """Switch to a page, first setting session keys (e.g. scenario_id, attempt_id)."""
    for key, value in state.items():
        st.session_state[key] = value
    st.switch_page(PAGES[page])


def unread_comments(user: Account) -> int:
    """Comments by others on the user's own reflections not yet read (0 when the log cannot be read:
    the Logboek itself reports that)."""
    try:
        return sum(sharing.unread(store(), user, user.id).values())
    except StoreError:
        return 0
