"""The portfolio: a teacher's chosen reflections with their comments, as Markdown or one self-contained HTML page.

No Streamlit here: the page calls these functions and offers the result for download.

Safety and readability:

- The Markdown file is meant to be read as plain text too (a teacher opens it in any editor), so
  user text (answers, intention, comments, usernames) and scenario titles get only the escapes
  that stop a Markdown viewer from changing what was written (``plain_markdown``): no heading,
  quote, list, table, code block or line under a paragraph, no link or image, and never HTML.
  Ordinary punctuation stays as it was typed.
- The HTML is rendered with the ``markdown`` package from Markdown in which that text was first
  HTML-escaped and fully Markdown-escaped (``modules.exchange.escaping.escape_for_html``), so no
  tag a user typed can reach the HTML; the page is self-contained (inline CSS, no links, no
  scripts, no external resources).
- Only the user's own reflections and their threads go into a portfolio.
"""

from __future__ import annotations

import html
import re

import markdown

from modules.dutch import dutch_date
from modules.exchange.escaping import WORD_JOINER, escape_for_html, unlink_addresses
from modules.people import sharing
from modules.people.accounts import ROLE_LABELS, PermissionDenied, require_role
from modules.play import reflection as reflection_form
from modules.records import Account, Comment, Reflection, now
from modules.storage import Store

PORTFOLIO_TITLE = "Portfolio: reflecties op oefengesprekken met ouders"
PORTFOLIO_INTRO = (
    "Reflecties op gesprekken met ouders die ik heb geoefend in Samenspel, met de reacties van mijn coach. "
    "Ik reflecteerde met het ALACT-model van Korthagen. Bedoeld voor mijn bekwaamheidsdossier."
)
ROLES = tuple(ROLE_LABELS)  # any signed-in, active account acts on its own data


_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")  # before ASCII punctuation it would escape what follows
_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # what could open an HTML tag, comment or <autolink>
_MAIL = re.compile(r"(?<=[\w.+-])@(?=[\w-]+\.)")
_ORDERED = re.compile(r"^(\d{1,9})(?=[.)](\s|$))")  # "1. ", "2) ": an ordered list
_BULLET = re.compile(r"^[-+*](\s|$)")  # "- ", "* ", "+ ": a bullet list
_RULE_OR_UNDERLINE = re.compile(r"^[-=*_:|\s]*[-=*_][-=*_:|\s]*$")  # ---, ===, ***, |---|: rule, heading, table


def _plain_markdown_line(line: str) -> str:
    line = line.strip()  # leading spaces would make a code block
    line = _BACKSLASH.sub(r"\\\\", line)  # first: a user's backslash may not undo the escapes below
    line = line.replace("[", "\\[")  # no link, image, footnote or reference
    line = _TAG.sub("&lt;", line)  # never HTML: an entity, which every Markdown dialect shows as "<"
    line = unlink_addresses(line)
    line = _MAIL.sub(WORD_JOINER + "@", line)
    if _ORDERED.match(line):
        return _ORDERED.sub(r"\1\\", line, count=1)
    if line[:1] in ("#", ">") or line.startswith(("```", "~~~")) or _BULLET.match(line):
        return "\\" + line
    if _RULE_OR_UNDERLINE.match(line):
        return "\\" + line
    return line


def plain_markdown(text: str) -> str:
    """User text for the Markdown file: reads as typed, and a Markdown viewer shows it as typed.

    Only what would change the text in a viewer is escaped: a line starting as a heading (``#``),
    quote (``>``), list (``-``, ``*``, ``+``, ``1.``) or code fence, a line of ``---``/``===`` (a rule,
    or a heading of the line above) or a table's ``|---|``, and anywhere a ``[`` (a link or image),
    a ``<`` that could open HTML (written as ``&lt;``) and a backslash before punctuation. Emphasis
    (``*woord*``) is left alone: it shows what the writer meant. Line breaks are kept.
    """
    return "  \n".join(_plain_markdown_line(line) for line in str(text).splitlines())


def _chosen(store: Store, user: Account, reflection_ids: list[str]) -> list[tuple[Reflection, list[Comment]]]:
    """The user's own reflections among ``reflection_ids`` (oldest first) with their threads."""
    require_role(user, *ROLES)
    chosen = []
    for reflection_id in dict.fromkeys(reflection_ids):
        item = store.get_reflection(user.id, reflection_id)
        if item is None:
            raise PermissionDenied("not your reflection")
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
        out += ["---", "", f"## {number}. {esc(title)}", "", f"*Geschreven op {dutch_date(item.created_at)}*", ""]
        if item.own_words:
            out += [f"### {OWN_WORDS_TITLE}", ""]
            for own in item.own_words:
                out += [f"**Je koos:** {esc(own.chosen)}  ", f"**Eerst schreef je:** {esc(own.words)}", ""]
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
                out += [f"**{esc(comment.author_name)}**, {dutch_date(comment.created_at)}:", "", esc(comment.text), ""]
    out += ["---", "", f"*Reflectiemodel: {esc(reflection_form.SOURCE)}*", ""]
    return "\n".join(out)


OWN_WORDS_TITLE = "Wat je eerst zelf zou zeggen of doen"


def as_markdown(store: Store, user: Account, reflection_ids: list[str]) -> str:
    """The chosen reflections (the user's own) with their comments, as a Markdown file that reads well as text."""
    return _portfolio(store, user, reflection_ids, plain_markdown)


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


def as_html(store: Store, user: Account, reflection_ids: list[str]) -> str:
    """The same portfolio as one self-contained HTML page (inline CSS, nothing external)."""
    body = markdown.markdown(_portfolio(store, user, reflection_ids, escape_for_html), output_format="html")
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(PORTFOLIO_TITLE)}</title>\n<style>{HTML_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
