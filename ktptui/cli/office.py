"""Office operations on the command line: report, suket, session, log, purge.

``ktptui.cli.main`` adds these parsers and commands; the work is done by
``reports``, ``suket``, ``sessions``, ``audit`` and ``retention``. Same exit
codes as every command: 0 ok, 1 refused (the reason on stderr), 2 usage.
Headless: nothing here imports Textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Kind, KtpError
from ..text import for_terminal

if TYPE_CHECKING:
    from ..office.suket import Issued
    from ..printers.base import Printer
    from ..store import Store
    from .main import Context

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class StationOnly(KtpError):
    """A command that reads the data folder's files itself, run by an
    account that cannot (``verify`` as an operator)."""

    error_kind = Kind.REFUSED
Command = Callable[["Context", argparse.Namespace], int]


def _out(text: str) -> None:
    text = for_terminal(text)  # stored texts may predate cleaning
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"ktptui: {text}\n")


def _day(text: str) -> date:
    from ..i18n import t

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.usage.date", text=repr(text))) from None


def _count(text: str) -> int:
    from ..i18n import t

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.usage.whole", text=repr(text))) from None
    if n < 0:
        raise argparse.ArgumentTypeError(t("cli.usage.negative", text=text))
    return n


def add_parsers(cmd: Callable[[str, str], argparse.ArgumentParser],
                common: argparse.ArgumentParser, parser_class: type[Any]) -> None:
    """Add the office commands; ``cmd(name, help)`` makes a top-level subcommand."""
    r = cmd("report", "office reports: the daily report, or the blank requisition")
    r.add_argument("kind", nargs="?", choices=["daily", "blanks"], default="daily",
                   help="daily (default): one day's figures; blanks: the blank requisition")
    r.add_argument("--date", type=_day, metavar="YYYY-MM-DD",
                   help="daily: the day, station local time (default: today)")
    r.add_argument("--need", type=_count, metavar="N",
                   help="blanks: blanks needed, to state the shortfall against those received")
    fmt = r.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV (see README)")
    fmt.add_argument("--json", action="store_true", help="a JSON object (see README)")
    fmt.add_argument("--pdf", action="store_true", help="PDF (needs --out)")
    r.add_argument("--out", type=Path, metavar="FILE",
                   help="save the report in FILE instead of printing it (format: --csv, "
                        "--json, --pdf, else from the name: .pdf .csv .json, other: text)")

    s = cmd("suket", "issue a Suket (temporary certificate) for a not_recorded or "
                     "long-waiting job")
    s.add_argument("job", help="job id or a unique prefix of it")
    s.add_argument("--out", type=Path, metavar="FILE",
                   help="save it (PDF; text with --text), mode 0600; with neither --out "
                        "nor --printer the slip is shown as text")
    s.add_argument("--printer", metavar="QUEUE", help="print it on this office CUPS queue "
                                                      "(not the card printer)")
    s.add_argument("--text", action="store_true", help="--out writes plain text, not PDF")

    se = cmd("session", "print sessions (shifts): a count of blanks at open and close")
    ssub = se.add_subparsers(dest="session_command", metavar="ACTION", required=True,
                             parser_class=parser_class)
    so = ssub.add_parser("open", parents=[common],
                         help="open a session with the count of blanks on hand")
    so.add_argument("--count", type=_count, required=True, metavar="N",
                    help="blanks counted on hand")
    _confirm_args(so)
    sc = ssub.add_parser("close", parents=[common],
                         help="close the session with the count of blanks on hand")
    sc.add_argument("--count", type=_count, required=True, metavar="N",
                    help="blanks counted on hand")
    _confirm_args(sc)
    sc.add_argument("--json", action="store_true")
    ss = ssub.add_parser("show", parents=[common], help="the open session so far")
    ss.add_argument("--json", action="store_true")

    lg = cmd("log", "the audit trail (every action and state change), oldest first")
    lg.add_argument("--since", metavar="WHEN",
                    help="YYYY-MM-DD (station local) or an ISO time such as 2026-11-23T08:00")
    lg.add_argument("--job", metavar="JOB", help="only this job (id or unique prefix)")
    lfmt = lg.add_mutually_exclusive_group()
    lfmt.add_argument("--json", action="store_true", help="a JSON array (see README)")
    lfmt.add_argument("--csv", action="store_true", help="CSV (see README)")

    cmd("purge", "data retention: reduce personal data of finished jobs older than "
                 "[store] retain_personal_days")

    v = cmd("verify", "check the ledger and audit hash chains and the blank balance")
    v.add_argument("--head", metavar="HASH",
                   help="a chain head printed on a signed report: fail unless it is "
                        "still in the chain")

    ap = cmd("approve", "supervisor: approve a count difference (ktptui blanks entries "
                        "--unapproved)")
    ap.add_argument("entry", help="ledger entry id or a unique prefix of it")


def _confirm_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--confirm", type=_count, metavar="N",
                   help="when the count differs from the ledger: the same count again, "
                        "after counting a second time")
    p.add_argument("--reason", default="", help="why the count differs (required then)")


# -- commands --------------------------------------------------------------------

def _speak(ctx: Context) -> None:
    """Office output in the configured language (``[ui] language``)."""
    from ..i18n import set_language

    set_language(ctx.config.ui.language)


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    from .. import fsutil
    from ..i18n import t
    from ..office import reports

    _speak(ctx)
    office, station = ctx.config.station.office_code, ctx.config.station.id
    kind = ("csv" if args.csv else "json" if args.json else "pdf" if args.pdf
            else reports.format_of(args.out) if args.out is not None else "text")
    if kind == "pdf" and args.out is None:
        _err(t("report.pdf_needs_out"))
        return EXIT_USAGE
    try:
        report: reports.Report
        if args.kind == "blanks":
            if args.date is not None:
                _err("--date is for the daily report; the requisition is as of now")
                return EXIT_USAGE
            report = reports.requisition(ctx.store, need=args.need, office_code=office,
                                         station_id=station)
        else:
            if args.need is not None:
                _err("--need is for `ktptui report blanks`")
                return EXIT_USAGE
            report = reports.daily(ctx.store, args.date, office_code=office,
                                   station_id=station)
    except reports.ReportError as e:
        _err(str(e))
        return EXIT_USAGE
    if args.out is None:
        _out(reports.render(report, kind).decode("utf-8"))
        return EXIT_OK
    try:
        path = reports.save(report, args.out, kind)
    except (OSError, fsutil.UnsafeFile) as e:
        _err(t("report.not_saved", error=e))
        return EXIT_REFUSED
    _out(t("report.saved", path=path))
    return EXIT_OK


def cmd_suket(ctx: Context, args: argparse.Namespace) -> int:
    from ..actions import ActionRefused
    from ..i18n import t
    from ..office import suket

    cfg = ctx.config
    printer = None
    if args.printer:
        # Every card printer's queue is refused (several with [[printers]]).
        if any(p.backend == "cups" and args.printer == p.queue
               for _, p in cfg.printer_list()):
            raise ActionRefused.said("suket.card_queue_cli", queue=args.printer)
        from ..printers.cups import CupsPrinter

        printer = CupsPrinter(args.printer, server=cfg.printer_list()[0][1].cups_server,
                              timeout_s=60.0)
    show = _out if args.out is None and printer is None else None
    if ctx.attached:
        got = _suket_attached(ctx, args, printer, show)
    else:
        got = suket.issue(ctx.local_store, args.job, operator=ctx.operator,
                          office_code=cfg.station.office_code, station_id=cfg.station.id,
                          wait_days=cfg.office.suket_after_days, out=args.out,
                          as_text=args.text, printer=printer, printer_name=args.printer or "",
                          show=show, office=cfg.office)
    slip = got.slip
    if show is None:
        where = ", ".join(w.text() for w in got.where)
        _out(t("cli.suket.reprinted", number=slip.number, job=slip.short_id, where=where)
             if slip.reprint else
             t("cli.suket.issued", number=slip.number, job=slip.short_id, where=where))
    if got.print_problem:
        _err(got.problem.text() if got.problem is not None else got.print_problem)
        return EXIT_REFUSED
    return EXIT_OK


def _suket_attached(ctx: Context, args: argparse.Namespace, printer: Printer | None,
                    show: Callable[[str], None] | None) -> Issued:
    """The service records the Suket (its number, its event, as this
    account); this process writes, prints or shows the slip, as the operator,
    where they asked."""
    from ..office import suket

    def record_as(outputs: list[suket.Destination]) -> suket.Slip:
        reply = ctx.act("suket", job=args.job, outputs=[list(d) for d in outputs])
        return suket.Slip.from_dict(reply["slip"])

    return suket.issue_recorded_first(record_as, ref=args.job, out=args.out, as_text=args.text,
                                      printer=printer, printer_name=args.printer or "",
                                      show=show)


def cmd_session(ctx: Context, args: argparse.Namespace) -> int:
    import json

    from .. import fmt
    from ..i18n import t
    from ..office import sessions

    _speak(ctx)
    count = {"count": getattr(args, "count", 0), "confirm": getattr(args, "confirm", None),
             "reason": getattr(args, "reason", "")}  # open and close
    match args.session_command:
        case "open":
            s = sessions.Session.from_dict(ctx.act("session_open", **count)["session"])
            adj = s.open_adjustment
            _out(t("session.opened_adjusted" if adj else "session.opened", id=s.short_id,
                   count=fmt.number(s.open_count), ledger=fmt.number(s.open_ledger),
                   diff=adj))
        case "close":
            closed = ctx.act("session_close", **count)["summary"]
            _out(json.dumps(closed, ensure_ascii=False, indent=1) if args.json
                 else sessions.summary_text(sessions.Summary.from_dict(closed)))
        case "show":
            so_far = sessions.so_far(ctx.store)
            if args.json:
                _out(json.dumps(so_far.to_dict() if so_far else None, ensure_ascii=False,
                                indent=1))
            else:
                _out(sessions.summary_text(so_far) if so_far else t("session.none"))
    return EXIT_OK


def cmd_log(ctx: Context, args: argparse.Namespace) -> int:
    from ..i18n import t
    from ..office import audit

    _speak(ctx)

    since = audit.parse_since(args.since) if args.since else None  # AuditError: exit 2
    job_id = ctx.store.find_job(args.job).id if args.job else None
    events = audit.trail(ctx.store, since=since, job_id=job_id)
    if args.json:
        _out(audit.to_json(events))
    elif args.csv:
        _out(audit.to_csv(events))
    else:
        _out("\n".join(audit.to_text_lines(events)) or t("events.empty"))
    return EXIT_OK


def cmd_purge(ctx: Context, args: argparse.Namespace) -> int:
    # A supervisor's act (it cannot be undone): the service's table says so.
    done = ctx.act("purge")
    _out(f"personal data removed from {done['changed']} finished job(s) older than "
         f"{done['days']} days")
    return EXIT_OK


def _station_store(ctx: Context) -> Store:
    """The data folder's own store: ``verify`` reads its raw files (the
    chains), so it is the station account's command (IT, an auditor), never
    the service's. An account that cannot read the folder is told whom to
    run it as, in one line."""
    import pwd

    from ..i18n import t

    data_dir = ctx.config.store.data_dir
    if os.access(data_dir, os.R_OK | os.X_OK) or not os.path.exists(data_dir):
        return ctx.local_store  # a missing folder: the store's own one-line error
    try:
        user = pwd.getpwuid(data_dir.stat().st_uid).pw_name
    except (OSError, KeyError):
        user = "ktp"  # the unit's account (contrib/systemd/ktptui.service)
    raise StationOnly(t("verify.not_readable", dir=str(data_dir), user=user))


def cmd_verify(ctx: Context, args: argparse.Namespace) -> int:
    """Exit 0 when both chains and the balance hold, 1 naming the first problem;
    a damaged file (bad checksum) is a store error naming the file (exit 3)."""
    from ..i18n import t
    from ..office import verify
    from ..store import chain

    _speak(ctx)
    if args.head is not None and not chain.valid_head(args.head):
        _err(t("verify.bad_head", head=repr(args.head[:40])))
        return EXIT_USAGE
    result = verify.verify(_station_store(ctx), head=args.head)
    for line in result.lines():
        _out(line)
    return EXIT_OK if result.ok else EXIT_REFUSED


def cmd_approve(ctx: Context, args: argparse.Namespace) -> int:
    from .. import fmt, roles
    from ..i18n import t
    from ..store import ledger

    _speak(ctx)
    group = ctx.config.office.supervisor_group
    who = roles.who_runs_this(supervisor_group=group)
    roles.require_supervisor(who, t("role.approve"), supervisor_group=group)  # before the store
    e = ledger.Entry.from_dict(ctx.act("approve", entry=args.entry)["entry"])
    _out(t("approve.done", ref=e.short_id, delta=fmt.number(e.delta, signed=True),
           by=who.user))
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "report": cmd_report, "suket": cmd_suket, "session": cmd_session, "log": cmd_log,
    "purge": cmd_purge, "verify": cmd_verify, "approve": cmd_approve,
}
