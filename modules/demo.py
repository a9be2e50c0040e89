"""Demo accounts with a filled log, so a first visitor sees every role at work.

The app seeds them on start unless ``SAMENSPEL_DEMO=0``; run by hand with
``python -m modules.demo``. Documented in the README:

| username     | password            | role    |
|--------------|---------------------|---------|
| demo-leraar  | oefenen-met-ouders  | teacher |
| demo-coach   | coachen-met-zorg    | coach   |
| demo-beheer  | beheren-met-zorg    | admin   |

The teacher is connected to the coach and has shared one reflection, which the
coach has answered.
"""

from __future__ import annotations

from modules import accounts, engine, reflection, sharing
from modules.library import load_library
from modules.records import Attempt
from modules.store import Store, open_store

DEMO_ACCOUNTS = {
    "demo-leraar": ("oefenen-met-ouders", "teacher"),
    "demo-coach": ("coachen-met-zorg", "coach"),
    "demo-beheer": ("beheren-met-zorg", "admin"),
}
DEMO_SCENARIO = "de-taalbarriere"


def seed(store: Store) -> bool:
    """Create the demo accounts and the teacher's log; False if the log was already there."""
    made = {name: accounts.ensure_account(store, name, pw, role) for name, (pw, role) in DEMO_ACCOUNTS.items()}
    teacher, coach = made["demo-leraar"], made["demo-coach"]
    if store.list_attempts(teacher.id) or store.list_reflections(teacher.id):
        return False
    scenario = load_library().get(DEMO_SCENARIO)
    if scenario is None:
        return False
    state = engine.start(scenario)
    while not state.finished:
        state, _ = engine.choose(scenario, state, engine.available_choices(scenario, state)[0].id)
    attempt = Attempt(
        user_id=teacher.id,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        state=state,
        anticipation="Ik verwacht dat het lastig wordt om te checken of de moeder me begrijpt.",
    )
    store.save_attempt(attempt)
    record = store.add_reflection(
        reflection.build(
            teacher.id,
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
    store.connect(teacher.id, coach.id)
    sharing.share_reflection(store, teacher, record.id, coach.id)
    sharing.add_comment(
        store, coach, teacher.id, record.id,
        "Mooi dat je ziet dat je meer praatte dan luisterde. Welke vraag over thuis wil je de volgende keer als eerste stellen?",
    )
    return True


if __name__ == "__main__":  # pragma: no cover - thin CLI
    print("demo accounts and log created" if seed(open_store()) else "demo log already present (or scenario missing)")
