"""The participant's side of a team session: joining, the live scene with the vote, the ending.

Who you are in a session is your account, or, for a guest, this browser (its device cookie);
the URL only names the session (``?sessie=…``), so a copied link or QR code is never a pass
(``modules.team.sessions.participation``).
"""

from __future__ import annotations

import streamlit as st

from modules.content.scenario import Scenario
from modules.play import engine
from modules.records import Account, Participant, TeamSession, Vote, limits
from modules.team import sessions as team
from modules.ui import context, errors, signin, wording
from modules.ui.widgets import team as tw

JOINED = "team-joined"  # (session id, participant id) of this browser session
CODE = "team-code"  # the code typed or scanned, kept while a guest goes to sign in
AFTER_SIGN_IN = "team-join-after-sign-in"  # the code of the session to join as soon as this browser signs in
MESSAGE = "team-vote-message"  # (kind, text, step) from the last vote
JOIN_ROLES = ("teacher", "facilitator", "coach")  # roles whose navigation lists the join page (modules.ui.shell)


def remember(session_id: str, participant_id: str) -> None:
    st.session_state[JOINED] = (session_id, participant_id)
    st.session_state.pop(AFTER_SIGN_IN, None)
    if st.query_params.get("sessie") != session_id:
        st.query_params["sessie"] = session_id
    for stale in ("code", "deelnemer"):
        if stale in st.query_params:
            del st.query_params[stale]


def forget() -> None:
    st.session_state.pop(JOINED, None)
    st.session_state.pop(MESSAGE, None)
    for key in ("sessie", "deelnemer"):
        if key in st.query_params:
            del st.query_params[key]


def find_participation(user: Account | None) -> tuple[TeamSession, Participant] | None:
    """This browser's place in a session, after a rerun or a refresh; None shows the join form."""
    joined = st.session_state.get(JOINED)
    session_id = joined[0] if joined else st.query_params.get("sessie")
    if not session_id:
        return None
    found = team.participation(
        context.store(),
        session_id,
        joined[1] if joined else None,
        user,
        signin.device_token() if user is None else None,
    )
    if found.session is None:
        forget()
        st.warning("We vinden deze sessie niet. Doe opnieuw mee met de code.")
        return None
    if found.participant is None:
        forget()
        if found.session.status == "open":  # a link from someone else: join as yourself, with the session's code
            st.session_state.setdefault("join-code", team.display_code(found.session.code))
            st.info("Op dit apparaat doe je nog niet mee aan deze sessie. Doe mee met de code hieronder.")
        return None
    remember(found.session.id, found.participant.id)
    return found.session, found.participant


# --- joining, also by the link of the QR code while signed out --------------------------------------
# A phone that follows the link (``/meedoen?code=…``) while nobody is signed in keeps the code in its
# browser session (``AFTER_SIGN_IN``). It can join as a guest when the session allows that; or it signs
# in (or makes an account) on the welcome page, which then sends it straight back here
# (``continue_after_sign_in``), and the join form joins with that code at once.


def keep_for_sign_in(code: str | None) -> None:
    """Remember the session this signed-out browser wants to join, for after it signed in."""
    normalised = team.normalise_join_code(code or "")[: limits.JOIN_CODE]
    if normalised:
        st.session_state[AFTER_SIGN_IN] = normalised
        signin.keep_join_code(normalised)  # a school sign-in reloads the page: then a cookie keeps it


def waiting_to_join() -> str | None:
    """The code (as 'ABCD-EFGH') of the session this browser will join once signed in, if any."""
    code = st.session_state.get(AFTER_SIGN_IN)
    return team.display_code(code) if code else None


def continue_after_sign_in(account: Account, code: str | None = None) -> None:
    """Right after a sign-in: to the join page, with the code this browser came with (no-op without one).

    ``code``: the code kept in a cookie across a school sign-in (``signin.join_code_after_school_sign_in``)."""
    if code:
        st.session_state[AFTER_SIGN_IN] = code
    code = st.session_state.get(AFTER_SIGN_IN)
    if not code:
        return
    if account.role not in JOIN_ROLES:  # no join page in this role's navigation
        st.session_state.pop(AFTER_SIGN_IN, None)
        return
    st.switch_page(context.PAGES["meedoen"], query_params={"code": code})


def _join(user: Account | None, code: str, name: str | None) -> bool:
    """Join with ``code``; on success remember where this browser takes part, else say why (in Dutch)."""
    st.session_state[CODE] = code
    if not team.normalise_join_code(code):
        st.error("Vul de code in.")
        return False
    try:
        session, participant = team.join(
            context.store(),
            code,
            account=user,
            guest_name=name,
            device=signin.device_token() if user is None else None,
            client=signin.client_key(),
        )
    except team.TeamError as exc:
        st.error(str(exc))
        return False
    st.session_state.pop(MESSAGE, None)
    remember(session.id, participant.id)
    return True


def join_form(user: Account | None) -> None:
    st.title("Meedoen met een sessie")
    st.markdown("Doe mee met een teamsessie. Vul de code in die de gespreksleider laat zien, of scan de QR-code.")
    after_sign_in = st.session_state.pop(AFTER_SIGN_IN, None) if user is not None else None
    if user is None:
        keep_for_sign_in(st.query_params.get("code"))  # came by the link: keep the code for a sign-in
    if after_sign_in:
        st.session_state["join-code"] = team.display_code(after_sign_in)
    elif "join-code" not in st.session_state:
        prefilled = st.query_params.get("code") or st.session_state.get(CODE, "")
        st.session_state["join-code"] = prefilled[: limits.JOIN_CODE]
    if after_sign_in and _join(user, after_sign_in, None):  # back from signing in: join at once
        st.rerun()
    name = None
    with st.form("join"):
        code = st.text_input("Code", key="join-code", max_chars=limits.JOIN_CODE, placeholder="ABCD-EFGH")
        if user is None:
            name = st.text_input(
                f"Je naam in deze sessie (hoogstens {team.NAME_MAX} tekens)",
                key="join-name",
                max_chars=team.NAME_MAX,
                help="Je echte naam is niet nodig.",
            )
            st.caption("Je echte naam is niet nodig. Een voornaam of een bijnaam is genoeg.")
        else:
            st.markdown(f"Je doet mee als **{wording.escape_markdown(user.username)}**.")
        submitted = st.form_submit_button("Meedoen", type="primary")
    if submitted and _join(user, code, name):
        st.rerun()
    if user is None:
        st.caption(
            "Heb je een account? Log dan eerst in. Dan kun je na afloop een reflectie in je logboek bewaren. "
            "Sommige sessies zijn alleen voor deelnemers met een account. Na het inloggen kom je meteen "
            "terug in de sessie."
        )
        typed = team.normalise_join_code(st.session_state.get("join-code") or "")
        if st.button("Inloggen en meedoen" if typed else "Naar inloggen", key="join-sign-in"):
            st.session_state.pop(AFTER_SIGN_IN, None)
            keep_for_sign_in(typed)  # the code as it is in the field now
            context.go("welkom")


@errors.guarded
def cast_vote(user: Account | None, session_id: str, participant_id: str, step: int, scenario_id: str) -> None:
    """Callback of the vote form: runs even when the screen has moved on, so a late vote gets a clear answer."""
    choice_id = st.session_state.get(f"vote-choice-{step}")
    reason = st.session_state.get(f"vote-reason-{step}") or ""
    if not signin.still_signed_in(user):
        st.session_state[MESSAGE] = ("error", "Je bent uitgelogd. Log opnieuw in om mee te doen.", step)
        return
    if choice_id is None:
        st.session_state[MESSAGE] = ("error", "Kies eerst wat jij zou doen.", step)
        return
    try:
        team.vote(
            context.store(),
            session_id,
            participant_id,
            step,
            choice_id,
            reason,
            scenario=context.library().get(scenario_id),
        )
    except team.TeamError as exc:
        st.session_state[MESSAGE] = ("error", str(exc), step)
    else:
        st.session_state[MESSAGE] = (
            "success",
            "Je stem is bewaard. Je kunt hem veranderen tot de stemmen getoond worden.",
            step,
        )


def show_message(session: TeamSession) -> None:
    message = st.session_state.get(MESSAGE)
    if not message:
        return
    kind, text, step = message
    if kind == "error":
        st.error(text)
    elif step == session.step and session.phase == "voting":
        st.success(text)


def vote_form(
    user: Account | None,
    session: TeamSession,
    participant_id: str,
    scenario: Scenario,
    view: engine.View,
    mine: Vote | None,
) -> None:
    step = session.step
    ids = [c.id for c in view.choices]
    with st.form(f"vote-{step}"):
        st.radio(
            "Wat zou jij doen?",
            ids,
            key=f"vote-choice-{step}",
            index=ids.index(mine.choice_id) if mine and mine.choice_id in ids else None,
            format_func=lambda cid: tw.choice_label(ids.index(cid), view.choices[ids.index(cid)]),
        )
        st.text_input(
            f"Waarom? In één zin, mag leeg blijven (hoogstens {team.REASON_MAX} tekens)",
            key=f"vote-reason-{step}",
            max_chars=team.REASON_MAX,
            value=mine.reason if mine else "",
        )
        privacy = "In deze sessie staat je naam bij je reden." if session.show_names else "Je reden is anoniem."
        st.caption(f"{tw.NAMES_REMINDER} {privacy}")
        st.form_submit_button(
            "Stem wijzigen" if mine else "Stem",
            type="primary",
            key=f"vote-submit-{step}",
            on_click=cast_vote,
            args=(user, session.id, participant_id, step, scenario.id),
        )


def show_own_vote(view: engine.View, mine: Vote) -> None:
    ids = [c.id for c in view.choices]
    if mine.choice_id not in ids:
        return
    index = ids.index(mine.choice_id)
    reason = f"  \nJe reden: {wording.escape_markdown(mine.reason)}" if mine.reason else ""
    st.success(f"**Je stem:** {tw.choice_label(index, view.choices[index])}{reason}")


@st.fragment(run_every="2s")
def live(user: Account | None, session_id: str, participant_id: str) -> None:
    """The current scene and your vote; re-read from the store every two seconds."""
    if not signin.still_signed_in(user):
        st.rerun()  # signed out (perhaps in another browser): the whole page runs again, without the account
    try:
        session = team.load(context.store(), session_id)
    except team.TeamError:
        st.warning("De sessie kan nu niet worden gelezen. We proberen het zo opnieuw.")
        return
    if session.status == "finished":
        st.rerun()  # the group reached the ending: show the debrief
    scenario = context.library().get(session.scenario_id)
    try:
        state = team.state(session, scenario) if scenario else None
    except engine.EngineError:
        state = None
    if state is None or scenario is None:
        st.warning("Dit scenario kan niet meer worden getoond. Vraag de gespreksleider wat er aan de hand is.")
        return
    message = st.session_state.get(MESSAGE)
    if message and message[2] != session.step:
        st.session_state.pop(MESSAGE, None)  # a message about an earlier decision is no longer news
    tw.show_context(scenario, expanded=False)
    tw.show_story(scenario, state)
    view = engine.view(scenario, state)
    tw.show_scene(scenario, view)
    if session.projector_only:
        tw.show_choices(view.choices)
        st.info("De groep kiest samen. Kijk mee op het grote scherm.")
        return
    mine = session.vote_of(participant_id)
    show_message(session)
    if session.phase == "voting":
        vote_form(user, session, participant_id, scenario, view, mine)
    else:
        st.info(
            "De stemmen zijn bekend. Bespreek ze met de groep. Daarna legt de gespreksleider de keuze van de "
            "groep vast en gaat het gesprek verder."
        )
        result = team.tally(session, scenario)
        tw.show_tally(view.choices, result.counts, result.voters, chart=False)
    if mine:
        show_own_vote(view, mine)
    elif session.phase == "voting":
        st.caption("Je hebt nog niet gestemd.")


def finished_screen(user: Account | None, session: TeamSession, participant: Participant) -> None:
    scenario = context.library().get(session.scenario_id)
    try:
        if scenario is None:
            raise engine.EngineError("scenario missing")
        tw.group_debrief(session, scenario, context.catalogue(), full=False)
    except engine.EngineError:
        st.warning("Dit scenario staat niet meer (zo) in de bibliotheek. De nabespreking kan niet worden getoond.")
    st.subheader("Jouw reflectie")
    if user is not None and participant.user_id == user.id:
        st.markdown(
            "Blik terug op de sessie en schrijf een reflectie. Die komt in je eigen logboek, met een "
            "verwijzing naar deze sessie."
        )
        if st.button("Schrijf je reflectie", type="primary", key="team-reflect"):
            context.go("reflectie", **{tw.REFLECT_SESSION: session.id})
    elif participant.user_id:
        st.info("Log opnieuw in om een reflectie over deze sessie in je logboek te schrijven.")
        if st.button("Naar inloggen", key="team-sign-in"):
            context.go("welkom")
    else:
        st.info(
            "Een logboek kan alleen met een account. Wil je een reflectie bewaren? Maak dan een account aan "
            "op de welkomstpagina. Je echte naam is niet nodig."
        )
        if user is None and st.button("Account maken", key="team-sign-up"):
            context.go("welkom")
