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


# Streamlit draws axis and legend labels in a grey of contrast 3.7:1 on white; this ink passes 4.5:1
# (axe cannot see it: the chart is a canvas).
_INK = "#4a4845"
_READABLE = {
    "axis": {"labelColor": _INK, "titleColor": _INK},
    "legend": {"labelColor": _INK, "titleColor": _INK},
}


def chart(values: list[dict[str, Any]], mark: str | Spec, encoding: Spec, **properties: Any) -> Spec:
    return {"data": {"values": values}, "mark": mark, "encoding": encoding, "config": _READABLE, **properties}


def show(spec: Spec) -> None:
    """Full width; the height is the specification's own (pixels, or a step per bar)."""
    st.vega_lite_chart(spec, width="stretch", height="content")
