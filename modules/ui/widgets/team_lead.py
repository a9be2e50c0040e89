"""The facilitator's side of a team session: start one, lead it on the projector, reveal, decide, close.

Only the session's own facilitator sees or changes it (``modules.team.sessions.led_by``);
the live count never shows the distribution before the reveal.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from modules.content.scenario import Choice, Scenario
from modules.play import engine
from modules.records import Account, TeamSession
from modules.team import sessions as team
from modules.ui import context, signin, wording
from modules.ui.widgets import guides
from modules.ui.widgets import team as tw

LEAD = "team-lead-session"  # the id of the session this browser session leads
CONFIRM_CLOSE = "team-confirm-close"
CLOSED_LABELS = {
    "ended": "Afgerond",
    "closed": "Gesloten door jou",
    "idle": f"Vanzelf gesloten (geen activiteit in {int(team.IDLE_CLOSE.total_seconds() // 3600)} uur)",
}


def open_session(session_id: str) -> None:
    st.session_state[LEAD] = session_id
    st.rerun()


def overview(user: Account) -> None:
    """Start a new session, or resume or view one of your own."""
    st.title("Teamsessie leiden")
    st.markdown(
        "Speel een scenario samen met je team, bijvoorbeeld op een studiemiddag. Bij elke keuze stemt iedereen "
        "op een eigen laptop of telefoon. Jij laat de stemmen zien, de groep bespreekt ze en jij legt de keuze "
        "van de groep vast."
    )
    scenarios = context.library().sorted()
    with st.form("team-start"):
        st.subheader("Nieuwe sessie")
        scenario = st.selectbox(
            "Scenario", scenarios, format_func=lambda s: f"{s.title} ({s.minutes} min)", key="start-scenario"
        )
        allow_guests = st.checkbox("Gasten toestaan (zonder account, met een zelfgekozen naam)", key="start-guests")
        projector_only = st.checkbox("Alleen projector (de groep heeft geen eigen apparaten)", key="start-projector")
        show_names = st.checkbox(
            "Namen bij redenen tonen", key="start-names", help="Standaard zijn de redenen anoniem."
        )
        started = st.form_submit_button("Start de sessie", type="primary")
    if started:
        if scenario is None:
            st.error("Er is nog geen scenario om te spelen.")
        else:
            try:
                session = team.create(
                    context.store(),
                    user,
                    scenario,
                    allow_guests=allow_guests,
                    projector_only=projector_only,
                    show_names=show_names,
                )
            except team.TeamError as exc:
                st.error(str(exc))
            else:
                open_session(session.id)

    with st.expander("Handleiding voor de studiebijeenkomst"):
        titles = {s.id: s.title for s in scenarios}
        chosen = st.selectbox("Bij welk scenario?", list(titles), format_func=titles.__getitem__, key="guide-scenario")
        found = context.library().get(chosen) if chosen is not None else None
        if found is not None:
            guides.downloads(found, key="lead-guide")

    st.subheader("Mijn sessies")
    mine = context.store().list_team_sessions(user.id)
    if not mine:
        st.caption("Je hebt nog geen sessies geleid.")
    for item in mine:
        if team.is_idle(item):  # closes itself when opened; show it as closed already
            item = item.model_copy(update={"status": "finished", "closed_reason": "idle"})
        with st.container(border=True):
            if item.status == "open":
                status = f"Bezig · keuze {item.step + 1} · code {team.display_code(item.code)}"
                if team.is_expired(item):
                    status += " (verlopen: nieuwe deelnemers kunnen niet meer meedoen)"
            else:
                status = CLOSED_LABELS.get(item.closed_reason or "ended", "Afgerond")
            people = "alleen projector" if item.projector_only else f"{item.participant_count} deelnemers"
            st.markdown(f"**{item.scenario_title or item.scenario_id}** — {status}")
            st.caption(f"Gestart {wording.short_date(item.created_at)} · {people}")
            label = "Verder leiden" if item.status == "open" else "Bekijken"
            if st.button(label, key=f"open-{item.id}", type="primary" if item.status == "open" else "secondary"):
                open_session(item.id)


def led_session(user: Account) -> TeamSession | None:
    """The session this browser session leads, if it is still the user's own."""
    session = team.led_by(context.store(), st.session_state.get(LEAD), user)
    if session is None:
        st.session_state.pop(LEAD, None)
    return session


@st.fragment(run_every="1s")
def live_count(user: Account, session_id: str, step: int, phase: str, situation_open: bool) -> None:
    """How many have voted and the reveal button: re-read from the store every second, never the distribution.

    Every second, not two: a vote then shows on the projector within about a second (a run of this
    fragment reads the session and its vote files from the per-process cache and costs a few ms)."""
    if not signin.still_signed_in(user):
        st.rerun()  # signed out (perhaps in another browser): the whole page runs again and refuses
    try:
        current = team.load(context.store(), session_id)
    except team.TeamError:
        st.warning("De sessie kan nu niet worden gelezen. We proberen het zo opnieuw.")
        return
    if current.step != step or current.phase != phase:
        st.rerun()  # revealed or decided elsewhere (another tab): redraw the whole page
    voted, joined = len(current.current_votes()), len(current.participants)
    if situation_open and joined:
        st.rerun()  # the first participant joined: redraw with the situation folded away
    st.header(f"{voted} van {joined} gestemd")
    st.progress(voted / joined if joined else 0.0)
    if st.button("Stemmen tonen", type="primary", key="lead-reveal", disabled=not voted, width="stretch"):
        act(user, lambda: team.reveal(context.store(), session_id, user))
    if not joined:
        st.caption("Nog niemand doet mee. Je kunt de stemmen tonen zodra iemand gestemd heeft.")
    elif not voted:
        st.caption("Nog niemand heeft gestemd. Je kunt de stemmen tonen zodra iemand gestemd heeft.")
    st.caption(
        "Je ziet alleen hoeveel mensen gestemd hebben, niet wat ze kozen. Tot je de stemmen toont, kan "
        "iedereen zijn stem nog veranderen."
    )


def revealed_count(session: TeamSession) -> None:
    st.header(f"{len(session.current_votes())} van {len(session.participants)} gestemd")
    st.caption("De stemmen zijn getoond. Bespreek ze met de groep en leg daarna de keuze van de groep vast.")


def act(user: Account, action: Callable[[], object]) -> None:
    """Run a team action and redraw, or show why it was refused."""
    if not signin.still_signed_in(user):
        st.rerun()
    try:
        action()
    except team.TeamError as exc:
        st.error(str(exc))
    except engine.EngineError:
        st.error("Deze keuze kan nu niet gekozen worden.")
    else:
        st.rerun()


def choice_note(session: TeamSession, choices: list[Choice], result: team.Tally) -> str:
    """What the votes say about the group's choice, honest about ties and about who did not vote."""
    joined = len(session.participants)
    if result.majority:
        top = result.counts.get(result.majority, 0)
        note = f"De meeste stemmen: {tw.letter_of(choices, result.majority)} ({tw.share_label(top, result.voters)})."
        if result.voters < joined:
            note += f" {tw.turnout_label(result.voters, joined)}."
        return note + " Na de bespreking kun je een andere keuze vastleggen."
    if result.voters:
        return (
            "Er is geen meerderheid: twee of meer keuzes hebben evenveel stemmen. Kies na de bespreking zelf "
            "de keuze van de groep."
        )
    return "Kies na de bespreking zelf de keuze van de groep."


def revealed_panel(
    user: Account, session: TeamSession, scenario: Scenario, state: engine.PlayState, view: engine.View
) -> None:
    result = team.tally(session, scenario)
    st.subheader("De stemmen")
    tw.show_tally(view.choices, result.counts, result.voters)
    if result.voters:
        st.markdown("**Redenen**" + ("" if session.show_names else " (anoniem)"))
        tw.show_reasons(view.choices, result.reasons)
    st.info(f"**Bespreek met elkaar:** {team.discussion_prompt(scenario, state.node, context.catalogue())}")

    st.subheader("Groepskeuze vastleggen")
    ids = [c.id for c in view.choices]
    majority = result.majority
    st.caption(choice_note(session, view.choices, result))
    chosen = st.radio(
        "De keuze van de groep",
        ids,
        index=ids.index(majority) if majority in ids else None,
        format_func=lambda cid: tw.choice_label(ids.index(cid), view.choices[ids.index(cid)]),
        key=f"lead-choice-{session.step}",
    )
    if st.button("Groepskeuze vastleggen", type="primary", key="lead-decide"):
        if chosen is None:
            st.error("Kies eerst de keuze van de groep.")
        else:
            act(user, lambda: team.decide(context.store(), session.id, user, scenario, choice_id=chosen))


def close_control(user: Account, session: TeamSession) -> None:
    """End the session now: nobody can join or vote any more; votes and guest names are removed."""
    if st.session_state.get(CONFIRM_CLOSE) != session.id:
        if st.button("Sessie sluiten", key="lead-close"):
            st.session_state[CONFIRM_CLOSE] = session.id
            st.rerun()
        return
    st.warning(
        "Weet je het zeker? Niemand kan daarna nog meedoen of stemmen. De stemmen en de namen van gasten "
        "worden verwijderd; de route en de uitslag per keuze blijven bewaard."
    )
    cols = st.columns(2)
    if cols[0].button("Ja, sluit de sessie", key="lead-close-yes", type="primary"):
        st.session_state.pop(CONFIRM_CLOSE, None)
        act(user, lambda: team.close(context.store(), session.id, user))
    if cols[1].button("Annuleren", key="lead-close-no"):
        st.session_state.pop(CONFIRM_CLOSE, None)
        st.rerun()


def session_screen(user: Account, session: TeamSession) -> None:
    if st.button("← Mijn sessies", key="lead-back"):
        st.session_state.pop(LEAD, None)
        st.rerun()
    scenario = context.library().get(session.scenario_id)
    if scenario is None:
        st.title(session.scenario_title or "Teamsessie")
        st.warning("Dit scenario staat niet meer in de bibliotheek. De sessie kan daarom niet worden getoond.")
        return
    try:
        state = team.state(session, scenario)
    except engine.EngineError:
        st.title(scenario.title)
        st.warning("Dit scenario is aangepast sinds de sessie begon. De sessie kan daarom niet verder.")
        return

    if session.status == "finished":
        st.title(f"Teamsessie: {scenario.title}")
        tw.group_debrief(session, scenario, context.catalogue(), full=True)
        return

    st.set_page_config(layout="wide")  # the projector screen may use the whole width
    if session.projector_only:
        st.title(scenario.title)
        st.caption("Alleen projector: de groep bespreekt elke keuze en jij klikt de keuze van de groep aan.")
        situation_open = session.step == 0
    else:
        # Open only while the group gathers; once someone joined, the count and the scene matter.
        situation_open = session.step == 0 and session.phase == "voting" and not session.participants
        with st.container(border=True, key="lead-header"):  # fits a 1600x900 projector without scrolling
            join_column, count_column = st.columns([3, 2], gap="large", vertical_alignment="center")
            with join_column:
                tw.join_panel(session, show_qr=True)
            with count_column:
                if session.phase == "voting":
                    live_count(user, session.id, session.step, session.phase, situation_open)
                else:
                    revealed_count(session)
        st.header(scenario.title)
    tw.show_context(scenario, expanded=situation_open)
    tw.show_story(scenario, state)
    view = engine.view(scenario, state)
    tw.show_scene(scenario, view)
    if not session.projector_only and session.phase == "voting":
        tw.show_choices(view.choices)  # projector only: the choices are the buttons; revealed: in the tally

    if session.projector_only:
        st.info(f"**Bespreek met elkaar:** {team.discussion_prompt(scenario, state.node, context.catalogue())}")
        st.markdown("**Wat kiest de groep?**")
        for index, choice in enumerate(view.choices):
            if st.button(tw.choice_label(index, choice), key=f"lead-pick-{session.step}-{choice.id}", width="stretch"):
                act(user, lambda cid=choice.id: team.decide(context.store(), session.id, user, scenario, choice_id=cid))
    elif session.phase != "voting":
        revealed_panel(user, session, scenario, state, view)
    st.divider()
    close_control(user, session)
