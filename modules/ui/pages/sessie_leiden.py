"""Lead a team session (placeholder)."""

import streamlit as st

from modules.ui import common

user = common.require_user("facilitator", "coach")
st.title("Teamsessie leiden")
