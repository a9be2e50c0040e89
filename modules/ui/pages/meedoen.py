"""Join a team session (placeholder)."""

import streamlit as st

st.title("Meedoen met een sessie")
