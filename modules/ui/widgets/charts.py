"""Vega-Lite charts as plain specifications.

Streamlit draws a plain Vega-Lite dictionary in a few milliseconds; an Altair chart costs it
50-300 ms (Altair validates the whole specification against its JSON schema and Streamlit
then extracts the data), which a coach felt on every rerun of *Mijn leraren* and a projector
on every refresh of the vote count. The specifications are the ones Altair produced.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

Spec = dict[str, Any]


def channel(field: str, kind: str, **options: Any) -> Spec:
    """An encoding channel: ``kind`` is ``nominal``, ``ordinal`` or ``quantitative``."""
    return {"field": field, "type": kind, **options}


def tooltip(*fields: tuple[str, str, str]) -> list[Spec]:
    """Tooltip rows as (field, kind, title)."""
    return [channel(field, kind, title=title) for field, kind, title in fields]


def chart(values: list[dict[str, Any]], mark: str | Spec, encoding: Spec, **properties: Any) -> Spec:
    return {"data": {"values": values}, "mark": mark, "encoding": encoding, **properties}


def show(spec: Spec) -> None:
    """Full width; the height is the specification's own (pixels, or a step per bar)."""
    st.vega_lite_chart(spec, width="stretch", height="content")
