"""The one place where errors become what a page shows: a short Dutch message and a reference code.

Pages do not catch storage errors themselves: the shell (``modules.ui.shell``), the server's
error handler (``modules.ui.server``) and ``guarded`` callbacks hand them to ``show``. The one
exception is a page that is still useful without the data it could not read (the scenario list
without its status, a debrief without the count of endings): it calls ``store_error`` and goes on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import streamlit as st

from modules.deployment import startup
from modules.storage import CorruptDataError, StoreError


def show(exc: BaseException) -> str:
    """Show an error that reached the top of a page, a fragment or a callback; returns its reference code."""
    if isinstance(exc, StoreError):
        return store_error(exc)
    return show_failure(exc)


def show_failure(exc: BaseException) -> str:
    """An unexpected error: a short Dutch message with a reference code; the detail goes to the server log."""
    code = startup.log_failure("a page", exc)
    st.error(
        "Er ging iets mis. Wat je al had opgeslagen, blijft bewaard. Probeer het opnieuw of kies een andere "
        f"pagina. Blijft het misgaan? Geef de beheerder deze code: **{code}**."
    )
    return code


def store_error(exc: StoreError) -> str:
    """A clear Dutch message for storage problems; nothing is overwritten."""
    if isinstance(exc, CorruptDataError):  # the file and the cause go to the server log, under the code
        code = startup.log_failure(f"reading {exc.path}", exc)
        st.error(
            "Je opgeslagen gegevens kunnen niet worden gelezen. Er is niets overschreven: het bestand is bewaard. "
            f"Vraag de beheerder om het te controleren en geef deze code: **{code}**."
        )
        return code
    code = startup.log_failure("storage", exc)
    st.error(
        "Opslaan of lezen lukte niet. Probeer het opnieuw. Wat je al had opgeslagen, blijft bewaard. "
        f"Blijft het misgaan? Geef de beheerder deze code: **{code}**."
    )
    return code


def guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """A widget callback whose errors are shown like a page's (a callback runs before the page does)."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown in Dutch with a reference code, detail in the log
            show(exc)
            return None

    return run
