"""`prachum serve` as a user runs it: a real process on a free loopback port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_web_browser import free_port
from typer.testing import CliRunner


def test_serve_help_lists_host_and_port() -> None:
    from prachum.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output


@pytest.mark.slow
def test_serve_prints_the_url_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PRACHUM_EMBEDDER": "hashing", "PRACHUM_API_TOKEN": ""}
    command = [sys.executable, "-m", "prachum.cli", "--data-dir", str(tmp_path), "serve", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        health = None
        deadline = time.monotonic() + 60
        while health is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
                    health = json.load(response)
            except OSError:
                time.sleep(0.2)
        assert health is not None, proc.stderr.read() if proc.poll() is not None else "no answer"
        assert health["status"] == "ok" and health["read_only"] is True
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out and "read-only" in out
