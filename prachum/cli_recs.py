"""`prachum recs …`: the recommendation/assignment register (see shared/spec/cli.md).

Thin shell over `prachum.tracking.register.Register`: parse, call, format. Changes are
recorded under the actor ``cli:<user>`` (or ``$PRACHUM_ACTOR``) so the history says who.
"""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from prachum.cli_common import DataDir, handle_errors, print_json, services, stdout
from prachum.errors import InvalidInput

recs_app = typer.Typer(
    name="recs",
    help="ทะเบียนติดตามข้อเสนอแนะและงานที่มอบหมาย — the recommendation/assignment register.",
    no_args_is_help=True,
)


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


class GroupBy(StrEnum):
    agency = "agency"
    body = "body"
    sdg = "sdg"
    status = "status"


def _actor() -> str:
    explicit = os.environ.get("PRACHUM_ACTOR")
    if explicit:
        return explicit
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        return "cli"


def _status_label(status: str) -> str:
    from prachum.tracking.statuses import LABELS_TH

    return f"{LABELS_TH.get(status, status)}"


def _print_list(rows: list[dict[str, Any]]) -> None:
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True, min_width=12)
    table.add_column("สถานะ", min_width=12)
    table.add_column("กำหนด", no_wrap=True, min_width=10)
    for header in ("หน่วยงาน", "เอกสาร", "ข้อความ", "ติดตาม"):
        table.add_column(header)
    for r in rows:
        due = r["due"] or "-"
        if r["overdue"]:
            due = f"[red]{due} เกินกำหนด[/red]"
        flag = "[bold]![/bold] " if r["priority"] else ""
        table.add_row(
            r["id"],
            _status_label(r["status"]),
            due,
            escape(", ".join(r["to"]) or "-"),
            escape(r["doc"] or "-"),
            flag + escape(r["text"][:80]),
            str(sum(f["state"] != "rejected" for f in r["followups"])),
        )
    stdout.print(table)
    stdout.print(f"{len(rows)} รายการ", highlight=False)


def _print_record(r: dict[str, Any]) -> None:
    lines = [
        ("รหัส", r["id"]),
        ("ประเภท", r["kind"]),
        ("ข้อความ", r["text"]),
        (
            "เอกสาร",
            f"{r['doc'] or '-'} {r['span'] or ''}" + (" (เอกสารต้นทางไม่อยู่แล้ว)" if r["orphaned"] else ""),
        ),
        ("คณะ/วันที่", f"{r['body'] or '-'} / {r['meeting_date'] or '-'}"),
        ("ผู้เสนอ", ", ".join(r["by"]) or "-"),
        ("หน่วยงานรับผิดชอบ", ", ".join(r["to"]) or "-"),
        ("กำหนดเสร็จ", (r["due"] or "-") + (" — เกินกำหนด" if r["overdue"] else "")),
        ("สถานะ", f"{_status_label(r['status'])} ({r['status']})" + (" — เร่งด่วน" if r["priority"] else "")),
        ("SDGs", ", ".join(map(str, r["sdg"])) or "-"),
        ("ฉบับที่", str(r["version"])),
    ]
    for label, value in lines:
        stdout.print(f"[bold]{label}:[/bold] {escape(str(value))}", highlight=False)
    if r["notes"]:
        stdout.print(f"[bold]หมายเหตุ:[/bold] {escape(r['notes'])}", highlight=False)
    if r["followups"]:
        stdout.print("[bold]หลักฐานติดตามผล:[/bold]")
        for f in r["followups"]:
            stdout.print(
                f"  {escape('[' + f['state'] + ']')} {escape(f['doc'] or '-')} {f['item_id']}: {escape(f['text'] or '')} "
                f"→ {f['proposed_status'] or '-'} ({f['confidence']:.2f})",
                highlight=False,
            )
    stdout.print("[bold]ประวัติ:[/bold]")
    for h in r["history"]:
        change = f"{h['from'] or ''} → {h['to'] or ''}" if (h["from"] or h["to"]) else ""
        note = f" ({h['note']})" if h["note"] else ""
        stdout.print(
            f"  {h['at']} {escape(h['actor'])} {h['field']} {escape(change)}{escape(note)}", highlight=False
        )


def _write_export(rows: list[dict[str, Any]], fmt: ListFormat, output: Path | None) -> None:
    from prachum.tracking.export import to_csv, to_xlsx

    if fmt is ListFormat.xlsx:
        if output is None:
            raise InvalidInput("--format xlsx needs an output file: -o FILE.xlsx")
        count = to_xlsx(rows, output)
    elif output is not None:
        count = to_csv(rows, output)
    else:  # CSV to stdout, for pipes
        with tempfile.TemporaryDirectory(prefix="prachum-recs-") as folder:
            path = Path(folder) / "recs.csv"
            to_csv(rows, path)
            sys.stdout.write(path.read_text(encoding="utf-8-sig"))
            sys.stdout.flush()
        return
    stdout.print(f"{count} รายการ → {output}", highlight=False)


@recs_app.command("list")
@handle_errors
def list_(
    status: Annotated[
        str | None, typer.Option(help="open, in_progress, implemented, … (comma-separated).")
    ] = None,
    agency: Annotated[str | None, typer.Option(help="Agency (part of a name or abbreviation).")] = None,
    body: Annotated[str | None, typer.Option(help="Part of the meeting body's name.")] = None,
    sdg: Annotated[int | None, typer.Option(min=1, max=17, help="SDG goal number.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only records past their due date and not closed.")
    ] = False,
    kind: Annotated[str | None, typer.Option(help="action | recommendation | resolution")] = None,
    sort: Annotated[str, typer.Option(help="overdue | due | date | status | priority")] = "overdue",
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File for csv/xlsx/json.")] = None,
    data_dir: DataDir = None,
) -> None:
    """The register, overdue first; filter by status, agency, body, SDG, kind."""
    rows = services(data_dir).register.list(
        status=status,
        agency=agency,
        body=body,
        sdg=sdg,
        overdue=True if overdue else None,
        kind=kind,
        sort=sort,
    )
    if format in (ListFormat.csv, ListFormat.xlsx):
        _write_export(rows, format, output)
    elif format is ListFormat.json:
        if output is not None:
            import json

            output.write_text(
                json.dumps({"data": rows, "count": len(rows)}, ensure_ascii=False, indent=2), "utf-8"
            )
            stdout.print(f"{len(rows)} รายการ → {output}", highlight=False)
        else:
            print_json({"data": rows, "count": len(rows)})
    else:
        _print_list(rows)


@recs_app.command()
@handle_errors
def summary(
    by: Annotated[GroupBy, typer.Option("--by", help="agency | body | sdg | status")] = GroupBy.agency,
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.table,
    data_dir: DataDir = None,
) -> None:
    """Counts per agency / body / SDG / status (open, in progress, closed, overdue)."""
    groups = services(data_dir).register.summary(by.value)
    if format is ShowFormat.json:
        print_json({"by": by.value, "data": groups})
        return
    table = Table(by.value, "ทั้งหมด", "ยังไม่ดำเนินการ", "อยู่ระหว่าง", "ปิดแล้ว", "เกินกำหนด")
    for g in groups:
        table.add_row(
            escape(str(g[by.value])),
            *(str(g[k]) for k in ("total", "open", "in_progress", "closed", "overdue")),
        )
    stdout.print(table)


@recs_app.command()
@handle_errors
def show(
    rec_id: Annotated[str, typer.Argument(metavar="ID", help="Record id (see `prachum recs list`).")],
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.table,
    data_dir: DataDir = None,
) -> None:
    """One record with its follow-ups and full history."""
    record = services(data_dir).register.get(rec_id)
    if format is ShowFormat.json:
        print_json(record)
    else:
        _print_record(record)


@recs_app.command()
@handle_errors
def update(
    rec_id: Annotated[str, typer.Argument(metavar="ID")],
    status: Annotated[str | None, typer.Option(help="New status.")] = None,
    note: Annotated[
        str | None, typer.Option(help="Why / what happened (needed to reopen a closed record).")
    ] = None,
    due: Annotated[str | None, typer.Option(help="New due date YYYY-MM-DD (needs --reason).")] = None,
    reason: Annotated[str | None, typer.Option(help="Why the due date changed.")] = None,
    evidence: Annotated[str | None, typer.Option(help="Item id that shows the progress.")] = None,
    priority: Annotated[
        bool | None, typer.Option("--priority/--no-priority", help="Flag as a priority.")
    ] = None,
    expected_version: Annotated[
        int | None,
        typer.Option("--expected-version", help="Refuse if the record changed since this version."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Change status, due date (with a reason), notes or priority; every change goes to the history."""
    record = services(data_dir).register.update(
        rec_id,
        status=status,
        due=due,
        reason=reason,
        note=note,
        evidence_item_id=evidence,
        priority=priority,
        actor=_actor(),
        expected_version=expected_version,
    )
    stdout.print(f"{record['id']}: {record['status']} (ฉบับที่ {record['version']})", highlight=False)


def _link_command(name: str, doc: str):  # type: ignore[no-untyped-def]
    @handle_errors
    def command(
        rec_id: Annotated[str, typer.Argument(metavar="ID")],
        item_id: Annotated[str, typer.Argument(metavar="ITEM_ID")],
        data_dir: DataDir = None,
    ) -> None:
        register = services(data_dir).register
        record = getattr(register, name)(rec_id, item_id, actor=_actor())
        states = {f["item_id"]: f["state"] for f in record["followups"]}
        stdout.print(
            f"{rec_id} ↔ {item_id}: {states.get(item_id, 'removed')}; สถานะ {record['status']}",
            highlight=False,
        )

    command.__doc__ = doc
    return command


@recs_app.command()
@handle_errors
def link(
    rec_id: Annotated[str, typer.Argument(metavar="ID")],
    item_id: Annotated[str, typer.Argument(metavar="ITEM_ID")],
    suggested: Annotated[
        bool, typer.Option("--suggested", help="Record as a suggestion, not confirmed.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Link a later item as evidence; a confirmed link applies the status its wording implies."""
    record = services(data_dir).register.link(
        rec_id, item_id, actor=_actor(), state="suggested" if suggested else "confirmed"
    )
    stdout.print(f"{rec_id} ↔ {item_id}: linked; สถานะ {record['status']}", highlight=False)


recs_app.command("unlink")(_link_command("unlink", "Remove a follow-up link (a status it set is undone)."))
recs_app.command("confirm")(
    _link_command("confirm_link", "Confirm a suggested or automatic link (applies its status).")
)
recs_app.command("reject")(
    _link_command("reject_link", "Reject a link (kept as rejected; a status it set is undone).")
)


def register(app: typer.Typer) -> None:
    app.add_typer(recs_app, name="recs")
