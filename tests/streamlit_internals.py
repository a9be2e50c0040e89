"""The only place where tests reach past AppTest's public API into Streamlit's internals.

``streamlit.testing.v1.AppTest`` shows a page's widgets and text, but four things a test of
Samenspel must see are not in its public API. Each is reached here, in one small function, so
that a Streamlit upgrade that moves them breaks this file and nothing else (written against
Streamlit 1.67):

- ``elements``: every element a run produced, charts and tables included, to check that user
  text is never sent as Markdown or HTML, and that an aggregate holds no names. AppTest offers
  typed lists per kind (``at.markdown``, ``at.table``, ...) but no walk over all of them: the
  element tree is ``AppTest._tree``.
- ``open_by_url_path``: ask for a page the way a typed address does. ``AppTest.switch_page``
  refuses a page that ``st.navigation`` did not register for this user, which is exactly the
  case an authorisation test must try; the request carries the hash of the URL path
  (``AppTest._page_hash``, computed with ``streamlit.util.calc_hash``).
- ``navigation_messages``: the navigation a run sent (sections, titles, URL paths). AppTest
  does not expose the messages it receives; they pass through
  ``LocalScriptRunner.forward_msgs``.
- ``downloads``: the bytes behind ``st.download_button``. AppTest keeps the button but not its
  file; files pass through ``MemoryMediaFileStorage.load_and_get_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.util import calc_hash


def elements(at: AppTest) -> Iterator[Any]:
    """Every node of the last run's element tree, containers included, depth first."""

    def walk(node: Any) -> Iterator[Any]:
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at._tree)


def open_by_url_path(at: AppTest, page_file: str) -> AppTest:
    """Run ``at`` as if the browser asked for the page of ``page_file`` by its URL (``/<file stem>``)."""
    at._page_hash = calc_hash(Path(page_file).stem)
    return at.run()


class NavigationMessages:
    """The ``navigation`` message of every run, in order."""

    def __init__(self) -> None:
        self.runs: list[list[Any]] = []

    def last(self) -> list[tuple[str, str, str]]:
        """(section, title, url path) of every page in the last run's navigation."""
        messages = [m for m in self.runs[-1] if m.HasField("navigation")]
        assert len(messages) == 1, "every run sends exactly one navigation"
        return [(p.section_header, p.page_name, p.url_pathname) for p in messages[0].navigation.app_pages]


@pytest.fixture
def navigation_messages(monkeypatch: pytest.MonkeyPatch) -> NavigationMessages:
    recorder = NavigationMessages()
    original = local_script_runner.LocalScriptRunner.forward_msgs

    def forward_msgs(self: Any) -> Any:
        messages = original(self)
        recorder.runs.append(list(messages))
        return messages

    monkeypatch.setattr(local_script_runner.LocalScriptRunner, "forward_msgs", forward_msgs)
    return recorder


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The files handed to ``st.download_button`` in this test, as bytes by file name."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self: Any, path_or_data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        if filename:
            data = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode("utf-8")
            files[filename] = data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return files
