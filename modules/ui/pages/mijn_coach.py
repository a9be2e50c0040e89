"""Mijn coach (placeholder)."""

import streamlit as st

from modules.ui import common

user = common.require_user("teacher", "facilitator")
st.title("Mijn coach")
