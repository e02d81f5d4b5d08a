"""The citizen's card after printing, in the TUI (issue 13): hand a card
over (``g``), find anyone among all jobs (``/`` then Enter when no active job
matches), the call-back list of uncollected cards (``n``; offered when the
link comes back after an outage), and the intake receipt (``i``).

Every change goes through ``actions`` (``app.act`` shows a refusal in the
core's words); lists come from ``office.pickup``, the CLI's functions.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from ... import actions, fsutil, phone
from ...config import OfficeConfig
from ...fmt import one_line, stamp
from ...i18n import t
from ...model import Job
from ...office import pickup
from ..desk import AtDesk
from ..keys import translate
from ..widgets.lines_view import LinesView

#: Matches shown under the hand-over search (more: type more of the name).
SHOWN = 5


def status_word(job: Job) -> str:
    """How the card stands for pickup, in the operator's words."""
    if job.collected_at is not None:
        return t("pickup.collected")
    if job.awaiting_pickup:
        return t("pickup.ready")
    return t(f"state.{job.state.value}")


def job_line(job: Job) -> str:
    """One job in a list: id, masked NIK, how it stands, name, phone."""
    number = phone.national(job.phone) if job.phone else "-"
    return one_line(f"{job.short_id}  {pickup.masked_nik(job.nik)}  {status_word(job):16.16}  "
                    f"{number:13}  {job.name or '-'}")


class HandoverScreen(AtDesk, ModalScreen[Job | None]):
    """Type a name, NIK, phone or job id; ``↑``/``↓`` pick among the cards
    found; Enter hands the picked one over (Tab: who collects it, when not
    the citizen). So "hand over a card" is ``g``, name, ``Enter``."""

    CSS_PATH = "pickup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "key.back"),
        Binding("up", "pick(-1)", show=False, priority=True),
        Binding("down", "pick(1)", show=False, priority=True),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        translate(self)
        self.text = text
        self.found: list[Job] = []
        self.picked = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(t("handover.title"), id="title")
            yield Input(value=self.text, placeholder=t("handover.find"), id="find",
                        compact=True)
            yield Static("", id="found", markup=False)
            yield Label(t("handover.to"))
            yield Input(id="to", max_length=phone.NAME_MAX, compact=True)
            yield Static(t("handover.hint"), id="hint", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#find", Input).focus()
        self._search(self.text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "find":
            self._search(event.value)

    def _search(self, text: str) -> None:
        found = pickup.find(self.ktp.store, text) if text.strip() else []
        # Cards waiting first: those are what the desk hands over.
        self.found = sorted(found, key=lambda j: not j.awaiting_pickup)[:SHOWN]
        self.picked = 0
        self._show()

    def _callback(self) -> tuple[list[Job], str | None]:
        """Whom to call: printed since the last outage began (when the link
        came back after one), else every card not collected."""
        since = self.ktp.office.callback_since
        store = self.ktp.store
        return (pickup.printed_since(store, since) if since else pickup.uncollected(store, 0),
                since)

    def _show(self) -> None:
        if not self.found:
            if self.query_one("#find", Input).value.strip():
                words = t("find.none")
            else:
                jobs, since = self._callback()
                words = callback_title(len(jobs), since) + "\n" + t("handover.list")
            self.query_one("#found", Static).update(words)
            return
        lines = [("> " if i == self.picked else "  ") + job_line(j)
                 for i, j in enumerate(self.found)]
        self.query_one("#found", Static).update("\n".join(lines))

    def action_pick(self, step: int) -> None:
        if self.found:
            self.picked = (self.picked + step) % len(self.found)
            self._show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.query_one("#find", Input).value.strip():
            self.dismiss(None)
            self.app.push_screen(callback_screen(*self._callback()))
            return
        if not self.found:
            self.notify(t("find.none"), severity="warning")
            return
        job = self.found[self.picked]
        to = self.query_one("#to", Input).value.strip() or None
        got = self.ktp.act(actions.handover, job.id, to=to)
        if got is not None:
            self.ktp.notify(t("handover.done", job=got.short_id))
            self.ktp.apply_changes({got.id}, {"events"})
            self.dismiss(got)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class JobListScreen(AtDesk, Screen[None]):
    """A list of jobs, one line each (``job_line``): found ones or the
    call-back list. ``g`` hands the found card over; Escape goes back."""

    CSS_PATH = "pickup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "handover", "key.handover"),
        Binding("escape,q", "app.pop_screen", "key.back"),
    ]

    def __init__(self, title: str, jobs: list[Job], search: str = "") -> None:
        super().__init__()
        translate(self)
        self.title_text = title
        self.jobs = jobs
        self.search = search

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, id="title", markup=False)
        yield LinesView([job_line(j) for j in self.jobs] or [t("find.none")], id="jobs")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(LinesView).focus()

    def action_handover(self) -> None:
        self.app.push_screen(HandoverScreen(self.search))


def find_screen(text: str, jobs: list[Job]) -> JobListScreen:
    """``/``'s results over all jobs, finished ones included."""
    return JobListScreen(t("find.title", text=one_line(text), n=len(jobs)), jobs, text)


def callback_title(n: int, since: str | None) -> str:
    return (t("callback.title_since", n=n, since=stamp(since)) if since
            else t("callback.title", n=n))


def callback_screen(jobs: list[Job], since: str | None) -> JobListScreen:
    """Whom to call: cards printed since the outage began, else every card
    not collected, oldest first."""
    return JobListScreen(callback_title(len(jobs), since), jobs)


class ReceiptScreen(AtDesk, ModalScreen[None]):
    """The intake receipt of a job; ``s`` saves it as PDF (the office
    printer takes it from there), Escape closes."""

    CSS_PATH = "pickup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save", "key.save"),
        Binding("escape,q", "dismiss_none", "key.back"),
    ]

    def __init__(self, job: Job) -> None:
        super().__init__()
        translate(self)
        self.job = job

    def _office(self) -> tuple[OfficeConfig, str]:
        o = self.ktp.office
        return (OfficeConfig(name=o.office_name, regency=o.regency, address=o.address),
                o.office_code)

    def compose(self) -> ComposeResult:
        office, code = self._office()
        with Vertical(id="dialog"):
            yield LinesView(pickup.receipt_lines(self.job, office, office_code=code),
                            id="receipt")
            yield Static(t("receipt.hint"), id="hint", markup=False)

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            self.action_save()

    def action_save(self) -> None:
        from ...office import reports

        office, code = self._office()
        folder = self.ktp.office.reports_dir or reports.default_folder()
        path = folder / f"tanda-terima-{self.job.short_id}.pdf"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fsutil.write_atomic(path, pickup.receipt_pdf(self.job, office, office_code=code))
        except (OSError, fsutil.UnsafeFile) as e:
            self.notify(t("receipt.not_saved", error=e), severity="error")
            return
        self.ktp.notify(t("receipt.saved", path=path))
        self.dismiss(None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
