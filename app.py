"""Samenspel: practise conversations with parents. Run with ``streamlit run app.py``."""

from modules.ui.shell import main

main()
