"""The Streamlit script of Samenspel: every browser session runs this on every interaction.

Started through ``app.py`` (which adds the cookie route and the error handler); tests open
it directly with ``AppTest.from_file("modules/webapp.py")``.
"""

from modules.ui.shell import main

main()
