"""What every route shares: the process's Services, the write-token check, the one place
where errors become responses (JSON under /api, a Thai page elsewhere), and the request
body limit.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import unicodedata
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from prachum.errors import PrachumError, ReadOnly, Unauthorized
from prachum.services import Services

log = logging.getLogger("prachum.api")

MB = 1024 * 1024
MAX_FILES_PER_UPLOAD = 20
MAX_JSON_BODY = 1 * MB

_bearer = HTTPBearer(auto_error=False, description="The server's PRACHUM_API_TOKEN")


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def require_writer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """Allow a write only with the configured bearer token; returns the actor for history.

    The token is compared in constant time so response timing does not leak its prefix.
    Without a configured token the server is read-only (403), so a forgotten setting never
    leaves an open, writable server."""
    token = get_services(request).settings.api_token
    if not token:
        raise ReadOnly("this server is read-only: set PRACHUM_API_TOKEN to allow changes")
    given = credentials.credentials if credentials and credentials.scheme.lower() == "bearer" else ""
    if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise Unauthorized("missing or wrong token: send 'Authorization: Bearer <PRACHUM_API_TOKEN>'")
    # Header values are Latin-1 on the wire, so a Thai name arrives percent-encoded (UTF-8).
    name = actor_name(request.headers.get("x-prachum-user", ""))
    return f"api:{name}" if name else "api"


def actor_name(header: str) -> str:
    """A printable, short display name: letters (with Thai vowel and tone marks), digits,
    space and . @ - _ only, so history entries cannot carry markup or control characters."""
    text = unquote(header)
    kept = "".join(c for c in text if unicodedata.category(c)[0] in "LMN" or c in " .@-_")
    return " ".join(kept.split())[:60]


Writer = Annotated[str, Depends(require_writer)]


# -- errors -----------------------------------------------------------------------------------
class ErrorBody(BaseModel):
    """Every error response: a stable code and a one-line message naming the bad value."""

    error: str = Field(description="Stable code, e.g. not_found, invalid_input, unauthorized, too_large")
    detail: str = Field(description="What was wrong, in one line")


# Declared on every API router so the schema promises the shape the handlers below return
# (it also replaces FastAPI's default 422 body, which this API never sends).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "Bad request, unknown id, missing token, conflict, too large"},
    "5XX": {"model": ErrorBody, "description": "Internal error (no details leak)"},
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", "")


def error_response(
    request: Request, status: int, code: str, detail: str, extra_headers: dict[str, str] | None = None
) -> Response:
    headers = dict(extra_headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if _wants_json(request):
        return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "code": code, "detail": detail},
        status_code=status,
        headers=headers,
    )


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        got = err.get("input")
        shown = f" (got {got!r})" if isinstance(got, str | int | float) and len(str(got)) <= 80 else ""
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}{shown}")
    return "; ".join(parts) or "invalid request"


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_format",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PrachumError)
    async def prachum_error(request: Request, exc: PrachumError) -> Response:
        return error_response(request, exc.http_status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "invalid_input", _validation_detail(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such address: {request.url.path}"
        # Keep the exception's own headers (e.g. Allow on a 405, as RFC 9110 requires).
        return error_response(request, exc.status_code, code, detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        # Logged for the operator; the client gets one line and never a traceback.
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal_error", f"internal error ({type(exc).__name__})")


# -- request body limit -------------------------------------------------------------------------
class BodyLimit:
    """Refuse request bodies over a limit before they are parsed or spooled to disk.

    Uploads may carry up to MAX_FILES_PER_UPLOAD files of max_upload_mb each; every other
    request is small JSON. Both Content-Length and the streamed byte count are checked, so
    a chunked request cannot slip past the header check."""

    def __init__(self, app: Any, max_upload_bytes: int) -> None:
        self.app = app
        self.upload_limit = max_upload_bytes * MAX_FILES_PER_UPLOAD + MB
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"].rstrip("/") == "/api/documents" else MAX_JSON_BODY
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        seen = 0
        refused = False
        answered = False

        async def counted_receive() -> dict:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: dict) -> None:
            # Whatever the app made of the cut-off body (a parse error), the client hears 413.
            nonlocal answered
            if refused:
                if not answered:
                    answered = True
                    await self._refuse(send, limit)
                return
            await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, counted_receive, guarded_send)
        if refused and not answered:
            await self._refuse(send, limit)

    async def _refuse(self, send: Any, limit: int) -> None:
        detail = (
            f"request body is over the limit of {limit // MB} MB "
            f"(each file at most {self.max_upload_bytes // MB} MB, at most {MAX_FILES_PER_UPLOAD} files)"
        )
        response = JSONResponse({"error": "too_large", "detail": detail}, status_code=413)
        await response({"type": "http"}, _no_receive, send)


class _BodyTooLarge(Exception):
    pass


async def _no_receive() -> dict:
    return {"type": "http.disconnect"}


def security_headers(response: Response, path: str) -> None:
    """No third-party origin is ever needed: the policy makes the browser prove it."""
    script = "script-src 'self' 'unsafe-inline'" if path.startswith("/api/docs") else "script-src 'self'"
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
