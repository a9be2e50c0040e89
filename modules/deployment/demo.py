"""The demo: two accounts with public passwords and a filled log, on a data folder of their own.

The demo is off unless ``SAMENSPEL_DEMO=1`` (``scripts/app.sh`` switches it on for a first
look). It then runs on ``<data>/demo/``, a folder marked as demo data: real accounts and
demo accounts never share a data folder, and a demo account can never reach a real one.
There is no demo admin: every admin is made with ``python -m modules create-admin``.

| username     | password            | role    |
|--------------|---------------------|---------|
| demo-leraar  | oefenen-met-ouders  | teacher |
| demo-coach   | coachen-met-zorg    | coach   |

The teacher is connected to the coach and has shared one reflection, which the
coach has answered.

Switching the demo off removes it: a start without the demo deletes the demo folder
(``remove``), and removes demo accounts that older versions made in the real data folder
(``purge_legacy``). By hand: ``python -m modules demo remove``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from modules import settings
from modules.library.scenarios import load_library
from modules.people import accounts, sharing
from modules.play import engine, reflection
from modules.records import Attempt
from modules.storage import DEMO_MARKER, DataFolderError, Store

DEMO_ACCOUNTS = {
    "demo-leraar": ("oefenen-met-ouders", "teacher"),
    "demo-coach": ("coachen-met-zorg", "coach"),
}
# Accounts that versions before the demo folder created in the real data folder, with these public passwords.
LEGACY_DEMO_ACCOUNTS = {**DEMO_ACCOUNTS, "demo-beheer": ("beheren-met-zorg", "admin")}
DEMO_SCENARIO = "de-taalbarriere"


def seed(store: Store) -> bool:
    """Create the demo accounts and the teacher's log; False if the log was already there.

    Only on a demo store: the demo's public passwords never reach a real data folder.
    """
    if not getattr(store, "demo", False):
        raise DataFolderError("the demo accounts are only made in a demo data folder (SAMENSPEL_DEMO=1)")
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
        store,
        coach,
        teacher.id,
        record.id,
        "Mooi dat je ziet dat je meer praatte dan luisterde. "
        "Welke vraag over thuis wil je de volgende keer als eerste stellen?",
    )
    return True


def remove(root: Path | None = None) -> bool:
    """Delete the demo folder with all its data; only a folder marked as demo data is ever deleted."""
    folder = settings.demo_dir(root)
    if not (folder / DEMO_MARKER).is_file():
        return False
    shutil.rmtree(folder)
    return True


def purge_legacy(store: Store) -> list[str]:
    """Remove demo accounts that older versions made in a real data folder (still with their public password).

    An account with a demo name whose password was changed is left alone: it is no longer public.
    """
    from modules.exchange import mydata

    removed = []
    for username, (password, _role) in LEGACY_DEMO_ACCOUNTS.items():
        account = store.find_account(username=username)
        if account is None or not accounts.password_matches(account, password):
            continue
        mydata.delete(store, account.model_copy(update={"active": True}), allow_last_admin=True)
        removed.append(username)
    return removed
