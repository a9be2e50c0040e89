"""The web server around the Streamlit script (used by ``app.py`` through ``st.App``).

- ``COOKIE_ROUTE`` redeems a one-time ticket (see ``modules.people.logins``) and sets or deletes
  one of Samenspel's three cookies (``logins.COOKIES``): ``HttpOnly``, ``SameSite=Lax``, ``Path=/``, ``Secure``
  over HTTPS. It answers with a 1x1 image, because pages request it as an image.
- ``on_script_error`` shows a short Dutch message with a reference code for any error
  that reaches Streamlit (a page, a widget callback, a fragment); the detail with its
  traceback goes to the server log only (``client.showErrorDetails = "none"`` in
  ``.streamlit/config.toml`` keeps Streamlit's own error box empty as well).
- ``lifespan`` runs the start-up steps (``modules.deployment.startup``) before the first visitor, and
  every ten minutes closes idle team sessions and applies their retention.
- ``DutchPage`` (middleware) serves Streamlit's page as a Dutch one: ``<html lang="nl">``, a Dutch
  title and ``<noscript>``, and ``SCRIPT_ROUTE``, a same-origin script (``static/a11y.js``) that
  puts Streamlit's own English texts into Dutch and fixes what a screen reader or a phone needs.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import re
import sys
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modules.deployment import startup
from modules.people import logins
from modules.storage import open_store
from modules.team import sessions as team

COOKIE_ROUTE = "_samenspel/cookie"  # relative: pages load it as an image next to their own address
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def configure_logging() -> None:
    """Samenspel's messages (with reference codes) go to the server's standard error, with the time."""
    logger = logging.getLogger("samenspel")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s samenspel: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def from_own_page(request: Request) -> bool:
    """Whether the request is an image that one of the app's own pages loads (never a link or another site).

    Browsers say so in Fetch Metadata (``Sec-Fetch-Site``, ``Sec-Fetch-Dest``); a browser too old
    for those must send a Referer of this host. Without either, the ticket is refused.
    """
    site, dest = request.headers.get("sec-fetch-site"), request.headers.get("sec-fetch-dest")
    if site is not None or dest is not None:
        return site == "same-origin" and dest == "image"
    referer = request.headers.get("referer", "")
    return bool(referer) and urlsplit(referer).netloc == request.headers.get("host", "")


def _cookie_response(request: Request) -> Response:
    response = Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})
    if not from_own_page(request):
        return response
    try:
        found = logins.redeem(open_store(), request.query_params.get("t"))
    except Exception as exc:  # noqa: BLE001 - a broken request gets the image, the detail goes to the log
        startup.log_failure("setting a cookie", exc)
        return response
    if found is None:
        return response
    if found["value"]:
        response.set_cookie(
            found["cookie"],
            found["value"],
            max_age=found["max_age"],
            path="/",
            httponly=True,
            samesite="lax",
            secure=_is_https(request),
        )
    else:
        response.delete_cookie(found["cookie"], path="/", httponly=True, samesite="lax", secure=_is_https(request))
    return response


async def cookie(request: Request) -> Response:
    return await run_in_threadpool(_cookie_response, request)


def routes(base_url_path: str = "") -> list[Route]:
    base = base_url_path.strip("/")
    prefix = f"/{base}/" if base else "/"
    return [
        Route(prefix + COOKIE_ROUTE, cookie, methods=["GET"]),
        Route(prefix + SCRIPT_ROUTE, script, methods=["GET"]),
    ]


# --- the page in Dutch -----------------------------------------------------------------------------

SCRIPT_ROUTE = "_samenspel/a11y.js"  # relative, like Streamlit's own ./static/ files: it works under a base path
SCRIPT = (Path(__file__).parent / "static" / "a11y.js").read_bytes()
SCRIPT_VERSION = hashlib.sha256(SCRIPT).hexdigest()[:12]  # in the address: a new script is a new address
SCRIPT_TAG = f'<script src="./{SCRIPT_ROUTE}?v={SCRIPT_VERSION}" defer></script>'
NOSCRIPT = "<noscript><p>Samenspel werkt alleen met JavaScript. Zet JavaScript aan in je browser.</p></noscript>"
MAX_PAGE = 1 << 20  # bytes: Streamlit's page is about 9 KB; a larger HTML response passes unchanged


async def script(_request: Request) -> Response:
    return Response(
        SCRIPT,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"},
    )


def dutch_page(html: bytes) -> bytes:
    """Streamlit's page (``static/index.html``) with ``lang="nl"``, a Dutch title and ``<noscript>``, and the script.

    Any other HTML passes unchanged: only a page with an ``<html>`` tag and a ``</head>`` is Streamlit's.
    """
    text = html.decode("utf-8", errors="surrogateescape")
    tag = re.search(r"<html\b[^>]*>", text, flags=re.IGNORECASE)
    head_end = text.lower().find("</head>")
    if tag is None or head_end < 0 or SCRIPT_TAG in text:
        return html
    opening = re.sub(r"""\s+lang\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", "", tag.group(0), flags=re.IGNORECASE)
    opening = opening[: -len(">")].rstrip("/ ") + ' lang="nl">'
    text = text[:head_end] + f"    {SCRIPT_TAG}\n  " + text[head_end:]
    text = text[: tag.start()] + opening + text[tag.end() :]
    text = re.sub(r"<title>\s*Streamlit\s*</title>", "<title>Samenspel</title>", text, count=1)
    text = re.sub(r"<noscript>.*?</noscript>", NOSCRIPT, text, count=1, flags=re.DOTALL | re.IGNORECASE)
    return text.encode("utf-8", errors="surrogateescape")


# A browser asking for a page gets a whole, uncompressed, fresh one to rewrite: these request
# headers would let Streamlit answer with a part, gzip or "304 not modified" of its own file.
_PAGE_REQUEST_HEADERS_DROPPED = {b"if-none-match", b"if-modified-since", b"range", b"if-range"}


class DutchPage:
    """ASGI middleware: every HTML response of Streamlit's becomes ``dutch_page`` of it.

    Streaming-safe: only a ``text/html`` response with status 200 is held back (at most
    ``MAX_PAGE`` bytes, then it passes as it came); every other response, and every WebSocket
    message, passes through at once. Content-Length follows the new body; a gzipped page is
    unpacked (the page is small; Streamlit sends its root page unpacked too). The rewritten
    page has its own ETag, and a browser that sends it back gets a 304 from here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = list(scope["headers"])
        wants_page = any(name == b"accept" and b"text/html" in value for name, value in headers)
        etag_asked = next((value for name, value in headers if name == b"if-none-match"), None)
        if wants_page:
            scope = dict(scope, headers=[(n, v) for n, v in headers if n not in _PAGE_REQUEST_HEADERS_DROPPED])
        if "http.response.pathsend" in scope.get("extensions", {}):  # a file by path would skip the rewrite
            extensions = {k: v for k, v in scope["extensions"].items() if k != "http.response.pathsend"}
            scope = dict(scope, extensions=extensions)
        await self.app(scope, receive, _PageRewriter(send, head=scope["method"] == "HEAD", etag_asked=etag_asked))


class _PageRewriter:
    """The ``send`` of one response for ``DutchPage``."""

    def __init__(self, send: Send, *, head: bool, etag_asked: bytes | None) -> None:
        self.send = send
        self.head = head
        self.etag_asked = etag_asked
        self.start: Message | None = None  # held back: the response is a page being collected
        self.body: list[bytes] = []
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if _is_page(message):
                self.start = message
                return
        elif message["type"] == "http.response.body" and self.start is not None:
            chunk = message.get("body", b"")
            self.body.append(chunk)
            self.size += len(chunk)
            if self.size > MAX_PAGE:
                await self._flush(message.get("more_body", False))
            elif not message.get("more_body", False):
                await self._send_page()
            return
        await self.send(message)

    async def _flush(self, more_body: bool) -> None:
        """Too large to be Streamlit's page: send what was held back unchanged, then stream the rest."""
        start, self.start = self.start, None
        assert start is not None
        await self.send(start)
        await self.send({"type": "http.response.body", "body": b"".join(self.body), "more_body": more_body})
        self.body = []

    async def _send_page(self) -> None:
        start, self.start = self.start, None
        assert start is not None
        headers = [(name.lower(), value) for name, value in start["headers"]]
        encoding = next((value for name, value in headers if name == b"content-encoding"), b"").strip().lower()
        body = b"".join(self.body)
        if self.head:
            # Headers only: the length of the rewritten page is not known without the page.
            await self.send({**start, "headers": [(n, v) for n, v in headers if n not in _CHANGED_HEADERS]})
            await self.send({"type": "http.response.body", "body": b""})
            return
        try:
            body = dutch_page(gzip.decompress(body) if encoding == b"gzip" else body)
        except (OSError, EOFError):  # not gzip after all: the response goes out as it came
            await self.send(start)
            await self.send({"type": "http.response.body", "body": body})
            return
        etag = b'W/"nl-' + hashlib.sha256(body).hexdigest()[:20].encode() + b'"'
        kept = [(n, v) for n, v in headers if n not in _CHANGED_HEADERS]
        if self.etag_asked is not None and etag in [tag.strip() for tag in self.etag_asked.split(b",")]:
            await self.send(
                {"type": "http.response.start", "status": 304, "headers": [*_not_modified(kept), (b"etag", etag)]}
            )
            await self.send({"type": "http.response.body", "body": b""})
            return
        kept += [(b"content-length", str(len(body)).encode()), (b"etag", etag)]
        await self.send({**start, "headers": kept})
        await self.send({"type": "http.response.body", "body": body})


_CHANGED_HEADERS = {b"content-length", b"content-encoding", b"etag", b"last-modified", b"accept-ranges"}


def _not_modified(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(n, v) for n, v in headers if n in (b"cache-control", b"date", b"expires", b"vary", b"content-location")]


def _is_page(start: Message) -> bool:
    if start.get("status") != 200 or start.get("trailers"):
        return False
    headers = {name.lower(): value for name, value in start.get("headers", [])}
    encoding = headers.get(b"content-encoding", b"").strip().lower()
    return headers.get(b"content-type", b"").lower().startswith(b"text/html") and encoding in (b"", b"gzip")


def on_script_error(exc: Exception) -> bool:
    """Any error that reaches Streamlit: a Dutch message with a reference code; True hides Streamlit's own box."""
    from modules.ui import errors

    errors.show(exc)
    return True


SWEEP_EVERY = 600  # seconds between closing idle team sessions and applying the retention


async def _sweep_forever() -> None:
    while True:
        await asyncio.sleep(SWEEP_EVERY)
        try:
            await run_in_threadpool(lambda: team.sweep(open_store()))
        except Exception as exc:  # noqa: BLE001 - logged with a reference; the next round tries again
            startup.log_failure("closing idle team sessions", exc)


@asynccontextmanager
async def lifespan(_app):
    configure_logging()
    await run_in_threadpool(startup.prepare)
    sweeper = asyncio.create_task(_sweep_forever())
    yield
    sweeper.cancel()
    with suppress(asyncio.CancelledError):
        await sweeper
