"""Samenspel: practise conversations with parents. Start with ``streamlit run app.py``.

This file is the web server: Streamlit's ASGI app (``st.App``) around the page script
``modules/webapp.py``, with Samenspel's own HTTP routes (one sets the sign-in cookie, one
serves the page's script), its middleware (the page is served as a Dutch one, with that
script), its error handler (a Dutch message with a reference code, never a traceback) and its
start-up steps. ``streamlit run app.py`` finds ``app`` and serves it.
"""

import streamlit as st
from starlette.middleware import Middleware

from modules.ui import server

server.configure_logging()
app = st.App(
    "modules/webapp.py",
    routes=server.routes(st.get_option("server.baseUrlPath")),
    middleware=[Middleware(server.DutchPage)],
    lifespan=server.lifespan,
    on_script_error=server.on_script_error,
)
