"""`prachum` command line: parse, call the library, format. Nothing here is imported by the library."""
from __future__ import annotations

import importlib
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prachum.cli_common import DataDir, handle_errors, print_json, services, stderr, stdout

app = typer.Typer(
    name="prachum",
    help="prachum (ประชุม): อ่านรายงานการประชุมภาษาไทย สกัดมติ ข้อเสนอแนะ และการมอบหมายงาน ติดแท็ก SDGs "
    "ค้นหา ติดตามผล และจัดทำบันทึกสรุป — read Thai meeting minutes, extract, tag, search, track, brief.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each area adds its commands with `register(app)`; listed here once.
COMMAND_MODULES: list[str] = [
    "prachum.cli_admin",
    "prachum.cli_recs",
    "prachum.cli_search",
    "prachum.cli_serve",
    "prachum.cli_brief",
    "prachum.cli_sdg",
    "prachum.cli_jobs",
]


class DocsFormat(StrEnum):
    table = "table"
    json = "json"


class ExtractFormat(StrEnum):
    json = "json"
    text = "text"


@app.callback()
def _root(
    data_dir: DataDir = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    if data_dir:
        os.environ["PRACHUM_DATA_DIR"] = str(data_dir)
    if debug:
        os.environ["PRACHUM_DEBUG"] = "1"


@app.command()
@handle_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .html .docx .pdf .png .jpg .tif).")],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Walk sub-folders too.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Read, extract, tag, index and store files. Unchanged files are skipped; changed ones replaced.

    Prints one line per file: ok | replaced | unchanged | failed. Exit 1 if any file failed
    (the others are stored)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from prachum.pipeline import collect_paths

    svc = services(data_dir)
    files = collect_paths(paths, recursive)
    if not files:
        stderr.print("error: no supported files found in the given paths", highlight=False)
        raise typer.Exit(1)
    failed = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=stderr,
                  disable=not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task("กำลังนำเข้า (ingesting)", total=len(files))

        def report(result):  # type: ignore[no-untyped-def]
            nonlocal failed
            failed += result.failed
            line = f"{result.status:<9} {result.path}  {result.message}"
            if result.failed:
                progress.console.print(line, highlight=False, markup=False)
            else:
                print(line, flush=True)
            progress.advance(task)

        def steps(path: Path):  # type: ignore[no-untyped-def]
            # the bar's label follows the file's step, and its pages while a scan is OCR'd
            def show(step: str, pages: int | None) -> None:
                where = f" · {pages} หน้า (pages)" if pages else ""
                progress.update(task, description=f"{path.name}: {step}{where}")

            return show

        svc.pipeline.ingest_paths(files, on_result=report, progress=steps)
    if failed:
        raise typer.Exit(1)


@app.command()
@handle_errors
def extract(
    file: Annotated[Path, typer.Argument(help="One minutes file.")],
    format: Annotated[ExtractFormat, typer.Option("--format", "-f", help="json (the extraction contract) or text.")] = ExtractFormat.json,
    data_dir: DataDir = None,
) -> None:
    """Extract meeting facts, items, agencies and SDGs from FILE; nothing is stored."""
    minutes = services(data_dir).extract_file(file)
    if format is ExtractFormat.json:
        print_json(minutes.to_contract())
        return
    m = minutes.meeting
    for label, value in (("เรื่อง", m.title), ("คณะ", m.body), ("วันที่", m.date),
                         ("เวลา", "-".join(t for t in (m.start_time, m.end_time) if t) or None),
                         ("ประธาน", m.chair), ("สถานที่", m.location)):
        if value:
            stdout.print(f"{label}: {value}", highlight=False)
    for item in minutes.items:
        extra = "; ".join(
            part for part in (
                f"by {', '.join(item.by)}" if item.by else "",
                f"to {', '.join(item.to)}" if item.to else "",
                f"due {item.due}" if item.due else "",
                item.status or "",
                "SDG " + ",".join(str(t.goal) for t in item.sdg) if item.sdg else "",
            ) if part
        )
        stdout.print(f"[bold]{item.kind}[/bold] {item.span[0]}-{item.span[1]}  {item.text}" + (f"  ({extra})" if extra else ""),
                     highlight=False)
    if minutes.sdg:
        stdout.print("SDGs: " + ", ".join(f"{t.goal} ({', '.join(t.evidence[:3])})" for t in minutes.sdg), highlight=False)


@app.command()
@handle_errors
def text(
    file: Annotated[Path, typer.Argument(help="One file.")],
    data_dir: DataDir = None,
) -> None:
    """Print the document's text as prachum reads it (decoded; PDF repaired or OCR'd)."""
    sys.stdout.write(services(data_dir).read_text(file))
    sys.stdout.flush()


@app.command()
@handle_errors
def docs(
    format: Annotated[DocsFormat, typer.Option("--format", "-f")] = DocsFormat.table,
    data_dir: DataDir = None,
) -> None:
    """List stored documents with their meeting dates and bodies."""
    rows = services(data_dir).documents()
    if format is DocsFormat.json:
        print_json({"data": rows, "count": len(rows)})
        return
    table = Table("id", "file", "meeting_date", "body", "items", "SDG", show_lines=False)
    for row in rows:
        table.add_row(row["id"], row["file"], row["meeting_date"] or "-", (row["body"] or "-")[:60],
                      str(row["items"]), ",".join(map(str, row["sdg"])) or "-")
    stdout.print(table)
    stdout.print(f"{len(rows)} documents", highlight=False)


@app.command()
@handle_errors
def delete(
    doc_id: Annotated[str, typer.Argument(help="Document id (see `prachum docs`).")],
    data_dir: DataDir = None,
) -> None:
    """Delete a stored document, its items and its index entries (register records are kept, marked orphaned)."""
    services(data_dir).pipeline.delete(doc_id)
    stdout.print(f"deleted {doc_id}", highlight=False)


def _register_command_modules() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_command_modules()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
