"""Welcome: sign in, create an account, reset a password, or claim an old nickname."""

import streamlit as st
from streamlit.errors import StreamlitAuthError

from modules import settings
from modules.people import accounts, logins
from modules.records import limits
from modules.ui import context, signin

st.title("Welkom bij Samenspel")
if settings.demo_enabled():
    st.info(
        "Probeer de demo: log in als **demo-leraar** (wachtwoord *oefenen-met-ouders*) of als **demo-coach** "
        "(wachtwoord *coachen-met-zorg*). Of maak zelf een account: ook dat hoort bij de demo en verdwijnt "
        "als de demo stopt."
    )
if st.session_state.pop("account-deleted", False):
    st.success("Je account en al je gegevens zijn verwijderd.")
st.markdown(
    "Oefen gesprekken met ouders in een veilige omgeving. Je kiest wat je zegt of doet, "
    "ziet hoe de ouder reageert en krijgt feedback op basis van principes van goed partnerschap "
    "tussen school en ouders. Daarna blik je terug en schrijf je een reflectie in je logboek."
)


def sign_in_with(action, *args, **kwargs) -> None:
    """Run an accounts action that returns an account; on success sign in, else show why in Dutch."""
    try:
        account = action(context.store(), *args, **kwargs)
        signin.sign_in_as(account)
    except accounts.AuthError as exc:
        st.error(str(exc))
    else:
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

tab_in, tab_up, tab_code, tab_old = st.tabs(
    ["Inloggen", "Account maken", "Code van de beheerder", "Ik had een schuilnaam"]
)

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
        "Oefende je eerder met alleen een schuilnaam? Kies dan nu een wachtwoord voor die schuilnaam. "
        "Je gesprekken en reflecties blijven bewaard."
    )
    with st.form("claim"):
        nickname = st.text_input("Je schuilnaam", key="claim-user", max_chars=accounts.USERNAME_MAX)
        claim_pass = st.text_input(
            f"Kies een wachtwoord ({PASSWORD_LABEL})",
            type="password",
            key="claim-pass",
            max_chars=accounts.PASSWORD_MAX,
        )
        claim = st.form_submit_button("Wachtwoord instellen", type="primary")
    if claim:
        sign_in_with(accounts.claim_migrated, nickname, claim_pass)
