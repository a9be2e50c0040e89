"""Accounts beheren (placeholder)."""

import streamlit as st

from modules.ui import common

user = common.require_user("admin")
st.title("Accounts beheren")
