"""My data (AVG): download everything, change my password, delete my account with all my data."""

import json

import streamlit as st

from modules.exchange import mydata
from modules.people import accounts
from modules.ui import context, signin
from modules.ui.widgets import xapi as learning_records

user = signin.require_user()
store = context.store()

st.title("Mijn gegevens")
st.markdown("Hier zie je wat Samenspel van je bewaart. Je kunt al je gegevens downloaden of je account verwijderen.")

# --- download -----------------------------------------------------------------------------------
st.header("Download al je gegevens")
st.markdown(
    "Je krijgt een bestand met al je gegevens (JSON-formaat, voor computers leesbaar): je account, je gesprekken, "
    "je reflecties, de reacties op je reflecties, de reacties die jij schreef, je koppelingen en wat je hebt "
    "gedeeld. Je wachtwoord staat er niet in."
)
data = json.dumps(mydata.export(store, user), indent=2, ensure_ascii=False)
st.download_button(
    "Download mijn gegevens",
    data=data.encode("utf-8"),
    file_name="samenspel-mijn-gegevens.json",
    mime="application/json",
    key="download-my-data",
    on_click="ignore",
    icon="⬇️",
)
learning_records.own(store, user, context.library())

# --- password -----------------------------------------------------------------------------------
st.header("Wachtwoord wijzigen")
if user.password_hash is None:
    st.caption("Je logt in met je schoolaccount. Je wachtwoord wijzig je bij je school.")
else:
    with st.form("change-password", clear_on_submit=True):
        old = st.text_input("Huidig wachtwoord", type="password", key="pw-old", max_chars=accounts.PASSWORD_MAX)
        new = st.text_input(
            f"Nieuw wachtwoord (minstens {accounts.PASSWORD_MIN}, hoogstens {accounts.PASSWORD_MAX} tekens)",
            type="password",
            key="pw-new",
            max_chars=accounts.PASSWORD_MAX,
            help="Een korte zin van een paar woorden is sterk. Veelgebruikte wachtwoorden worden geweigerd.",
        )
        again = st.text_input(
            "Herhaal het nieuwe wachtwoord", type="password", key="pw-again", max_chars=accounts.PASSWORD_MAX
        )
        change = st.form_submit_button("Wachtwoord wijzigen")
    st.caption("Na het wijzigen word je op je andere apparaten uitgelogd.")
    if change:
        if new != again:
            st.error("De twee nieuwe wachtwoorden zijn niet gelijk.")
        else:
            try:
                accounts.change_password(store, user, old, new, keep_login=st.session_state.get(signin.LOGIN))
            except accounts.AuthError as exc:
                st.error(str(exc))
            else:
                st.success("Je wachtwoord is gewijzigd.")

# --- delete -------------------------------------------------------------------------------------
st.header("Account verwijderen")
st.markdown(
    "Als je je account verwijdert, wissen we:\n\n"
    "- je account en je inloggegevens;\n"
    "- al je gesprekken, reflecties en voornemens;\n"
    "- de reacties op je reflecties, en de reacties die jij bij anderen schreef;\n"
    "- je koppelingen met coaches of leraren, en alles wat je hebt gedeeld.\n\n"
    "**Dit kun je niet ongedaan maken.** Wil je iets bewaren? Download dan eerst je gegevens of je portfolio."
)
with st.form("delete-account"):
    typed = st.text_input(
        "Typ je gebruikersnaam om te bevestigen", key="delete-username", max_chars=accounts.USERNAME_MAX
    )
    sure = st.checkbox("Ik begrijp dat al mijn gegevens definitief worden verwijderd.", key="delete-sure")
    delete = st.form_submit_button("Verwijder mijn account", type="secondary")
if delete:
    try:
        mydata.delete_own(store, user, typed, sure)
    except mydata.DeletionRefused as exc:
        st.error(str(exc))
    else:
        signin.forget_everything()
        st.session_state["account-deleted"] = True
        st.rerun()
