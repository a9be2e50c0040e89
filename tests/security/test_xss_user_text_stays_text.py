"""XSS, Markdown injection and bare links: what users write stays inert text on every page and in exports.

A username, a reflection and a comment carry the same payload. Every page that shows them is
rendered with AppTest, and every element that Streamlit renders as Markdown (bodies, labels,
help texts) is inspected in its proto: the payload only appears in its escaped form
(``text.escape_markdown``) or as plain text (``st.text``), never raw in Markdown; no element
may carry HTML (``st.html``, components, ``unsafe_allow_html``); and no bare address a user
wrote (https://…, www.…, name@…) can become a link, because Markdown turns those into links.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import pytest
from streamlit.testing.v1 import AppTest

from modules.exchange import portfolio
from modules.people import accounts, sharing
from modules.play import engine, reflection
from modules.records import Attempt
from modules.storage import TinyDBStore
from modules.ui.wording import escape_markdown
from tests.pages import PASSWORD, as_user, click, goto, texts
from tests.streamlit_internals import elements

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "**vet**",
    "zie https://evil.example/x of www.evil.example",
    "mail jan@evil.example",
]
# What Markdown (GitHub flavour, as Streamlit renders it) turns into a link without any markup.
AUTOLINK = re.compile(r"(?i)(\bhttps?://|\bwww\.|[\w.+-]@[\w-]+\.)")
LOGBOOK = "ui/pages/logboek.py"
MY_COACH = "ui/pages/mijn_coach.py"
PORTFOLIO = "ui/pages/portfolio.py"
MY_DATA = "ui/pages/mijn_gegevens.py"
COACH = "ui/pages/coach.py"
TEAM = "ui/pages/team_overzicht.py"
ADMIN = "ui/pages/beheer.py"
# Fields of element protos that the browser renders as Markdown.
MARKDOWN_FIELDS = ("body", "label", "help", "placeholder", "caption")
HTML_ELEMENTS = {"html", "iframe", "bidi_component", "component_instance"}


# --- inspecting what a page sends to the browser ----------------------------------------------


def rendered_markdown(at: AppTest) -> list[str]:
    """Every string of the last run that the browser renders as Markdown (``st.text`` is plain text: not these)."""
    found = []
    for node in elements(at):
        if getattr(node, "type", None) == "text":
            continue
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        names = {f.name for f in proto.DESCRIPTOR.fields}
        for name in MARKDOWN_FIELDS:
            if name in names:
                value = getattr(proto, name)
                if isinstance(value, str) and value:
                    found.append(value)
    return found


def assert_safe(at: AppTest, payload: str, *, shown: bool = True, where: str = "") -> None:
    """No raw payload in Markdown, no HTML element, no Markdown that allows HTML; optionally shown escaped."""
    assert not at.exception, (where, at.exception)
    strings = rendered_markdown(at)
    raw = [s for s in strings if payload in s]
    assert not raw, f"{where}: user text rendered as Markdown without escaping: {raw}"
    links = [s for s in strings if "evil" in s and AUTOLINK.search(s.replace("\\", ""))]
    assert not links, f"{where}: a bare address a user wrote would become a link: {links}"
    if shown:
        plain = [str(t.value) for t in at.text]
        assert any(escape_markdown(payload) in s for s in strings) or any(payload in t for t in plain), (
            f"{where}: the text is not shown (escaped, or as plain text)"
        )
    for node in elements(at):
        assert getattr(node, "type", None) not in HTML_ELEMENTS, f"{where}: an HTML element ({node.type})"
        proto = getattr(node, "proto", None)
        assert not getattr(proto, "allow_html", False), f"{where}: Markdown with HTML allowed: {proto}"
    assert not at.get("html"), where


# --- the world: a teacher, a coach and an admin with the payload everywhere -------------------


@pytest.fixture(params=PAYLOADS, ids=["script", "img-onerror", "javascript-link", "bold", "bare-url", "email"])
def world(request, app_env, library):
    payload = request.param
    store = TinyDBStore(app_env)
    teacher = accounts.sign_up(store, payload, PASSWORD)  # a username a teacher may choose
    coach = accounts.ensure_account(store, f"coach {payload}", PASSWORD, "coach")
    accounts.ensure_account(store, "beheerder", PASSWORD, "admin")
    scenario = library.get("de-taalbarriere")
    state = engine.start(scenario)
    while not state.finished:
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
    store.save_attempt(Attempt(user_id=teacher.id, scenario_id=scenario.id, scenario_title=scenario.title, state=state))
    item = store.add_reflection(
        reflection.build(
            teacher.id,
            {"ik_wilde": f"Ik wilde {payload}"},
            f"Mijn voornemen {payload}",
            scenario_id=scenario.id,
            scenario_title=scenario.title,
        )
    )
    sharing.connect_with_code(store, teacher, coach.invite_code)
    sharing.share_reflection(store, teacher, item.id, coach.id)
    sharing.add_comment(store, coach, teacher.id, item.id, f"Reactie {payload}")
    sharing.add_comment(store, teacher, teacher.id, item.id, f"Antwoord {payload}")
    return store, teacher, coach, item, payload


def test_teacher_pages_show_the_payload_as_text(world):
    store, teacher, coach, item, payload = world
    at = as_user(payload)
    assert_safe(at, payload, where="start page (sidebar username)")
    assert payload in [str(t.value) for t in at.sidebar.text]  # the username, as plain text

    goto(at, LOGBOOK)
    assert_safe(at, payload, where="Logboek")
    at.toggle(key=f"thread-{item.id}").set_value(True).run()
    assert_safe(at, payload, where="Logboek with comments")
    plain = [str(t.value) for t in at.text]
    for text in (f"Ik wilde {payload}", f"Mijn voornemen {payload}", f"Reactie {payload}", f"Antwoord {payload}"):
        assert text in plain, text  # reflections and comments are plain text (st.text)
    assert any(escape_markdown(coach.username) in b.label for b in at.button), "the coach's name on the buttons"
    click(at, f"withdraw-{item.id}-{coach.id}")  # the confirmation names the coach
    assert_safe(at, payload, where="Logboek after withdrawing")
    assert [t for t in at.toast if escape_markdown(coach.username) in t.value], "a toast names the coach"

    goto(at, MY_COACH)
    assert_safe(at, payload, where="Mijn coach")
    assert coach.username in [str(t.value) for t in at.text]

    goto(at, PORTFOLIO)
    click(at, "portfolio-all")
    assert_safe(at, payload, shown=False, where="Portfolio")

    goto(at, MY_DATA)
    assert_safe(at, payload, shown=False, where="Mijn gegevens")


def test_coach_pages_show_the_payload_as_text(world):
    store, teacher, coach, item, payload = world
    at = as_user(coach.username)
    assert_safe(at, payload, where="Mijn leraren")
    at.session_state[f"coach-refl-{item.id}"] = True  # what a click on the expander does
    at.run()
    assert_safe(at, payload, where="Mijn leraren with the reflection open")
    page, plain = texts(at), [str(t.value) for t in at.text]
    assert escape_markdown(teacher.username) in page
    for text in (f"Ik wilde {payload}", f"Reactie {payload}", f"Antwoord {payload}"):
        assert text in plain, text

    goto(at, TEAM)
    assert_safe(at, payload, shown=False, where="Teamoverzicht")


def test_admin_page_shows_usernames_as_text(world):
    store, teacher, coach, item, payload = world
    at = as_user("beheerder")
    assert_safe(at, payload, shown=False, where="Accounts beheren")
    table = at.dataframe[0].value
    assert payload in set(table["Gebruikersnaam"]), "the list shows the name as plain text"
    at.selectbox(key="chosen").set_value(teacher.id).run()
    assert_safe(at, payload, where="Accounts beheren, the teacher chosen")


# --- the HTML and Markdown exports ----------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


SAFE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "h1",
    "h2",
    "h3",
    "p",
    "strong",
    "em",
    "hr",
    "br",
}


def test_html_export_keeps_the_payload_inert(world):
    store, teacher, coach, item, payload = world
    page = portfolio.as_html(store, teacher, [item.id])
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered
    assert not re.search(r"<a\b", lowered), "no link at all in a portfolio"
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", lowered)
    parser = _Tags()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} <= SAFE_TAGS, parser.tags
    assert not [attrs for _, attrs in parser.tags if any(name.startswith("on") for name in attrs)]
    text = "".join(parser.text)
    for written in (payload, f"Ik wilde {payload}", f"Reactie {payload}", f"Antwoord {payload}"):
        assert written in text, f"{written!r} is not in the portfolio as text"  # what she wrote, literally

    # The Markdown file reads as plain text (only what a viewer would change is escaped); in a viewer the
    # payload is still no tag, link or image.
    as_markdown = portfolio.as_markdown(store, teacher, [item.id])
    assert portfolio.plain_markdown(f"Ik wilde {payload}") in as_markdown
    viewer = _Tags()
    viewer.feed(markdown.markdown(as_markdown))
    assert {tag for tag, _ in viewer.tags} <= SAFE_TAGS and not [attrs for _, attrs in viewer.tags if attrs]
    assert not [line for line in as_markdown.splitlines() if "evil" in line and AUTOLINK.search(line)], "no bare link"
