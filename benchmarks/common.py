"""What the AppTest benchmarks share: walking AppTest's element tree, and a quiet Streamlit logger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import streamlit.logger


def quiet_streamlit() -> None:
    """Setting AppTest's session state between runs warns 'missing ScriptRunContext': expected here.

    A filter, because every ``AppTest.run()`` resets Streamlit's log level.
    """
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit"):
        streamlit.logger.get_logger(name).addFilter(
            lambda record: "missing ScriptRunContext" not in record.getMessage()
        )


def leaves(node: Any) -> Iterator[Any]:
    """Every element of an AppTest tree (containers opened up)."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from leaves(child)
    else:
        yield node
