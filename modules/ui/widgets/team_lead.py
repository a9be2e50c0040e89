"""The facilitator's side of a team session: start one, lead it on the projector, reveal, decide, close.

Only the session's own facilitator sees or changes it (``modules.team.sessions.led_by``);
the live count never shows the distribution before the reveal.

Two views of one session: *Bediening* (the controls, with the app's menu) and the
*Projectorweergave* (large type, the join code and QR code big, the live count and the reveal
button at the top; no menu, no account, no toolbar). The projector view keeps the reveal and the
group's choice, so one laptop on the projector is enough; with two devices (the projector and
the facilitator's own), both follow the session within a second.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from modules import dutch
from modules.content.scenario import Choice, Scenario
from modules.play import engine
from modules.records import Account, TeamSession
from modules.team import sessions as team
from modules.ui import context, signin, wording
from modules.ui.widgets import guides
from modules.ui.widgets import team as tw

LEAD = "team-lead-session"  # the id of the session this browser session leads
PROJECTOR = "team-projector"  # the id of the session this browser session shows in the projector view
# The address names the session led and the view (``?sessie=…&weergave=projector``), so a refresh, or
# another app server after this one went down, opens the same screen again. It is no pass: only the
# session's own facilitator, signed in, gets it (``led_session``).
SESSION_PARAM = "sessie"
VIEW_PARAM = "weergave"
PROJECTOR_VIEW = "projector"
CONFIRM_CLOSE = "team-confirm-close"
CLOSED_LABELS = {
    "ended": "Afgerond",
    "closed": "Gesloten door jou",
    "idle": f"Vanzelf gesloten (geen activiteit in {int(team.IDLE_CLOSE.total_seconds() // 3600)} uur)",
}


def open_session(session_id: str) -> None:
    st.session_state[LEAD] = session_id
    st.query_params[SESSION_PARAM] = session_id
    st.rerun()


def leave_session() -> None:
    """Back to *Mijn sessies*: this browser session, and its address, lead no session."""
    for key in (LEAD, PROJECTOR):
        st.session_state.pop(key, None)
    for param in (SESSION_PARAM, VIEW_PARAM):
        if param in st.query_params:
            del st.query_params[param]


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
        st.header("Nieuwe sessie")
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

    st.header("Mijn sessies")
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
            count = item.participant_count
            people = "alleen projector" if item.projector_only else dutch.plural(count, "deelnemer", "deelnemers")
            st.markdown(f"**{item.scenario_title or item.scenario_id}** — {status}")
            st.caption(f"Gestart {wording.short_date(item.created_at)} · {people}")
            label = "Verder leiden" if item.status == "open" else "Bekijken"
            if st.button(label, key=f"open-{item.id}", type="primary" if item.status == "open" else "secondary"):
                open_session(item.id)


def led_session(user: Account) -> TeamSession | None:
    """The session this browser session leads (or its address names), if it is still the user's own.

    A browser session that is new (a refresh, or another app server after this one went down) takes
    the session and the view from the address."""
    fresh = LEAD not in st.session_state
    session = team.led_by(context.store(), st.session_state.get(LEAD) or st.query_params.get(SESSION_PARAM), user)
    if session is None:
        leave_session()
        return None
    st.session_state[LEAD] = session.id
    if st.query_params.get(SESSION_PARAM) != session.id:
        st.query_params[SESSION_PARAM] = session.id
    if fresh and st.query_params.get(VIEW_PARAM) == PROJECTOR_VIEW:
        st.session_state[PROJECTOR] = session.id
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


def loaded(session: TeamSession) -> tuple[Scenario, engine.PlayState] | None:
    """The session's scenario and where the group is, or None after saying why the session cannot be shown."""
    scenario = context.library().get(session.scenario_id)
    if scenario is None:
        st.title(session.scenario_title or "Teamsessie")
        st.warning("Dit scenario staat niet meer in de bibliotheek. De sessie kan daarom niet worden getoond.")
        return None
    try:
        return scenario, team.state(session, scenario)
    except engine.EngineError:
        st.title(scenario.title)
        st.warning("Dit scenario is aangepast sinds de sessie begon. De sessie kan daarom niet verder.")
        return None


def session_screen(user: Account, session: TeamSession) -> None:
    """The session in the view this browser session chose: the controls, or the projector view."""
    if st.session_state.get(PROJECTOR) == session.id:
        projector_screen(user, session)
    else:
        control_screen(user, session)


def show_projector(session_id: str) -> None:
    """Switch this browser session to the projector view (a callback: the next run draws it at once)."""
    st.session_state[PROJECTOR] = session_id
    st.query_params[VIEW_PARAM] = PROJECTOR_VIEW


def show_controls() -> None:
    """Back to the controls (*Bediening*) in this browser session."""
    st.session_state.pop(PROJECTOR, None)
    if VIEW_PARAM in st.query_params:
        del st.query_params[VIEW_PARAM]


def control_screen(user: Account, session: TeamSession) -> None:
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"):
        back = st.button("← Mijn sessies", key="lead-back")
        st.button(
            "Projectorweergave",
            key="lead-projector",
            icon="📽️",
            help="Groot op het scherm, zonder menu en zonder je accountgegevens: de code, de QR-code, "
            "de telling en de stemmen. Je kunt daar ook de stemmen tonen en de keuze van de groep vastleggen.",
            on_click=show_projector,
            args=(session.id,),
        )
    if back:
        leave_session()
        st.rerun()
    found = loaded(session)
    if found is None:
        return
    scenario, state = found

    if session.status == "finished":
        st.title(f"Teamsessie: {scenario.title}")
        tw.group_debrief(session, scenario, context.catalogue(), full=True)
        return

    st.set_page_config(layout="wide")  # the projector screen may use the whole width
    if session.projector_only:
        st.title(scenario.title)
        st.caption("Alleen projector: de groep bespreekt elke keuze en jij klikt de keuze van de groep aan.")
        situation_open = session.step == 0
        follow(user, session)  # a choice clicked in the projector view (another device) shows here too
    else:
        # Open only while the group gathers; once someone joined, the count and the scene matter.
        situation_open = session.step == 0 and session.phase == "voting" and not session.participants
        with st.container(border=True, key="lead-header"):  # fits a 1600x900 projector without scrolling
            join_column, count_column = st.columns([3, 2], gap="large", vertical_alignment="center")
            with join_column:
                join_panel(session)
            with count_column:
                if session.phase == "voting":
                    live_count(user, session.id, session.step, session.phase, situation_open)
                else:
                    revealed_count(session)
                    follow(user, session)  # revealed: a decision in the projector view shows here too
        st.header(scenario.title)
    tw.show_context(scenario, expanded=situation_open)
    tw.show_story(scenario, state)
    view = engine.view(scenario, state)
    tw.show_scene(scenario, view)
    if not session.projector_only and session.phase == "voting":
        tw.show_choices(view.choices)  # projector only: the choices are the buttons; revealed: in the tally

    if session.projector_only:
        group_pick(user, session, scenario, state, view)
    elif session.phase != "voting":
        revealed_panel(user, session, scenario, state, view)
    st.divider()
    close_control(user, session)


def group_pick(
    user: Account, session: TeamSession, scenario: Scenario, state: engine.PlayState, view: engine.View
) -> None:
    """Projector only: the discussion prompt and the choices as buttons; the facilitator clicks the group's choice."""
    st.info(f"**Bespreek met elkaar:** {team.discussion_prompt(scenario, state.node, context.catalogue())}")
    st.markdown("**Wat kiest de groep?**")
    for index, choice in enumerate(view.choices):
        if st.button(tw.choice_label(index, choice), key=f"lead-pick-{session.step}-{choice.id}", width="stretch"):
            act(user, lambda cid=choice.id: team.decide(context.store(), session.id, user, scenario, choice_id=cid))


# --- join code and QR code --------------------------------------------------------------------


def qr_alt(session: TeamSession) -> str:
    """The QR code's text alternative: what it is for, and the code to type instead."""
    return f"QR-code om mee te doen met code {team.display_code(session.code)}"


def join_panel(session: TeamSession) -> None:
    """The join code, the link and a small QR code: compact, so the live count fits beside it."""
    url = tw.join_url(session.code)
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        st.title(f"Code: {team.display_code(session.code)}")
        st.markdown("Doe mee op je eigen laptop of telefoon: scan de QR-code of ga naar")
        st.code(url, language=None)
        st.caption(who_may_join(session))
    right.image(tw.qr_png(url), width=150, caption="Scan om mee te doen", alt=qr_alt(session), output_format="PNG")


def who_may_join(session: TeamSession) -> str:
    if session.allow_guests:
        return "Je kunt meedoen met je account of als gast, met een zelfgekozen naam."
    return "Log in met je Samenspel-account om mee te doen."


# --- the projector view -----------------------------------------------------------------------

# Only while the projector view is on screen (Streamlit removes the style with the view): no
# sidebar (the menu and the account), no toolbar, less padding, and type that grows with the
# screen. Everything Streamlit draws is sized in rem, so one root size scales it all. Constant
# text: nothing a user wrote is ever part of it.
PROJECTOR_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stHeaderActionElements"] { display: none !important; }
html { font-size: clamp(18px, 1.45vw, 30px) !important; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 2rem 2rem 2rem !important; max-width: 100% !important; }
.st-key-projector-code h1 { font-size: min(5vw, 10vh) !important; line-height: 1.1 !important;
  letter-spacing: 0.04em; padding: 0.1em 0 !important; white-space: nowrap; }
.st-key-projector-count h2 { font-size: min(3.4vw, 7vh) !important; line-height: 1.1 !important; }
.st-key-projector-qr img { width: min(100%, 54vh) !important; height: auto !important; }
.st-key-projector-qr-small img { width: min(100%, 22vh) !important; height: auto !important; }
.st-key-projector-scene p, .st-key-projector-scene li { font-size: 1.15rem; }
</style>"""


def projector_screen(user: Account, session: TeamSession) -> None:
    """The session large on a projector: code and QR code, live count, reveal, tally; no menu, no account."""
    st.set_page_config(layout="wide")
    st.html(PROJECTOR_CSS)
    found = loaded(session)
    title, controls = st.columns([4, 1], vertical_alignment="center")
    controls.button("Terug naar bediening", key="lead-controls", icon="⚙️", width="stretch", on_click=show_controls)
    if found is None:
        return
    scenario, state = found
    title.markdown(f"**{scenario.title}** · Teamsessie")  # author text, as on every scenario page

    if session.status == "finished":
        tw.group_debrief(session, scenario, context.catalogue(), full=True)
        return
    view = engine.view(scenario, state)
    if session.projector_only:
        follow(user, session)  # a choice clicked on the facilitator's own device shows here too
        with st.container(key="projector-scene"):
            tw.show_context(scenario, expanded=session.step == 0)
            tw.show_story(scenario, state)
            tw.show_scene(scenario, view)
            group_pick(user, session, scenario, state, view)
        return

    if session.phase == "voting":
        situation_open = session.step == 0 and not session.participants
        with st.container(key="projector-band"):
            qr_column, join_column, count_column = st.columns([6, 6, 5], gap="medium", vertical_alignment="center")
            with qr_column, st.container(key="projector-qr"):
                projector_qr(session)
            with join_column:
                projector_join(session)
            with count_column, st.container(key="projector-count"):
                live_count(user, session.id, session.step, session.phase, situation_open)
        with st.container(key="projector-scene"):
            tw.show_context(scenario, expanded=situation_open)
            tw.show_story(scenario, state)
            tw.show_scene(scenario, view)
            tw.show_choices(view.choices)
        return

    # Revealed: the tally and the discussion first; the join code stays, smaller, for late joiners.
    follow(user, session)  # decided on the facilitator's own device: the next scene shows here too
    with st.container(key="projector-band"):
        qr_column, join_column, count_column = st.columns([2, 5, 5], gap="medium", vertical_alignment="center")
        with qr_column, st.container(key="projector-qr-small"):
            projector_qr(session)
        with join_column:
            st.markdown(f"Doe mee met code **{team.display_code(session.code)}**")
            st.caption(tw.join_url(session.code))
        with count_column, st.container(key="projector-count"):
            revealed_count(session)
    with st.container(key="projector-scene"):
        revealed_panel(user, session, scenario, state, view)
        tw.show_context(scenario, expanded=False)
        tw.show_story(scenario, state)
        tw.show_scene(scenario, view)


def projector_qr(session: TeamSession) -> None:
    """The QR code as wide as its column allows (Streamlit never draws an image wider than its pixels).

    As PNG: Streamlit would store an image without transparency as JPEG, which blurs the modules' edges."""
    png = tw.qr_png(tw.join_url(session.code), scale=24)
    st.image(png, width="stretch", alt=qr_alt(session), output_format="PNG")


def projector_join(session: TeamSession) -> None:
    st.markdown("**Doe mee** op je eigen laptop of telefoon. Scan de QR-code of ga naar:")
    st.code(tw.join_url(session.code), language=None, wrap_lines=True)
    st.markdown("en vul deze code in:")
    with st.container(key="projector-code"):
        st.title(team.display_code(session.code), anchor=False)
    st.caption(who_may_join(session))


@st.fragment(run_every="1s")
def follow(user: Account, session: TeamSession) -> None:
    """Redraw the page when the session moved on elsewhere (the other view, another device); shows nothing.

    Re-reads the session every second, as the live count does while the group votes."""
    if not signin.still_signed_in(user):
        st.rerun()
    try:
        current = team.load(context.store(), session.id)
    except team.TeamError:
        return
    if (current.step, current.phase, current.status) != (session.step, session.phase, session.status):
        st.rerun()
