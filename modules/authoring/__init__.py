"""The author's workshop without Streamlit: drafts, checks, publishing with a version history."""
