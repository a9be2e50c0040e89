"""Dates in Dutch, in Dutch time (Europe/Amsterdam): one place for every page and export.

``dutch_date`` gives '1 december 2026', ``dutch_datetime`` '1 dec. 2026, 14:05'.
Imports nothing from the rest of Samenspel.
"""

from __future__ import annotations

from datetime import datetime, timezone

try:
    from zoneinfo import ZoneInfo

    _TZ = ZoneInfo("Europe/Amsterdam")
except Exception:  # pragma: no cover - systems without tz data
    _TZ = timezone.utc

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")


def dutch_date(moment: str | datetime | None) -> str:
    """'3 maart 2025' in Dutch time; empty for no date."""
    if not moment:
        return ""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(_TZ)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


SHORT_MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def dutch_datetime(moment: str | None) -> str:
    """'23 nov. 2026, 12:08' in Dutch time, for pages; empty for no date."""
    if not moment:
        return ""
    when = datetime.fromisoformat(moment)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(_TZ)
    return f"{when.day} {SHORT_MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"


