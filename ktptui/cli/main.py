"""The ``ktptui`` command line. Headless: this module never imports Textual.

``ktptui`` alone opens the TUI; ``ktptui --resume`` drains the queue with no
screen; every other command acts on the store and exits. Exit codes: 0 ok,
1 refused (the reason on stderr), 2 usage, bad input or config error, 70 an
unexpected error (one line on stderr, the traceback in a log file:
ktptui/crash.py). Every error a command raises on purpose is a
``errors.KtpError``: ``_run`` turns it into its one line and its kind's exit
code, for every command at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import EXIT_CODES, BadInput, Kind, KtpError
from ..i18n import CATALOGUE, language, set_language, startup_language, t, t_opt
from ..text import clean, for_terminal
from . import lifecycle as lifecycle_cli
from . import office as office_cli
from . import service, words

if TYPE_CHECKING:
    from ..station.client import Remote
    from ..station.remote_store import RemoteStore
    from ..station.status import StationStatus
    from ..store import Store, StoreView

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, EXIT_CODES[Kind.REFUSED], EXIT_CODES[Kind.BAD_INPUT]


class _Parser(argparse.ArgumentParser):
    """argparse in the operator's language (cli/words.py)."""

    def error(self, message: str) -> Any:  # argparse's default exits 2 too; keep one line
        self.exit(EXIT_USAGE, t("cli.usage_error", prog=self.prog, message=message) + "\n")

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        with words.argparse_words():  # "unrecognized arguments" is said here
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        with words.argparse_words():
            return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        with words.argparse_words():
            return super().format_help()

    def format_usage(self) -> str:
        with words.argparse_words():
            return super().format_usage()


def _common() -> _Parser:
    p = _Parser(add_help=False)
    p.add_argument("--config", type=Path, default=argparse.SUPPRESS,
                   help="config file (default: $KTPTUI_CONFIG or ~/.config/ktptui/config.toml)")
    return p


def build_parser(*, with_sim: bool = True) -> argparse.ArgumentParser:
    """``with_sim``: the ``sim`` command's own options, which import the
    simulator (http.server and more): only when the command line names it."""
    common = _common()
    p = _Parser(prog="ktptui", parents=[common],
                description="e-KTP card print station: queue, blanks, central link.")
    p.add_argument("--version", action="version", version=f"ktptui {__version__}")
    p.add_argument("--demo", action="store_true",
                   help="open the TUI on a temporary store with a built-in central simulator "
                        "and simulated printer")
    p.add_argument("--resume", action="store_true",
                   help="headless: recover after a crash or power cut, then drain the queue")
    p.add_argument("--max-wait", type=float, metavar="SECONDS",
                   help="with --resume: give up (exit 75) after this long with work left")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def cmd(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, parents=[common])

    a = cmd("add", "queue a citizen's card request; prints the new job's id")
    a.add_argument("nik", help="16-digit NIK")
    a.add_argument("--reason", default="new", choices=["new", "data_change", "damaged", "lost"])
    a.add_argument("--urgent", action="store_true", help="print before normal jobs")
    a.add_argument("--note", default="")
    a.add_argument("--name", help="the citizen's name (for the receipt and the call-back list)")
    a.add_argument("--phone", help="the citizen's mobile number, 08... or +628...")

    j = cmd("jobs", "list jobs (active ones unless --all)")
    j.add_argument("--state", action="append", metavar="STATE",
                   help="only jobs in this state (repeatable)")
    j.add_argument("--all", action="store_true", help="include finished jobs")
    j.add_argument("--json", action="store_true", help="a JSON array (see README)")

    s = cmd("show", "show one job with its history")
    s.add_argument("job", help="job id or a unique prefix of it")
    s.add_argument("--json", action="store_true")

    for name, what in (("hold", "put a job on hold"), ("release", "release a held job"),
                       ("cancel", "cancel a job"), ("urgent", "make a job urgent")):
        c = cmd(name, what)
        c.add_argument("job", help="job id or a unique prefix of it")
        c.add_argument("--note", default="")
        if name == "urgent":
            c.add_argument("--undo", action="store_true",
                           help="make an urgent job normal again")

    for name, what in (("pause", "pause printing: no new card starts (one in progress "
                                 "finishes)"),
                       ("unpause", "resume printing after a pause")):
        c = cmd(name, what)
        c.add_argument("--note", default="", help="why (shown to the operators)")
        c.add_argument("--printer", default=None, metavar="NAME",
                       help="only this printer (a name from the config); the others go on")

    r = cmd("resolve", "settle an interrupted card after checking the printer")
    r.add_argument("job", help="job id or a unique prefix of it")
    r.add_argument("outcome", choices=["printed", "spoiled", "not-printed"])
    r.add_argument("--note", default="")

    b = cmd("blanks", "the blank-card ledger")
    bsub = b.add_subparsers(dest="blanks_command", metavar="ACTION", required=True,
                            parser_class=_Parser)
    br = bsub.add_parser("receive", help="record a shipment of N blanks", parents=[common])
    br.add_argument("count", type=int)
    br.add_argument("--ref", default="", help="the delivery letter number (surat pengantar)")
    br.add_argument("--note", default="", help="anything else about the shipment")
    bs = bsub.add_parser("spoil", help="record one spoiled blank", parents=[common])
    bs.add_argument("--note", default="", help="what happened (required unless --job)")
    bs.add_argument("--job", default=None, help="the job whose print spoiled it")
    ba = bsub.add_parser("adjust", help="correct the count by +N or -N", parents=[common])
    ba.add_argument("delta", help="+N or -N")
    ba.add_argument("--reason", required=True, help="why (e.g. physical count on 23 Nov)")
    bl = bsub.add_parser("show", help="ledger totals, reconciliation and forecast",
                         parents=[common])
    bl.add_argument("--json", action="store_true")
    be = bsub.add_parser("entries", help="ledger entries with their ids, oldest first",
                         parents=[common])
    be.add_argument("--unapproved", action="store_true",
                    help="only count differences no supervisor has approved")
    be.add_argument("--json", action="store_true")

    st = cmd("status", "job counts, blanks, link and power")
    st.add_argument("--json", action="store_true", help="a JSON object (see README)")

    office_cli.add_parsers(cmd, common, _Parser)  # report, suket, session, log, purge
    service.add_parser(cmd)  # install-service
    cmd("serve", "run the station as a service: print the queue and stay up; the TUI and "
                 "every command attach through its socket ([service] socket)")
    lifecycle_cli.add_parsers(cmd)  # receipt, handover, uncollected, arrive, find

    sim = cmd("sim", "run the built-in central simulator on 127.0.0.1")
    if with_sim:
        from ..central import sim as sim_module  # no Textual, but http.server

        sim_module.add_arguments(sim)
    words.translate(p)
    return p


# -- helpers ---------------------------------------------------------------------

def _out(text: str) -> None:
    # Stored texts (a holder's name, central's words) may predate cleaning.
    sys.stdout.write(for_terminal(text) + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"ktptui: {text}\n")


def fail(error: KtpError) -> int:
    """The one way a command ends on an error: its message in one line on
    stderr, the exit code of its kind (``errors.EXIT_CODES``)."""
    _err(clean(error.message()))  # it may quote a stored or typed text
    return error.exit_code


class Context:
    """What a command needs: config, store and who is acting.

    When the station service answers on ``[service] socket`` the command is
    attached (once, for both): ``act`` runs its request there, as this
    account, and ``store`` reads the service's store through it
    (``RemoteStore``), so an operator logged in as themselves never opens the
    0700 data folder. Not attached: ``store`` is the folder's own store and
    ``act`` runs the same request table here."""

    def __init__(self, args: argparse.Namespace) -> None:
        from .. import config as config_mod
        from ..i18n import set_language
        from ..identity import operator_label

        self.config = config_mod.load(getattr(args, "config", None))
        set_language(self.config.ui.language)  # the catalogue's words, e.g. a NIK's rule
        self.operator = operator_label(self.config.station.operator)
        self._local: Store | None = None
        self._remote: Remote | None = None
        self._view: RemoteStore | None = None
        self._tried = False

    def _attach(self) -> Remote | None:
        """The service's connection, tried once per command."""
        if not self._tried:
            from ..station.client import Remote

            self._tried = True
            office = self.config.office
            self._remote = Remote.attach(self.config.service.socket,
                                         group=office.operator_group)
        return self._remote

    @property
    def attached(self) -> bool:
        return self._attach() is not None

    @property
    def store(self) -> StoreView:
        """Reads: the service's store when attached, else the folder's."""
        remote = self._attach()
        if remote is None:
            return self.local_store
        if self._view is None:
            from ..station.remote_store import RemoteStore

            self._view = RemoteStore(remote)
        return self._view

    @property
    def local_store(self) -> Store:
        """The data folder's store, opened here (the station's account only)."""
        if self._local is None:
            from ..store import open_store

            self._local = open_store(self.config.store.data_dir)
        return self._local

    def act(self, kind: str, **args: Any) -> dict[str, Any]:
        """One request of the service's table: through the station service
        when its socket answers (it acts as this account), else here."""
        from ..roles import who_runs_this
        from ..station import service as station_service

        remote = self._attach()
        if remote is not None:
            return remote.call(kind, **args)
        who = who_runs_this(supervisor_group=self.config.office.supervisor_group)
        call = station_service.Call(self.local_store, self.config, who, self.operator)
        return station_service.run_request(call, kind, args)

    def close(self) -> None:
        if self._remote is not None:
            self._remote.close()


def _job_row(job: Any) -> dict[str, Any]:
    return lifecycle_cli.job_row(job)


# -- commands ----------------------------------------------------------------------

def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    job = ctx.act("add", nik=args.nik, reason=args.reason, urgent=args.urgent,
                  note=args.note, name=args.name, phone=args.phone)["job"]
    _out(job["id"])
    return EXIT_OK


def cmd_jobs(ctx: Context, args: argparse.Namespace) -> int:
    from ..model import State

    try:
        states = {State(s) for s in args.state} if args.state else None
    except ValueError:
        known = ", ".join(s.value for s in State)
        raise _Usage.said("cli.usage.state", states=str(args.state), known=known) from None
    import itertools
    from collections.abc import Iterator

    from ..model import Job

    hot = ctx.act("jobs", states=args.state, all=args.all)["jobs"]
    jobs: Iterator[Job] = (Job.from_dict(d) for d in hot)
    if args.all:
        # Then the archive, oldest month first, streamed: years of history
        # are written as they are read, never held in memory at once.
        jobs = itertools.chain(jobs, (j for j in ctx.store.iter_archived_jobs()
                                      if states is None or j.state in states))
    if args.json:
        lifecycle_cli.write_json(jobs)
        return EXIT_OK
    first = next(jobs, None)
    if first is None:
        _out(t("cli.no_jobs"))
        return EXIT_OK
    _out(f"{'ID':8}  {'NIK':16}  {t('cli.col.state'):11}  {t('cli.col.try'):>3}  "
         f"{t('cli.col.prio'):6}  {t('cli.col.reason'):11}  {t('cli.col.error')}")
    for j in itertools.chain([first], jobs):
        _out(f"{j.short_id:8}  {j.nik:16}  {t(f'event.state.{j.state.value}'):11}  "
             f"{j.attempt:>3}  {t(f'priority.{j.priority.value}'):6}  "
             f"{t(f'reason.{j.reason.value}'):11}  "
             f"{t_opt(f'code.{j.error_code}', j.error_code) if j.error_code else j.shown_error()}")
    return EXIT_OK


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    from ..model import Job

    job = Job.from_dict(ctx.act("show", job=args.job)["job"])
    if args.json:
        _out(json.dumps(job.to_dict(), ensure_ascii=False, indent=1))
        return EXIT_OK
    rows = _job_row(job)
    rows["last_error"] = job.shown_error()
    if job.error_code:
        rows["error_code"] = t_opt(f"code.{job.error_code}", job.error_code)
    rows.update(state=t(f"event.state.{job.state.value}"),
                priority=t(f"priority.{job.priority.value}"),
                reason=t(f"reason.{job.reason.value}"))
    for key in ("id", "nik", "holder_name", "state", "attempt", "priority", "reason",
                "created_at", "updated_at", "last_error", "error_code"):
        if rows[key] not in (None, ""):
            _out(f"{t(f'cli.field.{key}'):12} {rows[key]}")
    if job.note:
        _out(f"{t('cli.field.note'):12} {job.note}")
    _out(t("cli.history"))
    for h in job.history:
        frm = t(f"event.state.{h.from_state}") if h.from_state else "-"
        _out(f"  {h.at}  {frm:>11} -> {t(f'event.state.{h.to_state}'):11} {h.operator}  "
             f"{h.shown_note()}")
    return EXIT_OK


def _simple(action: str) -> Callable[[Context, argparse.Namespace], int]:
    def run(ctx: Context, args: argparse.Namespace) -> int:
        kwargs: dict[str, Any] = {"job": args.job, "note": args.note}
        if action == "urgent":
            kwargs["urgent"] = not args.undo
        job = ctx.act(action, **kwargs)["job"]
        _out(t("cli.job_state", job=job["short_id"], state=t(f"event.state.{job['state']}"),
               more=t(f"priority.{job['priority']}")))
        return EXIT_OK

    return run


def cmd_pause(ctx: Context, args: argparse.Namespace) -> int:
    if args.printer is not None:
        names = [name for name, _ in ctx.config.printer_list()]
        if args.printer not in names:
            raise _Usage.said("cli.usage.printer", name=repr(args.printer),
                              names=", ".join(names))
        if args.command == "pause":
            ctx.act("printer_pause", printer=args.printer, note=args.note)
            _out(f"printer {args.printer} paused: it starts no new card until "
                 f"`ktptui unpause --printer {args.printer}`")
        else:
            ctx.act("printer_resume", printer=args.printer, note=args.note)
            _out(f"printer {args.printer} resumed")
        return EXIT_OK
    ctx.act(args.command, note=args.note)
    if args.command == "pause":
        _out(t("cli.paused"))
    else:
        _out(t("cli.resumed"))
    return EXIT_OK


def cmd_resolve(ctx: Context, args: argparse.Namespace) -> int:
    job = ctx.act("resolve", job=args.job, outcome=args.outcome, note=args.note)["job"]
    more = t("cli.attempt", n=job["attempt"]) + (f", printer {job['printer']}"
                                                  if job.get("printer") else "")
    _out(t("cli.job_state", job=job["short_id"], state=t(f"event.state.{job['state']}"),
           more=more))
    return EXIT_OK


def _blanks_summary(store: Any) -> dict[str, Any]:
    from ..station.service import blanks_summary  # the service's, for one summary

    return blanks_summary(store)


def cmd_blanks(ctx: Context, args: argparse.Namespace) -> int:
    from .. import roles
    from ..i18n import t

    group = ctx.config.office.supervisor_group
    if args.blanks_command == "adjust":  # refused before the store is even opened
        roles.require_supervisor(roles.who_runs_this(supervisor_group=group), t("role.adjust"),
                                 supervisor_group=group)
    match args.blanks_command:
        case "receive":
            result = ctx.act("blanks_receive", count=args.count, note=args.note, ref=args.ref)
        case "spoil":
            result = ctx.act("blanks_spoil", note=args.note, job=args.job)
        case "adjust":
            try:
                delta = int(args.delta)
            except ValueError:
                raise _Usage.said("cli.usage.delta", got=repr(args.delta)) from None
            result = ctx.act("blanks_adjust", delta=delta, reason=args.reason)
        case "entries":
            return _blanks_entries(ctx.store, args)
        case _:
            result = ctx.act("blanks_show")
    summary = result["blanks"]
    if getattr(args, "json", False):
        _out(json.dumps(summary, indent=1))
    else:
        days = summary["days_left"]
        # In the operator's words when it adds up; the core's detail when not.
        rec = (t("cli.reconciliation", received=summary["received"],
                 printed=summary["printed"], spoiled=summary["spoiled"],
                 sign="+" if summary["adjusted"] >= 0 else "-",
                 adjusted=abs(summary["adjusted"]), n=summary["balance"])
               if summary["reconciled"] else summary["reconciliation"])
        _out(t("cli.blanks", n=summary["balance"], rec=rec,
               per_day=summary["used_per_day_7d"])
             + (t("cli.blanks_days", days=days) if days is not None else ""))
    return EXIT_OK if summary["reconciled"] else EXIT_REFUSED


def _blanks_entries(store: Any, args: argparse.Namespace) -> int:
    from ..i18n import t
    from ..store import ledger

    approvals = store.ledger_of_kind(ledger.Kind.APPROVED)
    approved_by = {e.ref: e.operator for e in approvals}
    if args.unapproved:  # through the index: not every printed card of the years
        shown = ledger.unapproved([*store.ledger_of_kind(ledger.Kind.COUNTED), *approvals])
    else:
        shown = store.ledger_entries()
    if args.json:
        _out(json.dumps([{**e.to_dict(), "approved_by": approved_by.get(e.id)}
                         for e in shown], ensure_ascii=False, indent=1))
        return EXIT_OK
    for e in shown:
        flag = ""
        if e.kind is ledger.Kind.COUNTED:
            flag = (f"  [{t('blanks.approved_by', by=approved_by[e.id])}]"
                    if e.id in approved_by else f"  [{t('summary.entry_unapproved')}]")
        _out(f"{e.id}  {e.at}  {e.kind.value:<9} {e.delta:+5d}  {e.operator}"
             + (f"  ref {e.ref}" if e.ref else "") + (f"  {e.note}" if e.note else "") + flag)
    return EXIT_OK


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    from ..station.status import StationStatus

    # Read from the store, not the engine's last word: true with no engine running.
    status = ctx.act("status")
    engine = StationStatus.from_json(status["engine"])
    if args.json:
        _out(json.dumps(status, indent=1))
        return EXIT_OK
    counts = ", ".join(f"{t(f'event.state.{k}')} {v}" for k, v in status["jobs"].items() if v)
    totals = status["blanks"]
    _out(t("cli.status.jobs", counts=counts or t("cli.none")))
    _out(t("cli.status.blanks", n=totals["balance"], received=totals["received"],
           printed=totals["printed"], spoiled=totals["spoiled"],
           adjusted=f"{totals['adjusted']:+d}"))
    _out(t("cli.status.outbox", n=status["outbox"]))
    for row in status["interrupted"]:
        holder = f" ({row['holder']})" if row["holder"] else ""
        which = f" {row['printer']}" if row.get("printer") else ""
        _out(t("cli.status.interrupted", job=row["job"][:8], holder=holder, which=which,
               at=row["started_at"] or "?"))
    if status["paused"]:
        note = status["paused"].get("note")
        _out(t("cli.status.paused", by=status["paused"].get("by", "?"),
               note=f" ({note})" if note else ""))
    for name, who in (status.get("printers_paused") or {}).items():
        note = who.get("note")
        _out(t("cli.status.printer_paused", name=name, by=who.get("by", "?"),
               note=f" ({note})" if note else ""))
    if status["session_required"] and not status["session_open"]:
        _out(t("cli.status.no_session"))
    if engine is not None:
        _print_engine(ctx, engine)
    return EXIT_OK


def _print_engine(ctx: Context, engine: StationStatus) -> None:
    """The engine's last published status, from its typed values."""
    from ..printers.base import warning_text
    from ..station.engine import clock_words

    if language() != "en":
        _print_engine_words(ctx, engine)
        return
    link = engine.link
    since = link.since.astimezone().strftime("%H:%M")
    link_text = ("token refused" if link.token_refused
                 else f"{link.state.value} since {since}")
    if link.detail and link.state.value != "up" or link.token_refused:
        link_text += f" ({link.detail})"
    printer = engine.printer
    printer_text = ("busy" if engine.printer_busy else "ready" if printer.ready
                    else printer.message or "not ready")
    _out(f"engine ({engine.at}): {engine.reason}")
    _out(f"link: {link_text}; power: {engine.power.detail}; printer: {printer_text}")
    for code in printer.warnings:
        text = warning_text(code)
        if code == "error-policy-retry":
            text = text.replace("QUEUE", ctx.config.printer.queue)
        _out(f"WARNING: printer: {text}")
    if len(engine.printers) > 1:
        for line in engine.printers:
            words = ("busy" if line.current_job else "ready" if line.printer.ready
                     else line.printer.message or "not ready")
            extra = "; ribbon low" if line.ribbon_low else ""
            _out(f"printer {line.name}: {line.gate.value}; {words}{extra} ({line.reason})")
    offset = engine.clock_offset_s
    if offset is not None and abs(offset) > 120:
        _out(f"clock: the station's clock is {clock_words(offset)} central's")


def _print_engine_words(ctx: Context, engine: StationStatus) -> None:
    """The engine's status from the catalogue (the English lines above carry
    the core's own words: OS errors, CUPS messages, for logs and support)."""
    gate = engine.gate.value
    key = f"gate.{gate}"
    if gate in ("paused", "interrupted"):  # their lines above name who and which card
        said = t("event.paused") if gate == "paused" else t("state.interrupted")
    else:
        said = t(key) if key in CATALOGUE and "{" not in CATALOGUE[key][0] else gate
    link = engine.link
    link_text = (t("link.token") if link.token_refused else
                 t_opt(f"link.{link.state.value}", link.state.value) + " "
                 + t("status.since", at=link.since.astimezone().strftime("%H:%M")))
    if link.state.value != "up" and (cause := link.reason_words()):
        link_text += f" ({cause})"
    power = engine.power
    power_text = (t("event.power.battery", charge="?" if power.charge is None else power.charge)
                  if power.source == "battery" else t("power.mains")
                  if power.source == "mains" else t("power.unknown"))
    printer = engine.printer
    printer_text = t("status.printer_busy" if engine.printer_busy else "status.printer_ready"
                     if printer.ready else "status.printer_stopped")
    if not printer.ready and printer.reasons:
        from ..printers.base import reason_words

        printer_text += f" ({reason_words(printer.reasons)})"
    _out(t("cli.engine", at=engine.at, gate=said))
    _out(t("cli.engine_parts", link=link_text, power=power_text, printer=printer_text))
    for code in printer.warnings:
        if code == "error-policy-retry":  # the fix names this station's queue
            _out(t("cli.printer_warning",
                   text=t("cli.error_policy", queue=ctx.config.printer.queue)))
        elif text := t_opt(f"printer.warn.{code}", ""):
            _out(t("cli.printer_warning", text=text))
    offset = engine.clock_offset_s
    if offset is not None and abs(offset) > 120:
        size = abs(offset)
        amount = (t("unit.hours", n=f"{size / 3600:.0f}") if size >= 5400
                  else t("unit.minutes", n=f"{size / 60:.0f}"))
        _out(t("status.clock_fast" if offset < 0 else "status.clock_slow", amount=amount))


def cmd_sim(ctx: Context | None, args: argparse.Namespace) -> int:
    from ..central import sim

    return sim.run(args)


class _Usage(BadInput):
    """A command line argparse could not judge (e.g. ``--state lost``)."""


COMMANDS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "add": cmd_add, "jobs": cmd_jobs, "show": cmd_show, "resolve": cmd_resolve,
    "blanks": cmd_blanks, "status": cmd_status, "pause": cmd_pause, "unpause": cmd_pause,
    **{name: _simple(name) for name in ("hold", "release", "cancel", "urgent")},
    **office_cli.COMMANDS,
    **lifecycle_cli.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Any error nobody expected exits ``crash.EXIT_CRASH`` (70) with one line
    on stderr and the traceback in a log file (see ktptui/crash.py), never 0
    and never a traceback on the operator's screen."""
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(startup_language())  # until the config says: help, usage, config errors
    args = build_parser(with_sim="sim" in argv).parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # e.g. ``ktptui jobs | head``: the reader left, nothing to say
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_REFUSED
    except Exception as e:
        from .. import crash

        what = "ktptui " + ("--resume" if args.resume else args.command or "(TUI)")
        return crash.report(e, what, prefix="<2>" if args.resume else "")


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "sim":
            return cmd_sim(None, args)
        if args.command == "install-service":  # no store: works before the first run
            return service.run(args)
        if args.command == "serve":
            from ..station.service import run_serve

            return run_serve(getattr(args, "config", None))
        if args.resume:
            from ..station.resume import run_resume

            return run_resume(getattr(args, "config", None), args.max_wait)
        if args.command is None:
            from ..tui.launch import run_tui  # Textual only from here

            return run_tui(getattr(args, "config", None), demo=args.demo)
        ctx = Context(args)
        try:
            return COMMANDS[args.command](ctx, args)
        finally:
            ctx.close()
    except KtpError as e:
        return fail(e)
    except KeyboardInterrupt:
        return 130
