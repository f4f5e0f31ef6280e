"""`prachum sdg`: the SDG goals and targets a text touches, with evidence (see shared/spec/cli.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from prachum.cli_common import DataDir, handle_errors, print_json, services
from prachum.errors import InvalidInput

BATCH_CHUNK = 256  # texts embedded per call: large enough to batch, small enough to stream output


class SdgFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"


def read_batch(path: Path) -> Iterator[str]:
    """The ``text`` of each ``{"text": …}`` line of a JSONL file (``-`` = stdin); blank lines skipped."""
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"--batch {path}: {exc.strerror or exc}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"--batch {path}: not UTF-8 text") from None
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InvalidInput(f'--batch {path} line {number}: not JSON (expected {{"text": "…"}})') from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InvalidInput(f'--batch {path} line {number}: needs a "text" string, got {line[:60]!r}')
        yield record["text"]


def _chunks(texts: Iterator[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def sdg(
        text: Annotated[
            str | None, typer.Argument(help="ข้อความภาษาไทยหรืออังกฤษ (Thai or English text); - reads stdin.")
        ] = None,
        batch: Annotated[
            Path | None, typer.Option("--batch", help='A JSONL file of {"text": …} lines (- = stdin).')
        ] = None,
        format: Annotated[
            SdgFormat | None,
            typer.Option("--format", "-f", help="json (default for TEXT) or jsonl (default for --batch)."),
        ] = None,
        lexicon_only: Annotated[
            bool,
            typer.Option(
                "--lexicon-only", help="Explicit references and the lexicon only (no embedding model)."
            ),
        ] = False,
        data_dir: DataDir = None,
    ) -> None:
        """SDG goals (with evidence and best targets) for a text or a batch of texts."""
        if (text is None) == (batch is None):
            raise InvalidInput("give either TEXT or --batch FILE.jsonl")
        svc = services(data_dir)
        if lexicon_only:
            from prachum.nlp.sdg import SdgTagger

            tagger = SdgTagger(None)
        else:
            tagger = svc.tagger
        if text is not None:
            if text == "-":
                text = sys.stdin.read()
            if not text.strip():
                raise InvalidInput("TEXT is empty")
            payload = {"goals": [tag.to_dict() for tag in tagger.tag(text)]}
            print_json(payload, compact=format is SdgFormat.jsonl)
            return
        assert batch is not None
        for chunk in _chunks(read_batch(batch), BATCH_CHUNK):
            for tags in tagger.tag_many(chunk):
                print_json({"goals": [tag.to_dict() for tag in tags]}, compact=format is not SdgFormat.json)
