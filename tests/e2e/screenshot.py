"""Save a screenshot of the Play page for the docs: ``docs/spelen.png``.

Run from the repository root::

    .venv/bin/python tests/e2e/screenshot.py [output.png]

Starts the app like the browser test does (throw-away data folder, no demo
profile, the bundled scenarios), plays *De taalbarrière* for two choices in
Debian's Chromium and saves the whole page at a width of 1100 px.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import REPO, choose_first, launch_chromium, sign_up, start_app, start_scenario  # noqa: E402

SCENARIO_TITLE = "De taalbarrière"
CHOICES = 2


def main(output: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="samenspel-shot-") as tmp:
        server = start_app(Path(tmp) / "data")
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1100, "height": 1400}, locale="nl-NL")
                sign_up(page, server.url, "schermafdruk")
                start_scenario(page, SCENARIO_TITLE)
                for step in range(CHOICES):
                    choose_first(page, step)
                page.mouse.move(0, 0)  # no hover effect on a button in the picture
                # Streamlit scrolls inside its main pane, so a "full page" shot would stop at the
                # viewport: grow the viewport to the height of the content instead.
                height = page.get_by_test_id("stMain").evaluate("main => main.scrollHeight")
                page.set_viewport_size({"width": 1100, "height": max(1400, height)})
                page.wait_for_timeout(500)  # relayout, and let the metric's delta animation settle
                output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(output), full_page=True)
                browser.close()
        except Exception:
            print(server.log(), file=sys.stderr)
            raise
        finally:
            server.stop()
    print(f"saved {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "spelen.png")
