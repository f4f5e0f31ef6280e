"""`prachum search` and `prachum reindex` (see shared/spec/cli.md)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from prachum.cli_common import DataDir, handle_errors, print_json, services, stderr, stdout
from prachum.errors import InvalidInput


class SearchFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def _read_batch(path: Path) -> list[str]:
    try:
        raw = path.read_bytes() if str(path) != "-" else sys.stdin.buffer.read()
    except OSError as exc:
        raise InvalidInput(f"--batch {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"--batch {path}: not UTF-8 text") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _print_table(payload: dict) -> None:
    table = Table(title=f"ค้นหา: {escape(payload['query'])}", show_lines=True)
    for column in ("#", "เอกสาร", "ช่วง", "ประเภท", "วันที่ประชุม", "ข้อความ", "คะแนน"):
        table.add_column(column)
    for rank, hit in enumerate(payload["hits"], 1):
        text = hit["snippet_html"].replace("<mark>", "[bold yellow]").replace("</mark>", "[/bold yellow]")
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'")
        text = text.replace("&amp;", "&")
        table.add_row(
            str(rank),
            escape(hit["doc"]),
            f"{hit['span'][0]}–{hit['span'][1]}",
            hit["kind"] or "ข้อความ",
            hit["meeting_date"] or "-",
            text,
            f"{hit['score']:.4f}",
        )
    if not payload["hits"]:
        stdout.print(f"ไม่พบผลลัพธ์สำหรับ: {escape(payload['query'])}")
    else:
        stdout.print(table)


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def search(
        query: Annotated[str | None, typer.Argument(help="ข้อความที่ต้องการค้นหา (Thai or English).")] = None,
        batch: Annotated[Path | None, typer.Option("--batch", help="A file with one query per line.")] = None,
        limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Hits per query.")] = 10,
        kind: Annotated[
            str | None, typer.Option(help="action | recommendation | resolution | passage")
        ] = None,
        sdg: Annotated[int | None, typer.Option(help="SDG goal number (1–17).")] = None,
        agency: Annotated[
            str | None, typer.Option(help="Agency: Thai name, abbreviation or English name.")
        ] = None,
        body: Annotated[str | None, typer.Option(help="Part of the meeting body's name.")] = None,
        since: Annotated[str | None, typer.Option(help="Meetings on or after this date.")] = None,
        until: Annotated[str | None, typer.Option(help="Meetings on or before this date.")] = None,
        status: Annotated[str | None, typer.Option(help="Item status (done, in_progress, …).")] = None,
        format: Annotated[SearchFormat, typer.Option("--format", "-f")] = SearchFormat.table,
        data_dir: DataDir = None,
    ) -> None:
        """Hybrid search (BM25 + embeddings) over stored items and passages, in Thai or English."""
        from prachum.search.service import make_filters, register_status_lookup, search_payloads

        if (query is None) == (batch is None):
            raise InvalidInput("give either a QUERY or --batch FILE")
        queries = _read_batch(batch) if batch is not None else [query or ""]
        if query is not None and not query.strip():
            raise InvalidInput("empty search query")
        svc = services(data_dir)
        status_of = register_status_lookup(svc) if status else None
        filters = make_filters(
            kind=kind,
            sdg=sdg,
            agency=agency,
            body=body,
            since=since,
            until=until,
            status=status,
            status_of=status_of,
        )
        payloads = search_payloads(svc, queries, limit=limit, filters=filters)
        if format is SearchFormat.jsonl or (batch is not None and format is SearchFormat.json):
            for payload in payloads:
                sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif format is SearchFormat.json:
            print_json(payloads[0])
        else:
            for payload in payloads:
                _print_table(payload)

    @app.command()
    @handle_errors
    def reindex(data_dir: DataDir = None) -> None:
        """Rebuild the search index from the stored documents (after changing the embedder)."""
        from prachum.search.service import reindex as rebuild

        svc = services(data_dir)

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                stderr.print(f"\r{done}/{total}", end="")

        count = rebuild(svc, progress)
        stdout.print(f"จัดทำดัชนีใหม่แล้ว {count} เอกสาร ({svc.embedder.name})")
