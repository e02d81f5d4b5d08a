"""Every operator action of the main screen, declared once.

One row says the key, the footer label, the palette title, the help line,
and when the action applies (and, when it does not, why, in the operator's
words). The main screen's ``BINDINGS`` and ``check_action``, its key bar,
the command palette (``commands.py``) and the help screen are all generated
from ``ACTIONS``, so they cannot disagree.

A key refused now is hidden from the key bar, and pressing it says why
(``MainScreen.on_key``): never silently nothing. Two rows may share a key
(``p`` pause / resume, ``u`` urgent / not urgent): Textual runs the first
one that applies, so the key toggles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding, BindingType

from ..i18n import t
from ..model import Job, Priority, State


@dataclass(frozen=True)
class Now:
    """What decides whether an action applies right now."""

    job: Job | None
    interrupted: int
    paused: bool
    #: The station's printers when it has several (issue 15), else none.
    printers: tuple[str, ...] = ()


#: "" when the action applies, else why not (already in the operator's words).
WhyNot = Callable[[Now], str]


def _always(now: Now) -> str:
    return ""


def _needs_job(now: Now) -> str:
    return "" if now.job is not None else t("action.no_job")


def _job_in(states: frozenset[State], refused: str) -> WhyNot:
    """Only for a selected job in one of ``states``; else "<what it is>, <refused>"."""

    def why(now: Now) -> str:
        if now.job is None:
            return t("action.no_job")
        if now.job.state in states:
            return ""
        return t(refused, what=t(f"why.state.{now.job.state.value}"))

    return why


_WAITING = frozenset({State.QUEUED, State.AUTHORIZED})
_NOT_STARTED = frozenset({State.QUEUED, State.HELD, State.AUTHORIZED, State.WAITING_CITIZEN})
_hold = _job_in(_WAITING, "why.hold")
_cancel = _job_in(_NOT_STARTED, "why.cancel")
_release = _job_in(frozenset({State.HELD}), "why.release")
_arrive = _job_in(frozenset({State.WAITING_CITIZEN}), "why.arrive")
_hurry = _job_in(_NOT_STARTED, "why.urgent")


def _urgent(now: Now) -> str:
    why = _hurry(now)
    if why or now.job is None:
        return why
    urgent = now.job.priority is Priority.URGENT
    return t("why.already_urgent", job=now.job.short_id) if urgent else ""


def _not_urgent(now: Now) -> str:
    why = _hurry(now)
    if why or now.job is None:
        return why
    urgent = now.job.priority is Priority.URGENT
    return "" if urgent else t("why.not_urgent", job=now.job.short_id)


def _resolve(now: Now) -> str:
    return "" if now.interrupted else t("resolve.none")


def _pause(now: Now) -> str:
    return t("why.already_paused") if now.paused else ""


def _unpause(now: Now) -> str:
    return "" if now.paused else t("why.not_paused")


def _several_printers(now: Now) -> str:
    return "" if len(now.printers) > 1 else t("why.one_printer")


@dataclass(frozen=True)
class KeyAction:
    """One operator action.

    ``keys`` are Textual key names to bind on the main screen ("" when the
    key belongs to another screen or to Textual, e.g. ``b r`` or ``Ctrl+P``);
    ``shown`` is how the operator reads them in the key bar, the palette and
    the help. ``label`` (key bar), ``command`` (palette) and ``help`` are
    catalogue keys; an empty ``label`` or ``command`` keeps the action out of
    the key bar or the palette. ``primary`` actions are the key bar's; the
    rest are one ``?`` away. The help shows one line per key and text, so
    both halves of a toggle share one line."""

    name: str
    keys: str
    shown: str
    help: str
    label: str = ""
    command: str = ""
    args: tuple[str | bool, ...] = ()
    why_not: WhyNot = _always
    primary: bool = False
    #: False: the help's line of the first key names it (``b`` ... ``s``).
    in_help: bool = True

    @property
    def action(self) -> str:
        """The Textual action string, e.g. ``pause(True)``."""
        if not self.args:
            return self.name
        return f"{self.name}({', '.join(repr(a) for a in self.args)})"


ACTIONS: tuple[KeyAction, ...] = (
    KeyAction("add", "a", "a", "help.add", "key.add", "cmd.add", primary=True),
    KeyAction("hold", "h", "h", "help.hold", "key.hold", "cmd.hold", why_not=_hold,
              primary=True),
    KeyAction("release", "r", "r", "help.release_arrive", "key.release", "cmd.release",
              why_not=_release, primary=True),
    # A job waiting for its citizen (print on arrival) is let into the queue
    # with the same key as a held one: one help line for both.
    KeyAction("arrive", "r", "r", "help.release_arrive", "key.arrive", "cmd.arrive",
              why_not=_arrive, primary=True),
    KeyAction("cancel", "c", "c", "help.cancel", "key.cancel", "cmd.cancel", why_not=_cancel,
              primary=True),
    KeyAction("urgent", "u", "u", "help.urgent", "key.urgent", "cmd.urgent", args=(True,),
              why_not=_urgent, primary=True),
    KeyAction("urgent", "u", "u", "help.urgent", "key.not_urgent", "cmd.not_urgent",
              args=(False,), why_not=_not_urgent, primary=True),
    KeyAction("resolve", "x", "x", "help.resolve", "key.resolve", "cmd.resolve",
              why_not=_resolve, primary=True),
    KeyAction("details", "enter,d", "Enter", "help.details_receipt", "key.details", "cmd.details",
              why_not=_needs_job),
    # Pausing is rare: one ? away, so the key bar fits 80 columns in one line
    # (an interrupted card and a queued job selected: 76 characters); resume
    # is on it while paused.
    KeyAction("pause", "p", "p", "help.pause", "key.pause", "cmd.pause", args=(True,),
              why_not=_pause),
    KeyAction("pause", "p", "p", "help.pause", "key.resume", "cmd.resume", args=(False,),
              why_not=_unpause, primary=True),
    # Named on the help's ``p`` line: the help fits 80x24.
    KeyAction("pause_printer", "P", "P", "help.pause_printer", "key.pause_printer",
              "cmd.pause_printer", why_not=_several_printers, in_help=False),
    KeyAction("blanks", "b", "b", "help.blanks", "key.blanks", "cmd.blanks", primary=True),
    KeyAction("blanks", "t", "t", "help.receive", "key.receive", "cmd.receive",
              args=("receive",)),
    KeyAction("blanks", "", "b s", "cmd.spoil", command="cmd.spoil", args=("spoil",),
              in_help=False),
    KeyAction("blanks", "", "b k", "cmd.adjust", command="cmd.adjust", args=("adjust",),
              in_help=False),
    KeyAction("search", "slash", "/", "help.search", "key.search", "cmd.search", primary=True),
    KeyAction("filter", "f", "f", "help.filter", "key.filter", "cmd.filter"),
    KeyAction("clear_filter", "escape", "Esc", "help.escape", command="cmd.filter_clear"),
    KeyAction("events", "e", "e", "help.events", "key.events", "cmd.events"),
    KeyAction("job_log", "", "e j", "cmd.job_log", command="cmd.job_log", why_not=_needs_job,
              in_help=False),
    KeyAction("finished", "s", "s", "help.finished_handover", "key.finished", "cmd.finished"),
    KeyAction("report", "l", "l", "help.report", "key.report", "cmd.report"),
    KeyAction("report", "", "l b", "cmd.requisition", command="cmd.requisition",
              args=("blanks",), in_help=False),
    KeyAction("session", "o", "o", "help.session", "key.session", "cmd.session"),
    KeyAction("suket", "k,f7", "k", "help.suket", "key.suket", "cmd.suket",
              why_not=_needs_job),
    # Issue 13, on the screens where the job is at hand (the help fits 80x24):
    # a finished card is handed over from the finished list (the empty search
    # lists every card not collected: the call-back list); the intake
    # receipt is in the job's details.
    KeyAction("handover", "", "s g", "cmd.handover", command="cmd.handover", in_help=False),
    KeyAction("receipt", "", "Enter i", "cmd.receipt", command="cmd.receipt",
              why_not=_needs_job, in_help=False),
    KeyAction("move", "", "↑ ↓", "help.move"),
    KeyAction("palette", "", "Ctrl+P", "help.palette"),
    KeyAction("help", "question_mark,f1", "?", "help.help", "key.help", "cmd.help",
              primary=True),
    KeyAction("quit", "q", "q", "help.quit", "key.quit", "cmd.quit", primary=True),
)


def bindings() -> list[BindingType]:
    """The main screen's ``BINDINGS``. The key bar is ours (``KeyBar``), so
    Textual's footer shows none of them."""
    return [Binding(a.keys, a.action, a.label, key_display=a.shown, show=False)
            for a in ACTIONS if a.keys]


def find(name: str, args: tuple[object, ...]) -> KeyAction | None:
    return next((a for a in ACTIONS if a.name == name and a.args == tuple(args)), None)


def for_key(key: str) -> list[KeyAction]:
    """The bound actions of a Textual key name, in table order."""
    return [a for a in ACTIONS if key in a.keys.split(",")]


def help_lines() -> list[str]:
    """One line per key and text; fits 80x24 without scrolling."""
    width = max(len(a.shown) for a in ACTIONS)
    lines = [f"{a.shown:>{width}}  {t(a.help)}" for a in ACTIONS if a.in_help]
    return list(dict.fromkeys(lines))


def bar_items(now: Now) -> list[tuple[str, str]]:
    """(key, label) of the key bar: the primary actions that apply now."""
    return [(a.shown, t(a.label)) for a in ACTIONS
            if a.primary and a.label and not a.why_not(now)]


def palette_title(a: KeyAction) -> str:
    return f"{t(a.command)} ({a.shown})"
