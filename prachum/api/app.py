"""The FastAPI application: the JSON API under /api, the Thai web UI at /, and every asset
(the UI's CSS/JS, the Sarabun fonts, Swagger UI) served from this process so the whole
thing works without the internet. CORS stays off: the UI is same-origin.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import prachum
from prachum.api import labels
from prachum.api.common import MB, BodyLimit, install_error_handlers, security_headers
from prachum.errors import PrachumError
from prachum.services import Services

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

DESCRIPTION = """\
JSON API of **prachum** (ประชุม): ingest Thai meeting minutes, read their extraction, search them,
tag SDGs and track recommendations to closure.

Lists come as `{"data": [...], "count": N}`; errors as `{"error": code, "detail": message}` with a
4xx status. Changes (upload, status updates, links, deletes) need `Authorization: Bearer <token>`
matching the server's `PRACHUM_API_TOKEN`; without a configured token the server is read-only.
"""


@lru_cache(maxsize=1)
def sarabun_dir() -> Path:
    """The folder of Sarabun TTFs shipped by fontpkg-sarabun."""
    import fontpkg_sarabun

    folder = Path(fontpkg_sarabun.__file__).resolve().parent / "files"
    if not (folder / "Sarabun-Regular.ttf").exists():
        raise PrachumError(f"Sarabun fonts not found in {folder}; reinstall fontpkg-sarabun")
    return folder


@lru_cache(maxsize=1)
def swagger_dir() -> Path:
    """Swagger UI's dist files, shipped by the swagger-ui-bundle-v2 package."""
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


def create_app(services: Services | None = None) -> FastAPI:
    """Build the app around one Services object (made from the environment when None)."""
    services = services or Services()
    app = FastAPI(
        lifespan=_warm_up,
        title="prachum API",
        version=prachum.__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,  # FastAPI's default pulls Swagger UI from a CDN; served locally below
        redoc_url=None,
    )
    app.state.services = services
    app.state.has_briefing = False
    # One ingest at a time: readers, the extractor and the index writer are CPU-bound and
    # the index takes a file lock anyway; queueing keeps memory predictable.
    app.state.ingest_lock = threading.Lock()
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    labels.install(templates.env)
    templates.env.globals["version"] = prachum.__version__
    app.state.templates = templates

    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_upload_bytes=services.settings.max_upload_mb * MB)

    @app.middleware("http")
    async def add_security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        security_headers(response, request.url.path)
        return response

    from prachum.api import routes_docs, routes_jobs, routes_recs, routes_search, routes_web

    for module in (routes_docs, routes_jobs, routes_search, routes_recs):
        app.include_router(module.router, prefix="/api")
    _include_briefing(app)
    app.include_router(routes_web.router)

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.mount("/fonts", StaticFiles(directory=str(sarabun_dir())), name="fonts")
    app.mount("/api/docs/assets", StaticFiles(directory=str(swagger_dir())), name="swagger")

    @app.get("/api/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="prachum API — เอกสาร API",
            swagger_js_url="/api/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/api/docs/assets/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    return app


@asynccontextmanager
async def _warm_up(app: FastAPI) -> AsyncIterator[None]:
    """Open the store, index, register and tagger before the first request: the first search
    is then as fast as the others, and concurrent first requests never race to build them."""
    services: Services = app.state.services

    def build() -> None:
        for name in ("store", "register", "index", "tagger"):
            getattr(services, name)
        try:
            services.index.warm_up()  # each worker loads its view and vector client before serving
        except PrachumError as exc:  # e.g. built by another embedder: searches say so, one by one
            log.warning("search index not loaded at start: %s", exc)

    await run_in_threadpool(build)
    stop = threading.Event()
    worker = _start_inline_worker(app, stop) if services.settings.inline_worker else None
    try:
        yield
    finally:
        stop.set()
        if worker is not None:
            await run_in_threadpool(worker.join)


def _start_inline_worker(app: FastAPI, stop: threading.Event) -> threading.Thread:
    """Run queued ingest jobs in this process (PRACHUM_INLINE_WORKER, on by default), so one
    `prachum serve` ingests uploads with no other process; it shares the ingest lock with
    the synchronous upload route. Dedicated `prachum worker` processes may run beside it."""
    from prachum.jobs import Worker

    worker = Worker(app.state.services, lock=app.state.ingest_lock)
    thread = threading.Thread(
        target=worker.run, kwargs={"forever": True, "poll": 0.5, "stop": stop}, name="prachum-inline-worker", daemon=True
    )
    thread.start()
    return thread


def _include_briefing(app: FastAPI) -> None:
    """The briefing route exists once prachum.briefing.build_brief does (issue 8)."""
    try:
        from prachum.briefing import build_brief  # noqa: F401
    except ImportError:
        return
    from prachum.api import routes_brief

    app.include_router(routes_brief.router, prefix="/api")
    app.state.has_briefing = True
