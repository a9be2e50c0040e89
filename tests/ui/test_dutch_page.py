"""The server serves Streamlit's page as a Dutch one (issue 15): ``modules.ui.server.DutchPage``.

The middleware is driven here as a plain ASGI app around small fake apps; the browser tests in
``tests/e2e/test_page_language.py`` check the real server.
"""

from __future__ import annotations

import asyncio
import gzip
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit

from modules.ui import server

INDEX = Path(streamlit.__file__).parent / "static" / "index.html"  # the page Streamlit serves for every address


def wait(coroutine):
    """Run a coroutine in its own thread and event loop (a browser test may hold this thread's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run(app, method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None, scope_type: str = "http"):
    """Call an ASGI app once; returns the messages it sent and the scope the inner app saw."""
    sent: list[dict] = []
    scope = {"type": scope_type, "method": method, "path": "/", "headers": headers or [], "extensions": {}}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    wait(app(scope, receive, send))
    return sent


def html_app(body: bytes, chunks: int = 1, content_type: bytes = b"text/html; charset=utf-8", extra=(), seen=None):
    """A fake Streamlit: answers with ``body`` in ``chunks`` parts and records the request headers it got."""

    async def app(scope, receive, send):
        if seen is not None:
            seen.append(scope)
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *extra]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        size = max(1, -(-len(body) // chunks))
        parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
        for index, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": index < len(parts) - 1})

    return app


def response(sent: list[dict]) -> tuple[int, dict[bytes, bytes], bytes]:
    (start,) = [m for m in sent if m["type"] == "http.response.start"]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


def test_streamlits_page_becomes_dutch_with_the_script():
    page = server.dutch_page(INDEX.read_bytes()).decode()
    assert re.search(r'<html lang="nl">', page)
    assert 'lang="en"' not in page
    assert "<title>Samenspel</title>" in page
    assert page.count(server.SCRIPT_TAG) == 1
    assert page.index(server.SCRIPT_TAG) < page.index("</head>")
    assert server.NOSCRIPT in page and "You need to enable JavaScript" not in page
    assert server.dutch_page(page.encode()).decode() == page  # a second pass changes nothing


def test_other_html_and_a_lang_in_other_quotes():
    assert server.dutch_page(b"<p>geen pagina</p>") == b"<p>geen pagina</p>"
    page = server.dutch_page(b"<!DOCTYPE html><HTML lang='en-US' dir=ltr><head></head><body></body></HTML>").decode()
    assert page.startswith('<!DOCTYPE html><HTML dir=ltr lang="nl">'), page


def test_the_page_is_rewritten_whole_with_its_new_length_and_etag():
    original = INDEX.read_bytes()
    status, headers, body = response(run(server.DutchPage(html_app(original, chunks=5))))
    assert status == 200
    assert body == server.dutch_page(original)
    assert int(headers[b"content-length"]) == len(body)
    assert headers[b"etag"].startswith(b'W/"nl-')


def test_a_gzipped_page_is_unpacked_and_rewritten():
    original = INDEX.read_bytes()
    packed = html_app(gzip.compress(original), chunks=3, extra=[(b"content-encoding", b"gzip")])
    status, headers, body = response(run(server.DutchPage(packed)))
    assert body == server.dutch_page(original)
    assert b"content-encoding" not in headers
    assert int(headers[b"content-length"]) == len(body)


def test_a_browser_gets_a_304_for_the_page_it_has_and_streamlit_never_answers_one():
    original = INDEX.read_bytes()
    _, headers, _ = response(run(server.DutchPage(html_app(original))))
    seen: list[dict] = []
    asked = [
        (b"accept", b"text/html,application/xhtml+xml"),
        (b"if-none-match", headers[b"etag"]),
        (b"if-modified-since", b"Tue, 01 Dec 2026 03:22:31 GMT"),
        (b"range", b"bytes=0-10"),
    ]
    status, again, body = response(run(server.DutchPage(html_app(original, seen=seen)), headers=asked))
    assert (status, body) == (304, b"")
    assert again[b"etag"] == headers[b"etag"]
    # Streamlit saw none of the headers that would let it send a part or its own 304 of the English file.
    assert [name for name, _ in seen[0]["headers"]] == [b"accept"]


def test_head_has_no_length_of_the_english_file():
    status, headers, body = response(run(server.DutchPage(html_app(INDEX.read_bytes())), method="HEAD"))
    assert status == 200 and body == b""
    assert b"content-length" not in headers


def test_everything_else_streams_through_unchanged():
    """A non-HTML response goes out part by part, as the app sends it; a page over MAX_PAGE is not held."""
    order: list[str] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        order.append("app sent start")
        await send({"type": "http.response.body", "body": b"een", "more_body": True})
        order.append("app sent part 1")
        await send({"type": "http.response.body", "body": b"twee", "more_body": False})

    sent: list[dict] = []

    async def send(message):
        order.append(f"client got {message['type']}")
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": []}
    wait(server.DutchPage(app)(scope, receive, send))
    assert order[:4] == [
        "client got http.response.start",
        "app sent start",
        "client got http.response.body",
        "app sent part 1",
    ]
    assert response(sent)[2] == b"eentwee"

    large = b"<html lang='en'><head></head>" + b"x" * (server.MAX_PAGE + 10)
    status, headers, body = response(run(server.DutchPage(html_app(large, chunks=4))))
    assert body == large and int(headers[b"content-length"]) == len(large)

    script = b"console.log('hallo')"
    status, headers, body = response(run(server.DutchPage(html_app(script, content_type=b"text/javascript"))))
    assert body == script


def test_websockets_and_posts_pass_untouched():
    calls: list[str] = []

    async def app(scope, receive, send):
        calls.append(scope["type"] + " " + scope.get("method", ""))

    run(server.DutchPage(app), scope_type="websocket")
    run(server.DutchPage(app), method="POST")
    assert calls == ["websocket GET", "http POST"]


def test_the_script_is_served_from_its_own_versioned_address():
    paths = [route.path for route in server.routes()]
    assert f"/{server.SCRIPT_ROUTE}" in paths
    assert [route.path for route in server.routes("/app/")] == [
        f"/app/{server.COOKIE_ROUTE}",
        f"/app/{server.SCRIPT_ROUTE}",
    ]
    assert f"?v={server.SCRIPT_VERSION}" in server.SCRIPT_TAG
    answer = wait(server.script(None))  # type: ignore[arg-type]
    assert answer.body == server.SCRIPT
    assert answer.media_type == "text/javascript"
    assert "immutable" in answer.headers["cache-control"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_the_script_loads_nothing_from_elsewhere_and_runs_no_strings():
    """CSP-friendly: no inline handlers, eval, remote addresses or injected markup."""
    script = server.SCRIPT.decode()
    for forbidden in (
        "eval(",
        "new Function",
        "innerHTML",
        "outerHTML",
        "document.write",
        "http://",
        "https://",
        "import(",
    ):
        assert forbidden not in script, forbidden
