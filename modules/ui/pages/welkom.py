"""Welcome: choose a nickname (a local profile, no password yet)."""

import streamlit as st

from modules.store import InvalidInputError, StoreError
from modules.ui import common

st.title("Welkom bij Samenspel")
st.markdown(
    "Oefen gesprekken met ouders in een veilige omgeving. Je kiest wat je zegt of doet, "
    "ziet hoe de ouder reageert en krijgt feedback op basis van principes van goed partnerschap "
    "tussen school en ouders. Daarna blik je terug en schrijf je een reflectie in je logboek."
)
st.info(
    "Kies een schuilnaam. Je echte naam is niet nodig. Met dezelfde schuilnaam kom je later terug bij je logboek. "
    "Let op: iedereen die je schuilnaam kent, kan je logboek openen. Kies dus iets wat niet voor de hand ligt."
)
with st.form("profile"):
    nickname = st.text_input("Schuilnaam", max_chars=40, placeholder="bijvoorbeeld: groen-potlood-7")
    submitted = st.form_submit_button("Beginnen", type="primary")
if submitted:
    try:
        profile = common.store().profile_for(nickname)
    except InvalidInputError:
        st.error("Vul een schuilnaam in van hoogstens 40 tekens.")
    except StoreError as exc:
        common.store_error(exc)
    else:
        st.session_state[common.USER] = profile.id
        st.rerun()
