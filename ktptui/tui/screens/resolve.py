"""Resolve an interrupted card: the operator looked at the printer."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...fmt import one_line
from ...i18n import t
from ...model import Job, Outcome
from ...nik import mask
from ..keys import translate


class ResolveScreen(ModalScreen[Outcome | None]):
    CSS_PATH = "resolve.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose('printed')", show=False),
        Binding("2", "choose('spoiled')", show=False),
        Binding("3", "choose('not_printed')", show=False),
        Binding("escape", "choose('')", "key.back"),
    ]

    def __init__(self, job: Job) -> None:
        super().__init__()
        translate(self)
        self.job = job

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(t("resolve.title", job=self.job.short_id, nik=mask(self.job.nik)),
                         id="title", markup=False)
            # The printer the card was sent to (several printers: look there).
            yield Static(t("resolve.question_printer", printer=one_line(self.job.printer))
                         if self.job.printer else t("resolve.question"), markup=False)
            yield Static(t("resolve.printed"), classes="choice", markup=False)
            yield Static(t("resolve.spoiled"), classes="choice", markup=False)
            yield Static(t("resolve.not_printed"), classes="choice", markup=False)
            yield Static(t("resolve.hint"), id="hint", markup=False)

    def action_choose(self, outcome: str) -> None:
        self.dismiss(Outcome(outcome) if outcome else None)
