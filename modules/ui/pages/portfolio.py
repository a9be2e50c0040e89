"""Portfolio (placeholder)."""

import streamlit as st

from modules.ui import common

user = common.require_user()
st.title("Portfolio")
