"""The JSON API (/api) and the Thai web UI (/): `create_app(services)` builds both."""

from __future__ import annotations

from prachum.api.app import create_app

__all__ = ["create_app"]
