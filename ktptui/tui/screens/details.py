"""One job: every field and its whole history (newest last, as it happened)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...fmt import one_line, reason_label, stamp, state_label
from ...i18n import t, t_opt
from ...model import Job
from ..desk import AtDesk, StoreChanged
from ..keys import translate
from ..status import link_cause
from ..widgets.lines_view import LinesView


def field_lines(job: Job) -> list[str]:
    rows = [
        ("field.id", job.id),
        ("field.nik", job.nik),
        ("field.name", job.holder_name or "-"),
        ("field.state", state_label(job.state)),
        ("field.attempt", str(job.attempt)),
        ("field.priority", t(f"priority.{job.priority.value}")),
        ("field.reason", reason_label(job)),
        ("field.created", stamp(job.created_at, seconds=True)),
        ("field.updated", stamp(job.updated_at, seconds=True)),
        ("field.operator", job.operator),
    ]
    if job.expires_at:
        rows.append(("field.expires", stamp(job.expires_at, seconds=True)))
    if job.note:
        rows.append(("field.note", one_line(job.note)))
    if job.last_error:
        rows.append(("field.error", link_cause(job.shown_error())))
    if job.error_code:
        rows.append(("field.error_code", t_opt(f"code.{job.error_code}", job.error_code)))
    # Issue 13: the citizen's contact and the card's pickup.
    if job.name:
        rows.append(("field.citizen", one_line(job.name)))
    if job.phone:
        rows.append(("field.phone", job.phone))
    if job.card_printed_at:
        rows.append(("field.printed", stamp(job.card_printed_at, seconds=True)))
    if job.collected_at:
        rows.append(("field.collected", f"{stamp(job.collected_at, seconds=True)} "
                     f"({one_line(job.collected_to or '-')}; {job.collected_by or '-'})"))
    return [f"{t(key) + ':':24}{value}" for key, value in rows]


def _state(value: str | None) -> str:
    return t_opt(f"state.{value}", value) if value else "-"


def history_lines(job: Job) -> list[str]:
    return [
        f"{stamp(h.at, seconds=True)}  {_state(h.from_state):>11} -> "
        f"{_state(h.to_state):11} {h.operator}  {one_line(h.shown_note())}"
        for h in job.history
    ]


class DetailsScreen(AtDesk, Screen[None]):
    CSS_PATH = "details.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "receipt", "key.receipt"),
        Binding("escape,q,d", "app.pop_screen", "key.back"),
    ]

    def __init__(self, job_id: str, job: Job | None = None) -> None:
        super().__init__()
        translate(self)
        self.job_id = job_id
        #: An archived job (from the finished list) is not in the hot set:
        #: shown as given, not looked up in the archive on the UI thread.
        self.given = job

    def compose(self) -> ComposeResult:
        yield Static("", id="title", markup=False)
        yield Static("", id="fields", markup=False)
        yield Static(t("details.history"), id="history-title", markup=False)
        yield LinesView(id="history")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.show()
        self.query_one(LinesView).focus()

    def show(self) -> None:
        job = self.ktp.store.job(self.job_id) or self.given
        if job is None:
            return
        self.query_one("#title", Static).update(t("details.title", job=job.short_id))
        self.query_one("#fields", Static).update("\n".join(field_lines(job)))
        self.query_one(LinesView).set_lines(history_lines(job))

    def action_receipt(self) -> None:
        """The intake receipt (issue 13)."""
        from .pickup import ReceiptScreen

        job = self.ktp.store.job(self.job_id) or self.given
        if job is not None:
            self.app.push_screen(ReceiptScreen(job))

    def on_store_changed(self, message: StoreChanged) -> None:
        if message.reloaded or self.job_id in message.jobs:
            self.show()
