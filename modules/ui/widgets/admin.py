"""The parts of the Accounts beheren page: labels, the one-time message, the account table, the account editor."""

from __future__ import annotations

import re
from datetime import datetime

import streamlit as st

from modules.people import accounts
from modules.records import Account
from modules.storage import Store
from modules.ui import wording

FLASH = "beheer-flash"  # a message (and maybe a one-time code) shown once, after the rerun that follows an action
CODE_HELP = (
    "Geef deze code aan de gebruiker. Die kiest ermee een wachtwoord via 'Code van de beheerder' op de "
    "welkomstpagina. De code is 48 uur geldig."
)
METHOD_LABELS = {
    "password": "Wachtwoord",
    "school": "Schoolaccount",
    "school+password": "Schoolaccount en wachtwoord",
    "none": "Nog geen wachtwoord",
}
ROLE_ORDER = ["coach", "facilitator", "teacher"]  # an admin is made with a command on the server, never here


def role_label(role: str) -> str:
    return accounts.ROLE_LABELS.get(role, role)


def day_month(moment: datetime) -> str:
    """'25 nov.': short enough for a table column (a code lives 48 hours, so the year says nothing)."""
    return re.sub(r" \d{4},.*$", "", wording.short_date(moment))


def compact_day(moment: datetime) -> str:
    """'23 nov. 2026', for the table."""
    return wording.short_date(moment).split(",")[0]


def sign_in_label(account: Account, now: datetime) -> str:
    """How the account signs in, with the expiry date and time of a one-time code that still works."""
    label = METHOD_LABELS[accounts.sign_in_method(account)]
    expires = accounts.code_valid_until(account, now)
    return f"{label} (code geldig tot {wording.short_date(expires)})" if expires else label


def sign_in_cell(account: Account, now: datetime) -> str:
    """The same, short, for the table: 'Code tot 25 nov.' (so the columns after it stay in view)."""
    method = accounts.sign_in_method(account)
    expires = accounts.code_valid_until(account, now)
    if not expires:
        return METHOD_LABELS[method]
    code = f"code tot {day_month(expires)}"
    return code.capitalize() if method == "none" else f"{METHOD_LABELS[method]}, {code}"


def flash(where: str, text: str, code: str | None = None, username: str | None = None) -> None:
    st.session_state[FLASH] = {"where": where, "text": text, "code": code, "username": username}
    st.rerun()


def show_flash(where: str) -> None:
    message = st.session_state.get(FLASH)
    if not message or message["where"] != where:
        return
    del st.session_state[FLASH]  # shown once: a one-time code is not kept in the session
    st.success(message["text"])
    if message["code"]:
        st.markdown(f"Eenmalige code voor **{wording.escape_markdown(message['username'])}**:")
        st.code(message["code"], language=None)
        st.info(CODE_HELP)


def create_form(store: Store, admin: Account) -> None:
    """A new coach, facilitator or teacher account, with a one-time code to choose a password."""
    show_flash("create")
    with st.form("create-account", clear_on_submit=True):
        new_name = st.text_input(
            "Gebruikersnaam",
            max_chars=accounts.USERNAME_MAX,
            key="create-user",
            help="Een echte naam is niet nodig. Spreek de gebruikersnaam af met de gebruiker.",
        )
        new_role = st.selectbox("Rol", ROLE_ORDER, format_func=role_label, key="create-role")
        create = st.form_submit_button("Account maken", type="primary")
    st.caption(
        "Een beheerder maak je niet hier, maar met een opdracht op de server (zie de README). "
        "Zo kan niemand via de app beheerder worden."
    )
    if create:
        try:
            created, code = accounts.admin_create_account(store, admin, new_name, new_role)
        except accounts.AuthError as exc:
            st.error(str(exc))
        else:
            flash("create", f"Het account is gemaakt ({role_label(created.role).lower()}).", code, created.username)


def account_table(shown: list[Account], query: str, now: datetime) -> None:
    """Every account that matches the search, as plain text cells."""
    if not shown:
        st.info("Geen accounts gevonden." if query else "Er zijn nog geen accounts.")
        return
    # st.dataframe shows every cell as plain text: user names are never rendered as HTML or Markdown.
    st.dataframe(
        [
            {
                "Gebruikersnaam": a.username,
                "Rol": role_label(a.role) + (" · auteur" if a.author else ""),
                "Status": "Actief" if a.active else "Uitgeschakeld",
                "Aangemaakt": compact_day(a.created_at),
                "Inloggen met": sign_in_cell(a, now),
                "Koppelcode": a.invite_code if a.role == "coach" and a.invite_code else "",
            }
            for a in shown
        ],
        hide_index=True,
        key="accounts-table",
    )


def account_editor(store: Store, admin: Account, shown: list[Account], now: datetime) -> None:
    """Choose one account; make a reset code, change its role, switch it off or on."""
    show_flash("account")
    if not shown:
        return
    by_id = {a.id: a for a in shown}
    chosen_id = st.selectbox(
        "Kies een account",
        list(by_id),
        format_func=lambda i: f"{by_id[i].username} ({role_label(by_id[i].role).lower()})",
        key="chosen",
    )
    chosen = by_id[chosen_id]
    with st.container(border=True):
        st.markdown(f"**{wording.escape_markdown(chosen.username)}**")
        st.caption(
            f"{role_label(chosen.role)} · {'actief' if chosen.active else 'uitgeschakeld'} · "
            f"aangemaakt {wording.short_day(chosen.created_at)} · inloggen: {sign_in_label(chosen, now).lower()}"
        )
        if chosen.role == "coach" and chosen.invite_code:
            st.markdown("Koppelcode voor leraren:")
            st.code(chosen.invite_code, language=None)
            st.caption(
                "Een leraar vult deze code in bij 'Mijn coach'. Daarna ziet de coach de gespeelde gesprekken "
                "van die leraar en de reflecties die de leraar deelt."
            )
        if chosen.id == admin.id:
            st.info(
                "Dit is je eigen account. Je wachtwoord wijzig je bij 'Mijn gegevens'. Je rol en status "
                "worden op de server gewijzigd (zie de README)."
            )
        elif chosen.role == "admin":
            st.info(accounts.ADMINS_BY_COMMAND)
        else:
            _reset_code(store, admin, chosen)
            _role(store, admin, chosen)
            _authoring(store, admin, chosen)
            _status(store, admin, chosen)


def _reset_code(store: Store, admin: Account, chosen: Account) -> None:
    st.markdown("**Wachtwoord opnieuw instellen**")
    if not chosen.active:
        st.caption("Zet het account eerst weer aan. Daarna kun je een code maken.")
        return
    st.caption("Je krijgt een eenmalige code. Een eerder gemaakte code werkt daarna niet meer.")
    if st.button("Maak een code", key=f"reset-{chosen.id}"):
        try:
            code = accounts.admin_reset_code(store, admin, chosen.id)
        except accounts.AuthError as exc:
            st.error(str(exc))
        else:
            flash("account", "Er is een nieuwe code gemaakt.", code, chosen.username)


def _role(store: Store, admin: Account, chosen: Account) -> None:
    st.markdown("**Rol**")
    role_cols = st.columns([2, 1], vertical_alignment="bottom")
    options = ROLE_ORDER if chosen.role in ROLE_ORDER else [chosen.role, *ROLE_ORDER]
    new_role = role_cols[0].selectbox(
        "Nieuwe rol", options, index=options.index(chosen.role), format_func=role_label, key=f"role-{chosen.id}"
    )
    if role_cols[1].button("Rol opslaan", key=f"set-role-{chosen.id}", disabled=new_role == chosen.role):
        try:
            updated = accounts.admin_set_role(store, admin, chosen.id, new_role)
        except accounts.AuthError as exc:
            st.error(str(exc))
        else:
            flash("account", f"De rol is nu: {role_label(updated.role).lower()}.")


def _authoring(store: Store, admin: Account, chosen: Account) -> None:
    st.markdown("**Auteur**")
    st.caption(
        "Een auteur schrijft en test scenario's in de Werkplaats. Concepten blijven privé. Met publicatierecht "
        "zet een auteur een goedgekeurd concept zelf in de bibliotheek; anders doet een beheerder dat."
    )
    author = st.toggle("Auteur", value=chosen.author, key=f"author-{chosen.id}")
    publisher = st.toggle("Mag publiceren", value=chosen.publisher, key=f"publisher-{chosen.id}", disabled=not author)
    changed = (author, author and publisher) != (chosen.author, chosen.publisher)
    if st.button("Auteursrechten opslaan", key=f"set-author-{chosen.id}", disabled=not changed):
        try:
            updated = accounts.admin_set_authoring(store, admin, chosen.id, author, publisher)
        except accounts.AuthError as exc:
            st.error(str(exc))
        else:
            what = "auteur met publicatierecht" if updated.publisher else "auteur" if updated.author else "geen auteur"
            flash("account", f"Dit account is nu {what}.")


def _status(store: Store, admin: Account, chosen: Account) -> None:
    st.markdown("**Status**")
    if chosen.active:
        st.caption(
            "Een uitgeschakeld account kan niet meer inloggen. Er wordt niets verwijderd; "
            "je kunt het account later weer aanzetten."
        )
        label, make_active, done = "Account uitschakelen", False, "Het account is uitgeschakeld."
    else:
        st.caption("Dit account is uitgeschakeld en kan niet inloggen.")
        label, make_active, done = "Account weer aanzetten", True, "Het account is weer actief."
    if st.button(label, key=f"active-{chosen.id}"):
        try:
            accounts.admin_set_active(store, admin, chosen.id, make_active)
        except accounts.AuthError as exc:
            st.error(str(exc))
        else:
            flash("account", done)
