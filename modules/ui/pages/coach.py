"""Mijn leraren (placeholder)."""

import streamlit as st

from modules.ui import common

user = common.require_user("coach")
st.title("Mijn leraren")
