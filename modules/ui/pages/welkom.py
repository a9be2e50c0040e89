"""Welcome: how to try Samenspel, sign in, create an account, a password with the admin's code, or an old name.

A browser that came by a team session's link (its QR code) and must sign in first sees which
session it will join; after signing in it goes straight back to that session
(``modules.ui.widgets.team_join``).
"""

import streamlit as st
from streamlit.errors import StreamlitAuthError

from modules import settings
from modules.deployment.demo import DEMO_ACCOUNTS
from modules.people import accounts, logins
from modules.records import Account, limits
from modules.ui import context, signin
from modules.ui.widgets import team_join

# What each demo account is for: (who you are then, what you see).
DEMO_USES = {
    "teacher": (
        "Oefenen als leraar",
        "Je oefent gesprekken met ouders. In je logboek staan al een gesprek en een reflectie.",
    ),
    "coach": (
        "Meekijken als coach",
        "Je leest de reflectie die de demoleraar met je deelde en je reageert. Je kunt ook een teamsessie leiden.",
    ),
}
OLD_NAME_TAB = "Eerder zonder wachtwoord"


def how_to_try() -> None:
    """In plain Dutch: which account to use (demo on), or how to get one (demo off)."""
    if settings.demo_enabled():
        lines = [
            "**Zo probeer je Samenspel.** Dit is een demo. Log in met een van deze accounts. "
            "Iedereen kent de wachtwoorden.",
            "",
        ]
        for username, (password, role) in DEMO_ACCOUNTS.items():
            who, what = DEMO_USES.get(role, (accounts.ROLE_LABELS.get(role, role), ""))
            lines.append(f"- **{who}:** log in met **{username}** en wachtwoord **{password}**. {what}")
        lines.append(
            "- **Je eigen account:** maak er een bij *Account maken*. Ook dat hoort bij de demo. "
            "Het verdwijnt als de demo stopt."
        )
    else:
        lines = [
            "**Zo begin je.**",
            "",
            "- **Ben je leraar?** Maak een account bij *Account maken*. Je echte naam is niet nodig.",
            "- **Ben je coach of gespreksleider?** Dan maakt de beheerder van Samenspel op je school een account "
            "voor je. Je krijgt een code. Vul die in bij *Code van de beheerder* en kies een wachtwoord.",
            "- **Wachtwoord vergeten?** Vraag de beheerder om een nieuwe code.",
        ]
    st.markdown("\n".join(lines))


def join_without_account() -> None:
    st.caption("Doe je mee met een teamsessie? Scan de QR-code van de gespreksleider, of vul de code in.")
    if st.button("Meedoen met een sessie", key="welcome-join"):
        context.go("meedoen")


st.title("Welkom bij Samenspel")
joining = team_join.waiting_to_join()
if joining:
    st.info(
        f"**Je doet zo mee met de teamsessie (code {joining}).** Log eerst in, of maak een account. "
        "Daarna ga je meteen naar de sessie.",
        icon="🙋",
    )
if st.session_state.pop("account-deleted", False):
    st.success("Je account en al je gegevens zijn verwijderd.")
if joining:
    with st.expander("Hoe probeer ik Samenspel?"):
        how_to_try()
else:
    st.markdown(
        "Oefen gesprekken met ouders in een veilige omgeving. Je kiest wat je zegt of doet, "
        "ziet hoe de ouder reageert en krijgt feedback op basis van principes van goed partnerschap "
        "tussen school en ouders. Daarna blik je terug en schrijf je een reflectie in je logboek."
    )
    how_to_try()
    join_without_account()


def sign_in_with(action, *args, **kwargs) -> None:
    """Run an accounts action that returns an account; on success sign in (and go back to the team session
    this browser came to join, if any), else show why in Dutch."""
    try:
        account: Account = action(context.store(), *args, **kwargs)
        signin.sign_in_as(account)
    except accounts.AuthError as exc:
        st.error(str(exc))
    else:
        team_join.continue_after_sign_in(account)
        st.rerun()


USERNAME_HELP = f"{accounts.USERNAME_MIN} tot {accounts.USERNAME_MAX} tekens."
PASSWORD_LABEL = f"minstens {accounts.PASSWORD_MIN}, hoogstens {accounts.PASSWORD_MAX} tekens"


providers = signin.oidc_providers()
if providers:
    st.markdown("**Inloggen met je schoolaccount**")
    st.caption("De eerste keer krijg je vanzelf een leraaraccount. Je hebt dan geen apart wachtwoord nodig.")
    for provider in providers:
        if st.button(f"Inloggen met {signin.PROVIDER_LABELS.get(provider, provider)}", key=f"oidc-{provider}"):
            try:
                st.login(provider)
            except StreamlitAuthError:  # incomplete configuration or Authlib missing: tell, don't crash
                st.error(
                    "Inloggen met je schoolaccount is nu niet mogelijk. Log in met een Samenspel-account "
                    "of vraag de beheerder om hulp."
                )
    if signin.oidc_signed_in():  # signed in at school, but no usable account here (e.g. switched off)
        if st.button("Uitloggen bij je schoolaccount", key="oidc-logout"):
            st.logout()
    st.caption("Of log in met een Samenspel-account:")

tab_in, tab_up, tab_code, tab_old = st.tabs(["Inloggen", "Account maken", "Code van de beheerder", OLD_NAME_TAB])

with tab_in:
    with st.form("sign-in"):
        username = st.text_input("Gebruikersnaam", key="in-user", max_chars=accounts.USERNAME_MAX)
        password = st.text_input("Wachtwoord", type="password", key="in-pass", max_chars=accounts.PASSWORD_MAX)
        submitted = st.form_submit_button("Inloggen", type="primary")
    st.caption(
        "Je blijft ingelogd als je de pagina vernieuwt, tot je uitlogt (hoogstens "
        f"{round(logins.login_lifetime().total_seconds() / 3600)} uur). Gebruik je een computer van "
        "iemand anders? Log dan uit als je klaar bent."
    )
    if submitted:
        if not username.strip() or not password:
            st.error("Vul je gebruikersnaam en je wachtwoord in.")
        else:
            sign_in_with(accounts.sign_in, username, password, client=signin.client_key())

with tab_up:
    st.caption(
        "Een account is voor leraren. Coaches en gespreksleiders krijgen een account van de beheerder. "
        "Je echte naam is niet nodig."
    )
    with st.form("sign-up"):
        new_user = st.text_input(
            "Kies een gebruikersnaam", key="up-user", max_chars=accounts.USERNAME_MAX, help=USERNAME_HELP
        )
        new_pass = st.text_input(
            f"Kies een wachtwoord ({PASSWORD_LABEL})",
            type="password",
            key="up-pass",
            max_chars=accounts.PASSWORD_MAX,
            help="Een korte zin van een paar woorden is sterk en makkelijk te onthouden. "
            "Veelgebruikte wachtwoorden worden geweigerd.",
        )
        again = st.text_input(
            "Herhaal het wachtwoord", type="password", key="up-again", max_chars=accounts.PASSWORD_MAX
        )
        created = st.form_submit_button("Account maken", type="primary")
    if created:
        if new_pass != again:
            st.error("De twee wachtwoorden zijn niet gelijk.")
        else:
            sign_in_with(accounts.sign_up, new_user, new_pass, client=signin.client_key())

with tab_code:
    st.caption(
        "Heb je van de beheerder een eenmalige code gekregen? Kies hier je (nieuwe) wachtwoord. "
        "De code werkt één keer en is 48 uur geldig."
    )
    with st.form("reset"):
        reset_user = st.text_input("Gebruikersnaam", key="reset-user", max_chars=accounts.USERNAME_MAX)
        code = st.text_input("Code", key="reset-code", placeholder="ABCD-EFGH-JKLM", max_chars=limits.ONE_TIME_CODE)
        reset_pass = st.text_input(
            f"Nieuw wachtwoord ({PASSWORD_LABEL})", type="password", key="reset-pass", max_chars=accounts.PASSWORD_MAX
        )
        reset = st.form_submit_button("Wachtwoord instellen", type="primary")
    if reset:
        sign_in_with(accounts.reset_password, reset_user, code, reset_pass, client=signin.client_key())

with tab_old:
    st.caption(
        "Speelde je eerder in Samenspel zonder wachtwoord, met alleen een (bij)naam? Dan staan je gesprekken en "
        "reflecties nog onder die naam. Vul die naam hier in en kies een wachtwoord. Dan ben je meteen "
        "ingelogd. Voortaan log je in bij *Inloggen*, met die naam en je nieuwe wachtwoord."
    )
    with st.form("claim"):
        nickname = st.text_input("Je naam van toen", key="claim-user", max_chars=accounts.USERNAME_MAX)
        claim_pass = st.text_input(
            f"Kies een wachtwoord ({PASSWORD_LABEL})",
            type="password",
            key="claim-pass",
            max_chars=accounts.PASSWORD_MAX,
        )
        claim = st.form_submit_button("Wachtwoord instellen", type="primary")
    if claim:
        if not nickname.strip() or not claim_pass:
            st.error("Vul je naam van toen en een wachtwoord in.")
        else:
            sign_in_with(accounts.claim_migrated, nickname, claim_pass)
