"""The web server around the Streamlit script (used by ``app.py`` through ``st.App``).

- ``COOKIE_ROUTE`` redeems a one-time ticket (see ``modules.people.logins``) and sets or deletes
  one of Samenspel's two cookies: ``HttpOnly``, ``SameSite=Lax``, ``Path=/``, ``Secure``
  over HTTPS. It answers with a 1x1 image, because pages request it as an image.
- ``on_script_error`` shows a short Dutch message with a reference code for any error
  that reaches Streamlit (a page, a widget callback, a fragment); the detail with its
  traceback goes to the server log only (``client.showErrorDetails = "none"`` in
  ``.streamlit/config.toml`` keeps Streamlit's own error box empty as well).
- ``lifespan`` runs the start-up steps (``modules.deployment.startup``) before the first visitor, and
  every ten minutes closes idle team sessions and applies their retention.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import asynccontextmanager, suppress
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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
    path = f"/{base}/{COOKIE_ROUTE}" if base else f"/{COOKIE_ROUTE}"
    return [Route(path, cookie, methods=["GET"])]


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
