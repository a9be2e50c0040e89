"""Page tests of 'Eerst zelf zeggen': write what you would say, then choose; the words travel with the play-through."""

from __future__ import annotations

from modules.exchange import portfolio
from modules.people import accounts, sharing
from modules.storage import TinyDBStore
from tests.pages import as_user, choice_keys, click, goto, open_app, play_to_end, sign_up, texts

TAAL = "de-taalbarriere"
WORDS = "<b>Ik vraag eerst</b> hoe het thuis gaat met **lezen**."
LOGBOOK = "ui/pages/logboek.py"
COACH = "ui/pages/coach.py"


def own_words_form(at) -> str:
    """The key prefix of the open 'own words' form (own-words-<attempt>-<step>), or fail."""
    (area,) = [a for a in at.text_area if a.key and a.key.startswith("own-words-")]
    return area.key.removesuffix("-input")


def start_with_own_words(at):
    click(at, f"start-{TAAL}")
    assert at.checkbox(key="own-first-new").value is True  # on by default for a new play-through
    at.button(key="FormSubmitter:anticipate-Start het gesprek").click().run()
    assert not at.exception, at.exception
    return at


def write_then_choose(at, words: str) -> str:
    prefix = own_words_form(at)
    at.text_area(key=f"{prefix}-input").input(words)
    at.button(key=f"FormSubmitter:{prefix}-form-Toon de keuzes").click().run()
    assert not at.exception, at.exception
    return prefix


def only_attempt(store: TinyDBStore, username: str):
    user = store.find_account(username=username)
    (attempt,) = store.list_attempts(user.id)
    return user, attempt


def test_first_write_then_choose_and_the_words_stay_with_the_step(app_env):
    store = TinyDBStore(app_env)
    at = start_with_own_words(sign_up(open_app(), "juf-anna"))
    assert "Wat zou jij zeggen of doen?" in texts(at)
    assert "Schrijf geen namen van kinderen of ouders" in texts(at)
    assert choice_keys(at) == []  # the options only come after writing or skipping

    write_then_choose(at, WORDS)
    assert WORDS in [t.value for t in at.text]  # shown back as plain text, next to the options
    assert not [m.value for m in at.markdown if "<b>" in m.value]
    assert "Welke keuze komt het dichtst bij wat jij zou doen?" in texts(at)
    chosen = choice_keys(at)[0]
    click(at, chosen)

    _, attempt = only_attempt(store, "juf-anna")
    assert attempt.own_words_first is True
    assert attempt.state.steps[0].own_words == WORDS.strip()

    # the next decision asks again; skipping shows the options without any words
    prefix = own_words_form(at)
    at.button(key=f"FormSubmitter:{prefix}-form-Overslaan").click().run()
    assert choice_keys(at) and "Wat doe je?" in texts(at)
    click(at, choice_keys(at)[0])
    _, attempt = only_attempt(store, "juf-anna")
    assert attempt.state.steps[1].own_words is None
    assert attempt.state.steps[0].own_words == WORDS.strip()  # earlier words are kept


def test_switching_it_off_shows_the_options_at_once_and_is_remembered(app_env):
    store = TinyDBStore(app_env)
    at = start_with_own_words(sign_up(open_app(), "juf-anna"))
    _, attempt = only_attempt(store, "juf-anna")
    at.toggle(key=f"own-first-{attempt.id}").set_value(False).run()
    assert not at.exception, at.exception
    assert choice_keys(at) and not [a for a in at.text_area if a.key and a.key.startswith("own-words-")]
    assert only_attempt(store, "juf-anna")[1].own_words_first is False

    again = as_user("juf-anna")  # a new browser session resumes the play-through without the question
    click(again, f"resume-{TAAL}")
    assert choice_keys(again) and not [a for a in again.text_area if a.key and a.key.startswith("own-words-")]
    assert again.toggle(key=f"own-first-{attempt.id}").value is False


def test_the_words_appear_in_the_debrief_the_reflection_the_log_the_portfolio_and_for_the_coach(app_env):
    store = TinyDBStore(app_env)
    coach = accounts.ensure_account(store, "coach-bert", "een-lang-wachtwoord", "coach")
    at = start_with_own_words(sign_up(open_app(), "juf-anna"))
    write_then_choose(at, WORDS)
    click(at, choice_keys(at)[0])
    _, attempt = only_attempt(store, "juf-anna")
    at.toggle(key=f"own-first-{attempt.id}").set_value(False).run()
    play_to_end(at)
    click(at, "to-debrief")
    assert "Eerst schreef je:" in texts(at)  # the debrief, beside the first step
    assert WORDS.strip() in [t.value for t in at.text]

    click(at, "debrief-reflect")
    keep = at.checkbox(key=f"keep-own-words-{attempt.id}")
    assert keep.value is True and "(1 keer)" in keep.label
    at.text_area(key="refl-ik_wilde").input("Ik wilde dat de moeder zich welkom voelde.")
    at.text_area(key="refl-voornemen").input("Ik schrijf eerst op wat ik wil zeggen.")
    at.button(key="FormSubmitter:reflection-Bewaar in mijn logboek").click().run()
    assert "Je reflectie staat in je logboek." in texts(at)

    teacher = store.find_account(username="juf-anna")
    (item,) = store.list_reflections(teacher.id)
    assert [o.words for o in item.own_words] == [WORDS.strip()]
    assert item.own_words[0].chosen  # the text of the option chosen after writing

    log = goto(at, LOGBOOK)
    assert portfolio.OWN_WORDS_TITLE in texts(log) and WORDS.strip() in [t.value for t in log.text]
    as_markdown = portfolio.as_markdown(store, teacher, [item.id])  # reads as written; the tag is no HTML
    assert "**Eerst schreef je:** &lt;b>Ik vraag eerst&lt;/b> hoe het thuis gaat met **lezen**." in as_markdown
    assert "&lt;b&gt;Ik vraag eerst&lt;/b&gt;" in portfolio.as_html(store, teacher, [item.id])

    sharing.connect_with_code(store, teacher, coach.invite_code)
    sharing.share_reflection(store, teacher, item.id, coach.id)
    view = goto(as_user("coach-bert"), COACH)
    view.session_state[f"coach-refl-{item.id}"] = True  # what a click on the expander does
    view.run()
    assert portfolio.OWN_WORDS_TITLE in texts(view) and WORDS.strip() in [t.value for t in view.text]


def test_leaving_the_words_out_of_the_reflection(app_env):
    store = TinyDBStore(app_env)
    at = start_with_own_words(sign_up(open_app(), "juf-anna"))
    write_then_choose(at, "Ik wacht even en luister.")
    click(at, choice_keys(at)[0])
    _, attempt = only_attempt(store, "juf-anna")
    at.toggle(key=f"own-first-{attempt.id}").set_value(False).run()
    play_to_end(at)
    click(at, "to-reflection")
    at.checkbox(key=f"keep-own-words-{attempt.id}").uncheck().run()
    at.text_area(key="refl-ik_wilde").input("Ik wilde rust.")
    at.text_area(key="refl-voornemen").input("Ik luister langer.")
    at.button(key="FormSubmitter:reflection-Bewaar in mijn logboek").click().run()
    (item,) = store.list_reflections(store.find_account(username="juf-anna").id)
    assert item.own_words == []
