"""The citizen's card from request to hand-over on the command line
(issue 13): ``receipt``, ``handover``, ``uncollected``, ``arrive``, ``find``,
and the job objects ``jobs --json`` and these commands print.

``ktptui.cli.main`` adds these parsers and commands. Headless: nothing here
imports Textual. Same exit codes as every command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..text import for_terminal

if TYPE_CHECKING:
    from ..model import Job
    from .main import Context

EXIT_OK = 0
Command = Callable[["Context", argparse.Namespace], int]


def _out(text: str) -> None:
    sys.stdout.write(for_terminal(text) + "\n")


def job_row(job: Job) -> dict[str, Any]:
    """One job as ``jobs --json`` (and ``uncollected``/``find --json``) prints it."""
    return {
        "id": job.id, "nik": job.nik, "state": job.state.value, "attempt": job.attempt,
        "reason": job.reason.value, "priority": job.priority.value,
        "holder_name": job.holder_name, "created_at": job.created_at,
        "updated_at": job.updated_at, "last_error": job.last_error,
        "error_code": job.error_code,
        "name": job.name, "phone": job.phone, "printed_at": job.card_printed_at,
        "collected_at": job.collected_at,
    }


def write_json(jobs: Iterable[Job]) -> None:
    """A JSON array of job objects, streamed (years of history need not fit
    in memory)."""
    sep = "[\n"
    for j in jobs:
        row = json.dumps(job_row(j), ensure_ascii=False, indent=1)
        sys.stdout.write(for_terminal(sep + " " + row.replace("\n", "\n ")))
        sep = ",\n"
    _out("[]" if sep == "[\n" else "\n]")


def _days(text: str) -> int:
    from ..i18n import t

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.usage.days", text=repr(text))) from None
    if not 0 <= n <= 3650:
        raise argparse.ArgumentTypeError(t("cli.usage.days_range", text=text))
    return n


def add_parsers(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    r = cmd("receipt", "write the intake receipt (tanda terima) of a job: PDF, or --text")
    r.add_argument("job", help="job id or a unique prefix of it")
    r.add_argument("--out", type=Path, metavar="FILE",
                   help="write it to FILE (default: text on stdout)")
    r.add_argument("--text", action="store_true", help="plain text instead of PDF")

    h = cmd("handover", "record that a printed card was handed over (the hand-over register)")
    h.add_argument("job", help="job id or a unique prefix of it")
    h.add_argument("--to", metavar="NAME",
                   help="who collected it (default: the citizen's name from intake)")
    h.add_argument("--note", default="")

    u = cmd("uncollected", "printed cards not yet collected, oldest first, with name and phone")
    u.add_argument("--days", type=_days, metavar="N",
                   help="only cards printed N or more days ago (0: all; "
                        "default [office] uncollected_days)")
    ufmt = u.add_mutually_exclusive_group()
    ufmt.add_argument("--json", action="store_true", help="a JSON array of job objects")
    ufmt.add_argument("--csv", action="store_true", help="CSV for a bulk-message tool")

    a = cmd("arrive", "the citizen came with the receipt: print a job waiting for them")
    a.add_argument("job", help="job id or a unique prefix of it")
    a.add_argument("--note", default="")

    f = cmd("find", "find jobs, finished ones included, by NIK, name, phone or job id prefix")
    f.add_argument("text", help="a NIK, a phone number, a job id prefix or part of a name")
    f.add_argument("--json", action="store_true", help="a JSON array of job objects")


def cmd_receipt(ctx: Context, args: argparse.Namespace) -> int:
    from .. import fsutil
    from ..errors import BadInput
    from ..office import pickup

    job = ctx.store.find_job(args.job)
    office, code = ctx.config.office, ctx.config.station.office_code
    if args.out is None:
        for line in pickup.receipt_lines(job, office, office_code=code):
            _out(line)
        return EXIT_OK
    data = ("\n".join(pickup.receipt_lines(job, office, office_code=code)) + "\n").encode()
    if not args.text:
        data = pickup.receipt_pdf(job, office, office_code=code)
    try:
        fsutil.write_atomic(args.out, data)
    except fsutil.UnsafeFile as e:
        raise BadInput.said("cli.receipt_write", path=str(args.out), why=e.words()) from None
    except OSError as e:
        raise BadInput.said("cli.receipt_write", path=str(args.out), why=str(e)) from None
    _out(str(args.out))
    return EXIT_OK


def cmd_handover(ctx: Context, args: argparse.Namespace) -> int:
    from ..i18n import t

    job = ctx.act("handover", job=args.job, to=args.to, note=args.note)["job"]
    _out(t("handover.done", job=job["short_id"]))
    return EXIT_OK


def cmd_uncollected(ctx: Context, args: argparse.Namespace) -> int:
    from .. import phone
    from ..i18n import t
    from ..office import pickup

    days = ctx.config.office.uncollected_days if args.days is None else args.days
    jobs = pickup.uncollected(ctx.store, days)
    if args.json:
        write_json(jobs)
    elif args.csv:
        sys.stdout.write(for_terminal(pickup.uncollected_csv(jobs)))
    elif not jobs:
        _out(t("uncollected.none"))
    else:
        for j in jobs:
            number = phone.national(j.phone) if j.phone else "-"
            _out(f"{j.short_id}  {(j.card_printed_at or '')[:10]}  {number:14}  {j.name or '-'}")
    return EXIT_OK


def cmd_arrive(ctx: Context, args: argparse.Namespace) -> int:
    job = ctx.act("arrive", job=args.job, note=args.note)["job"]
    _out(f"job {job['short_id']}: {job['state']}")
    return EXIT_OK


def cmd_find(ctx: Context, args: argparse.Namespace) -> int:
    from ..i18n import t
    from ..office import pickup

    jobs = pickup.find(ctx.store, args.text)
    if args.json:
        write_json(jobs)
        return EXIT_OK
    if not jobs:
        _out(t("find.none"))
    for j in jobs:
        _out(f"{j.short_id}  {j.nik}  {j.state.value:15}  {j.created_at[:10]}  {j.name or '-'}")
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "receipt": cmd_receipt, "handover": cmd_handover, "uncollected": cmd_uncollected,
    "arrive": cmd_arrive, "find": cmd_find,
}
