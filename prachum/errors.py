"""One exception family for everything a user can get wrong.

Each class carries the HTTP status the API maps it to (in one place: prachum.api), and the
CLI prints ``str(error)`` as one line and exits non-zero. Messages name the bad value and,
where there is a closed set, the choices.
"""
from __future__ import annotations


class PrachumError(Exception):
    """Base class: a clear, one-line, user-facing problem."""

    http_status = 400
    code = "bad_request"


class InvalidInput(PrachumError):
    http_status = 422
    code = "invalid_input"


class UnsupportedFormat(PrachumError):
    http_status = 415
    code = "unsupported_format"


class ReadError(PrachumError):
    """A file could not be read (corrupt, encrypted, empty, too large, ...)."""

    http_status = 422
    code = "unreadable_file"


class TooLarge(ReadError):
    http_status = 413
    code = "too_large"


class NotFound(PrachumError):
    http_status = 404
    code = "not_found"


class Conflict(PrachumError):
    """A concurrent change won (optimistic version check) or the state forbids the change."""

    http_status = 409
    code = "conflict"


class IndexMismatch(PrachumError):
    """The search index was built by another embedder; run `prachum reindex`."""

    http_status = 409
    code = "index_mismatch"


class Unauthorized(PrachumError):
    http_status = 401
    code = "unauthorized"


class ReadOnly(PrachumError):
    """Writes are disabled because no API token is configured."""

    http_status = 403
    code = "read_only"


def choices(value: object, allowed: object) -> str:
    """Format 'X' is not one of: a, b, c — for error messages."""
    options = ", ".join(str(a) for a in allowed)  # type: ignore[attr-defined]
    return f"{value!r} is not one of: {options}"
