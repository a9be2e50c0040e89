"""Shared by the accessibility and language tests: axe in the page, and what a screen reader hears.

``axe-playwright-python`` brings its own copy of axe-core (no download at run time) and runs it
in the page through Playwright; see ``requirements-dev.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import expect
from server import UI_TIMEOUT

BLOCKING = ("critical", "serious", "moderate", "minor")  # axe's impact levels that fail a test: all


@dataclass(frozen=True)
class Finding:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    summary: str

    def describe(self) -> str:
        where = "\n".join(f"      at {target}" for target in self.targets[:5])
        more = f"\n      ... and {len(self.targets) - 5} more" if len(self.targets) > 5 else ""
        summary = "\n".join(f"      {line}" for line in self.summary.splitlines() if line.strip())
        return f"  [{self.impact}] {self.page}: {self.rule} ({self.help})\n{where}{more}\n{summary}"


def settle(page) -> None:
    """Wait until the app run has finished, so what is on screen is the new page, not stale elements."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=UI_TIMEOUT)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=UI_TIMEOUT)


def axe_findings(page, name: str) -> list[Finding]:
    """Run axe on the page as it is now; every violation (of an impact in ``BLOCKING``)."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    page.wait_for_timeout(300)  # let Streamlit's transitions (a fading stale element, a toast) finish
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        nodes = violation.get("nodes", [])
        targets = tuple(" ".join(str(part) for part in node.get("target", [])) for node in nodes)
        summary = nodes[0].get("failureSummary", "") if nodes else ""
        found.append(Finding(name, violation["id"], violation["impact"], violation["help"], targets, summary))
    return found


def open_page(page, title: str, heading: str | None = None) -> None:
    """Click a page in the sidebar navigation (unfolding it when the list is long); wait for its heading."""
    nav = page.get_by_test_id("stSidebarNav")
    link = nav.get_by_role("link", name=title, exact=True)
    if not link.is_visible():
        nav.get_by_test_id("stSidebarNavViewButton").click()
    link.click()
    expect(page.get_by_role("heading", name=heading or title, exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    settle(page)


# What a screen reader can read out: the text outside aria-hidden parts, and the names and hints
# in attributes. (``innerText`` would also give the names of Streamlit's icons, such as
# "expand_more", which are hidden from screen readers.)
HEARD = """() => {
  const hidden = (el) => el.closest('[aria-hidden="true"], script, style, noscript, template');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.trim();
    if (text && node.parentElement && !hidden(node.parentElement)) texts.push(text);
  }
  const attributes = [];
  for (const el of document.body.querySelectorAll('[aria-label], [placeholder], [title], [alt], [aria-placeholder]')) {
    if (hidden(el)) continue;
    for (const name of ['aria-label', 'placeholder', 'title', 'alt', 'aria-placeholder']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) attributes.push(name + '=' + value.trim());
    }
  }
  return {texts, attributes};
}"""


def heard(page) -> list[str]:
    found = page.evaluate(HEARD)
    return found["texts"] + found["attributes"]
