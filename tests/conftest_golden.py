"""``--update-golden``: rewrite golden files instead of comparing with them.

A plugin rather than an edit of the shared ``conftest.py``; test modules that use golden
files load it with ``pytest_plugins = ["conftest_golden"]`` (the tests folder is on the path).
Setting ``PRACHUM_UPDATE_GOLDEN=1`` does the same where the option cannot be passed.
"""

from __future__ import annotations

import contextlib
import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    with contextlib.suppress(ValueError):  # another plugin already registered it
        parser.addoption(
            "--update-golden",
            action="store_true",
            default=False,
            help="rewrite golden output files from the current code instead of comparing",
        )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    try:
        flag = bool(request.config.getoption("--update-golden"))
    except ValueError:
        flag = False
    return flag or os.environ.get("PRACHUM_UPDATE_GOLDEN") == "1"
