"""What every CLI command shares: settings from --data-dir / PRACHUM_DATA_DIR, one-line
errors with a non-zero exit (tracebacks only with --debug), JSON/table output helpers."""
from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from prachum.errors import PrachumError

F = TypeVar("F", bound=Callable[..., Any])

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Where prachum keeps its store and index (default: $PRACHUM_DATA_DIR or the user data dir).",
                 envvar="PRACHUM_DATA_DIR", show_envvar=True),
]


def services(data_dir: Path | None = None):  # type: ignore[no-untyped-def]
    """The process's Services for the chosen data dir."""
    from prachum.config import Settings
    from prachum.services import Services

    return Services(Settings.from_env(data_dir))


def fail(message: str, code: int = 2) -> typer.Exit:
    stderr.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn a PrachumError (or any crash) into one line on stderr and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except PrachumError as exc:
            if os.environ.get("PRACHUM_DEBUG"):
                raise
            raise fail(str(exc)) from None
        except Exception as exc:
            if os.environ.get("PRACHUM_DEBUG"):
                raise
            raise fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", 3) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any, *, compact: bool = False) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=None if compact else 2, default=str)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
