"""Demo profile with a filled log, so a first visitor sees what the log looks like.

The app seeds it on start unless ``SAMENSPEL_DEMO=0``. Nickname: ``demo``.
Run by hand with ``python -m modules.demo``.
"""

from __future__ import annotations

from modules import engine, reflection
from modules.library import load_library
from modules.records import Attempt
from modules.store import Store, open_store

DEMO_NICKNAME = "demo"
DEMO_SCENARIO = "de-taalbarriere"


def seed(store: Store) -> bool:
    """Create the demo profile with one finished attempt and a reflection; False if already there."""
    profile = store.profile_for(DEMO_NICKNAME)
    if store.list_attempts(profile.id) or store.list_reflections(profile.id):
        return False
    scenario = load_library().get(DEMO_SCENARIO)
    if scenario is None:
        return False
    state = engine.start(scenario)
    while not state.finished:
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
    attempt = Attempt(
        user_id=profile.id,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        state=state,
        anticipation="Ik verwacht dat het lastig wordt om te checken of de moeder me begrijpt.",
    )
    store.save_attempt(attempt)
    store.add_reflection(
        reflection.build(
            profile.id,
            {
                "ik_wilde": "Ik wilde dat de moeder begreep hoe het lezen gaat en wat ze thuis kan doen.",
                "ik_voelde": "Ik voelde me onzeker: begreep ze me echt, of knikte ze alleen?",
                "ouder_wilde": "Ze wilde vooral weten of het goed gaat met haar dochter.",
                "essentie": "Ik praatte meer dan ik luisterde. Ik heb haar weinig gevraagd over thuis.",
                "alternatieven": "Vaker laten navertellen wat we afspraken, en vragen wat zij thuis ziet.",
            },
            "Ik vraag de ouder aan het eind om in eigen woorden te vertellen wat we hebben afgesproken.",
            attempt_id=attempt.id,
            scenario_id=scenario.id,
            scenario_title=scenario.title,
        )
    )
    return True


if __name__ == "__main__":  # pragma: no cover - thin CLI
    print("demo profile created" if seed(open_store()) else "demo profile already present (or scenario missing)")
