"""Dates in Dutch, in Dutch time (Europe/Amsterdam): one place for every page, chart and export.

Stored times are timezone-aware UTC; everything a person sees is in Dutch time, so an
attempt at 00:30 on 1 December is "1 december" everywhere, also in charts and exports.
Imports nothing from the rest of Samenspel.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

try:
    from zoneinfo import ZoneInfo

    TZ = ZoneInfo("Europe/Amsterdam")
except Exception:  # pragma: no cover - systems without tz data
    TZ = UTC

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
SHORT_MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def local(moment: datetime | str) -> datetime:
    """A stored moment in Dutch time (a naive one counts as UTC)."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(TZ)


def local_date(moment: datetime | str | None) -> date | None:
    """The calendar date in the Netherlands of a stored moment."""
    return local(moment).date() if moment else None


def dutch_date(moment: datetime | date | str | None) -> str:
    """'3 maart 2025' in Dutch time (a calendar date as it is); empty for no date."""
    if not moment:
        return ""
    when = moment if isinstance(moment, date) and not isinstance(moment, datetime) else local(moment)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def dutch_datetime(moment: datetime | str | None) -> str:
    """'23 nov. 2026, 12:08' in Dutch time, for pages; empty for no date."""
    if not moment:
        return ""
    when = local(moment)
    return f"{when.day} {SHORT_MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"


def numeric_datetime(moment: datetime | str | None) -> str:
    """'2026-11-23 12:08' in Dutch time, for spreadsheets; empty for no date."""
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment else ""


def plural(count: int, one: str, many: str) -> str:
    """'1 deelnemer', '3 deelnemers'."""
    return f"{count} {one if count == 1 else many}"
