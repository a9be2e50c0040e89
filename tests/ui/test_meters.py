"""The meters on *Spelen*: each visible variable with its scale, the change of the last choice and what it
means; a variable with ``visible: false`` never shows."""

from __future__ import annotations

from modules.content.scenario import Variable
from modules.library.scenarios import load_library
from modules.storage import TinyDBStore
from modules.ui.widgets.scenes import scale_meaning, scale_text
from tests.pages import choice_keys, click, open_app, sign_up, start_scenario
from tests.streamlit_internals import elements

AANMELDING = "de-aanmelding"  # three visible variables (two on a scale of 8) and a hidden one


def meters(at) -> dict[str, tuple[float, str]]:
    """The text above each progress bar on the page, with the bar's value (0-100)."""
    return {str(bar.proto.text): bar.proto.value for bar in at.get("progress")}


def everything_sent(at) -> str:
    """Every element of the last run as the browser receives it (labels, help texts, captions, ...)."""
    return "\n".join(str(node.proto) for node in elements(at) if getattr(node, "proto", None) is not None)


def test_each_visible_variable_shows_its_scale_its_meaning_and_the_change_of_the_last_choice(app_env):
    scenario = load_library().get(AANMELDING)
    at = start_scenario(sign_up(open_app()), AANMELDING)
    assert meters(at) == {
        "**Vertrouwen van de vader:** 45 van 100": 45,
        "**De vader voelt zich gehoord:** 0 van 8": 0,
        "**De vader weet waar hij aan toe is:** 0 van 8": 0,
    }
    captions = [c.value for c in at.caption]
    assert "Hoe hoger, hoe meer vertrouwen van de vader." in captions
    assert captions.count("Hoe hoger, hoe meer dit klopt.") == 2

    click(at, choice_keys(at)[0])
    store = TinyDBStore(app_env)
    (attempt,) = store.list_attempts(store.find_account(username="tester").id)
    changes = attempt.state.steps[-1].changes
    shown = meters(at)
    for name, var in scenario.variables.items():
        if not var.visible:
            continue
        value = attempt.state.variables[name]
        change = f" · {changes[name]:+d} na je laatste keuze" if changes.get(name) else ""
        text = f"**{var.label}:** {value} van {var.max}{change}"
        assert text in shown, (text, shown)
        assert shown[text] == round(100 * value / var.max)
    assert any("na je laatste keuze" in text for text in shown), "the first choice changed a meter"


def test_a_hidden_variable_is_nowhere_on_the_page(app_env):
    scenario = load_library().get(AANMELDING)
    hidden = [v.label for v in scenario.variables.values() if not v.visible]
    assert hidden == ["Je wekte de indruk dat de plek er al is"]
    at = start_scenario(sign_up(open_app()), AANMELDING)
    for _ in range(3):
        click(at, choice_keys(at)[0])
        sent = everything_sent(at)
        assert "Feedback" in sent
        for label in hidden:
            assert label not in sent
        assert len(at.get("progress")) == 3


def test_a_scenario_with_one_visible_variable_shows_one_meter(app_env):
    scenario = load_library().get("de-taalbarriere")
    at = start_scenario(sign_up(open_app()), scenario.id)
    assert list(meters(at)) == ["**Vertrouwen van de ouder:** 40 van 100"]
    sent = everything_sent(at)
    for var in scenario.variables.values():
        if not var.visible:
            assert var.label not in sent


def test_the_scale_and_its_meaning_in_plain_dutch():
    assert scale_text(Variable(label="Vertrouwen", initial=40), 40) == "40 van 100"
    assert scale_text(Variable(label="Het team leert mee", initial=0, min=-5, max=10), 3) == "3 (van -5 tot 10)"
    assert scale_meaning("Onrust in de oudergroep") == "Hoe hoger, hoe meer onrust in de oudergroep."
    assert scale_meaning("Vertrouwen van Marjan") == "Hoe hoger, hoe meer vertrouwen van Marjan."
    assert scale_meaning("De stem van Noor") == "Hoe hoger, hoe sterker de stem van Noor."
    assert (
        scale_meaning("Hoe goed de school Mirtes signalen kent")
        == "Hoe hoger, hoe beter de school Mirtes signalen kent."
    )
    assert scale_meaning("Ouders voelen zich gehoord") == "Hoe hoger, hoe meer dit klopt."
    assert scale_meaning("De school blijft neutraal") == "Hoe hoger, hoe meer dit klopt."
    assert scale_meaning("Ondersteuning die past bij de leerling") == (
        "Hoe hoger, hoe meer ondersteuning die past bij de leerling."
    )
