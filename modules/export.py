"""Exports for the user: a portfolio of chosen reflections, all my data, and deleting it.

No Streamlit here: pages call these functions and offer the result for download.

Safety of the exports:
- every text a user wrote (answers, intention, comments, usernames) and every scenario
  title is escaped before it goes into Markdown, so it stays literal text;
- the HTML portfolio is rendered with the ``markdown`` package from Markdown in which
  that text was first escaped with ``html.escape`` and then Markdown-escaped, so no tag
  a user typed can reach the HTML; the page is self-contained (inline CSS, no links,
  no scripts, no external resources);
- only the user's own reflections and their threads go into a portfolio.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone

import markdown

from modules import reflection as reflection_form
from modules import sharing, team
from modules.accounts import ROLE_LABELS, PermissionDenied, require_role
from modules.records import Account, Comment, Reflection, now
from modules.store import NotFoundError, Store

try:
    from zoneinfo import ZoneInfo

    _TZ = ZoneInfo("Europe/Amsterdam")
except Exception:  # pragma: no cover - systems without tz data
    _TZ = timezone.utc

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
PORTFOLIO_TITLE = "Portfolio: reflecties op oefengesprekken met ouders"
PORTFOLIO_INTRO = (
    "Reflecties op gesprekken met ouders die ik heb geoefend in Samenspel, met de reacties van mijn coach. "
    "Ik reflecteerde met het ALACT-model van Korthagen. Bedoeld voor mijn bekwaamheidsdossier."
)
SECRET_FIELDS = {"password_hash", "reset_code_hash"}

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that mean something.
_COMMONMARK_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&$:=])")
# Python-Markdown only honours backslash escapes for these characters (Markdown.ESCAPED_CHARS).
_PYMARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


# --- escaping ---------------------------------------------------------------------------------

def escape_markdown(text: str) -> str:
    """User text made literal for a Markdown file (CommonMark); line breaks kept as hard breaks."""
    lines = [_COMMONMARK_SPECIAL.sub(r"\\\1", line.strip()) for line in str(text).splitlines()]
    return "  \n".join(lines)


def escape_for_html(text: str) -> str:
    """User text made literal for Markdown that is rendered to HTML with the ``markdown`` package.

    First ``html.escape`` (so no tag survives), then Markdown escapes (so no emphasis, link,
    heading or list appears); ``=`` becomes an entity so a line of ``===`` makes no heading.
    Leading spaces are dropped so a line never becomes a code block.
    """
    lines = []
    for line in str(text).splitlines():
        line = html.escape(line.strip(), quote=False)
        line = _PYMARKDOWN_SPECIAL.sub(r"\\\1", line)
        lines.append(line.replace("=", "&#61;"))
    return "  \n".join(lines)


# --- dates ------------------------------------------------------------------------------------

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


ROLES = tuple(ROLE_LABELS)  # any signed-in, active account acts on its own data


# --- portfolio --------------------------------------------------------------------------------

def _chosen(store: Store, user: Account, reflection_ids: list[str]) -> list[tuple[Reflection, list[Comment]]]:
    """The user's own reflections among ``reflection_ids`` (oldest first) with their threads."""
    require_role(user, *ROLES)
    chosen = []
    for reflection_id in dict.fromkeys(reflection_ids):
        try:
            item = store.get_reflection(user.id, reflection_id)
        except NotFoundError:
            raise PermissionDenied("not your reflection") from None
        chosen.append((item, sharing.thread(store, user, user.id, item.id)))
    return sorted(chosen, key=lambda pair: pair[0].created_at)


def _portfolio(store: Store, user: Account, reflection_ids: list[str], esc) -> str:
    chosen = _chosen(store, user, reflection_ids)
    count = f"{len(chosen)} {'reflectie' if len(chosen) == 1 else 'reflecties'}"
    out = [
        f"# {PORTFOLIO_TITLE}",
        "",
        PORTFOLIO_INTRO,
        "",
        f"**Gebruikersnaam:** {esc(user.username)}  ",
        f"**Geëxporteerd op:** {dutch_date(now())}  ",
        f"**Aantal:** {count}",
        "",
    ]
    for number, (item, comments) in enumerate(chosen, start=1):
        title = item.scenario_title or "Losse reflectie"
        out += ["---", "", f"## {number}\\. {esc(title)}", "", f"*Geschreven op {dutch_date(item.created_at)}*", ""]
        for phase in reflection_form.PHASES:
            answered = [q for q in phase.questions if item.answers.get(q.key, "").strip()]
            if not answered:
                continue
            out += [f"### {esc(phase.title)}", ""]
            for question in answered:
                out += [f"**{esc(question.label)}**", "", esc(item.answers[question.key]), ""]
        known = {q.key for q in reflection_form.ALL_QUESTIONS}
        other = [k for k, v in item.answers.items() if k not in known and v.strip()]
        for key in other:
            out += [f"**{esc(reflection_form.label(key))}**", "", esc(item.answers[key]), ""]
        out += [f"### {esc(reflection_form.INTENTION.label)}", "", esc(item.intention), ""]
        if comments:
            out += [f"### Reacties ({len(comments)})", ""]
            for comment in comments:
                out += [f"**{esc(comment.author_name)}**, {dutch_date(comment.created_at)}:", "",
                        esc(comment.text), ""]
    out += ["---", "", f"*Reflectiemodel: {esc(reflection_form.SOURCE)}*", ""]
    return "\n".join(out)


def portfolio_markdown(store: Store, user: Account, reflection_ids: list[str]) -> str:
    """The chosen reflections (the user's own) with their comments, as a Markdown file."""
    return _portfolio(store, user, reflection_ids, escape_markdown)


HTML_STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; color: #1f2328; background: #fff; margin: 0; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; line-height: 1.55; }
h1 { font-size: 1.7rem; margin-bottom: .5rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; color: #1b4f72; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; color: #333; }
p { margin: .35rem 0 .8rem; }
hr { border: 0; border-top: 1px solid #ccc; margin: 2rem 0; }
@media print { main { padding: 0; } h2 { break-before: page; } hr { display: none; } }
"""


def portfolio_html(store: Store, user: Account, reflection_ids: list[str]) -> str:
    """The same portfolio as one self-contained HTML page (inline CSS, nothing external)."""
    body = markdown.markdown(_portfolio(store, user, reflection_ids, escape_for_html), output_format="html")
    return (
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(PORTFOLIO_TITLE)}</title>\n<style>{HTML_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


# --- my data (AVG: right of access and erasure) ----------------------------------------------

# How each kind of record in the store (store.RECORD_KINDS) is exported and deleted for a user.
# A test fails when the store gains a kind without a rule here.
EXPORT_RULES: dict[str, str] = {
    "account": "account (without password and reset-code hashes)",
    "throttle": "not exported: a failure counter under a hash of a typed name, no user id; expires within a day",
    "login": "logins: when each sign-in started and ends (never the token or its hash)",
    "cookie_ticket": "not exported: lives one minute, holds no more than a login",
    "connection": "connections, with the other side's username",
    "share": "shares",
    "attempt": "attempts",
    "reflection": "reflections",
    "comment": "comments_on_my_reflections and comments_i_wrote_on_other_reflections",
    "read_marker": "read_markers",
    "team_session": "team_sessions_led (summaries) and team_sessions_joined (my entry, votes and reasons)",
    "team_code": "in team_sessions_led (the code of each session)",
    "nickname_profile": "not exported separately: a migrated profile is the account (same id and name)",
}
DELETE_RULES: dict[str, str] = {
    "account": "removed",
    "throttle": "the counter of the username is removed",
    "login": "every sign-in is removed (signed out everywhere)",
    "cookie_ticket": "removed with the logins",
    "connection": "removed, both as teacher and as coach",
    "share": "removed, both as teacher and as coach",
    "attempt": "removed with the user's file",
    "reflection": "removed with the user's file",
    "comment": "comments on the user's reflections go with the file; the user's comments elsewhere are removed",
    "read_marker": "removed with the user's file",
    "team_session": "sessions the user led are removed; elsewhere the user's entry, votes and reasons",
    "team_code": "removed with the sessions the user led",
    "nickname_profile": "removed",
}

def _comment_owners(store: Store, user: Account) -> list[str]:
    """Users in whose files this user may have written comments (not the user's own file).

    A coach writes in the files of the teachers that shared with them, and comments stay
    there after a teacher disconnects or the coach gets another role; so every other
    account is checked, whatever the user's role now.
    """
    return sorted(a.id for a in store.list_accounts() if a.id != user.id)


def _written_elsewhere(store: Store, user: Account) -> dict[str, list[Comment]]:
    found = {}
    for owner_id in _comment_owners(store, user):
        mine = [c for c in store.list_comments(owner_id) if c.author_id == user.id]
        if mine:
            found[owner_id] = mine
    return found


def my_data(store: Store, user: Account) -> dict:
    """Everything stored about the user, as JSON-able data (no password or reset-code hashes)."""
    require_role(user, *ROLES)
    account = {k: v for k, v in user.model_dump(mode="json").items() if k not in SECRET_FIELDS}

    def username(user_id: str) -> str | None:
        other = store.get_account(user_id)
        return other.username if other else None

    connections = [
        {**c.model_dump(mode="json"), "my_role": "teacher", "coach_username": username(c.coach_id)}
        for c in store.connections(teacher_id=user.id)
    ] + [
        {**c.model_dump(mode="json"), "my_role": "coach", "teacher_username": username(c.teacher_id)}
        for c in store.connections(coach_id=user.id)
    ]
    shares = [s.model_dump(mode="json") for s in store.shares(teacher_id=user.id)] + [
        s.model_dump(mode="json") for s in store.shares(coach_id=user.id)
    ]
    return {
        "export": {
            "app": "Samenspel",
            "exported_at": now(),
            "about": "Alle gegevens die Samenspel over jou bewaart. Wachtwoorden staan er niet in.",
        },
        "account": account,
        "attempts": [a.model_dump(mode="json") for a in store.list_attempts(user.id)],
        "reflections": [r.model_dump(mode="json") for r in store.list_reflections(user.id)],
        "comments_on_my_reflections": [c.model_dump(mode="json") for c in store.list_comments(user.id)],
        "comments_i_wrote_on_other_reflections": [
            c.model_dump(mode="json") for comments in _written_elsewhere(store, user).values() for c in comments
        ],
        "read_markers": store.seen(user.id),
        "connections": connections,
        "shares": shares,
        "logins": [{"started": d["created_at"], "ends": d["expires_at"]} for d in store.logins_of(user.id)],
        **team.user_data(store, user),
    }


def delete_my_data(store: Store, user: Account) -> None:
    """Erase the user: their comments in other users' files, their team-session entries, then the
    account with its file, links, shares, sign-ins and failure counter."""
    require_role(user, *ROLES)
    for owner_id in _written_elsewhere(store, user):
        store.remove_comments_by(owner_id, user.id)
    team.forget_user(store, user)
    store.delete_account(user.id)
