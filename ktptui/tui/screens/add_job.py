"""Add a citizen: the NIK is checked as it is typed, with the exact reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from ... import actions, nik
from ...model import Job, Reason
from ..i18n import t
from ..keys import translate

if TYPE_CHECKING:
    from ..app import KtpApp


def nik_message(text: str) -> tuple[str, bool]:
    """What to say under the NIK field, and whether it is valid."""
    text = text.strip()
    if not text:
        return t("add.nik_empty"), False
    try:
        info = nik.validate(text)
    except nik.InvalidNik as e:
        return t("add.nik_bad", reason=str(e)), False
    sex = t("add.female") if info.female else t("add.male")
    return t("add.nik_ok", province=info.province, sex=sex), True


class AddJobScreen(ModalScreen[Job | None]):
    CSS_PATH = "add_job.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "key.back"),
        Binding("f2", "toggle_urgent", "add.urgent", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(t("add.title"), id="title")
            yield Label(t("add.nik"))
            yield Input(id="nik", max_length=16, compact=True)
            yield Static(t("add.nik_empty"), id="nik-msg", markup=False)
            yield Label(t("add.reason"))
            yield Select([(t(f"reason.{r.value}"), r) for r in Reason], value=Reason.NEW,
                         allow_blank=False, id="reason", compact=True)
            yield Checkbox(t("add.urgent") + " (F2)", id="urgent", compact=True)
            yield Label(t("add.note"))
            yield Input(id="note", compact=True)
            yield Static(t("add.hint"), id="hint", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#nik", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "nik":
            text, ok = nik_message(event.value)
            msg = self.query_one("#nik-msg", Static)
            msg.update(text)
            msg.set_class(not ok and bool(event.value.strip()), "-bad")
            msg.set_class(ok, "-ok")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        from ..app import KtpApp

        app = self.app
        assert isinstance(app, KtpApp)
        text = self.query_one("#nik", Input).value.strip()
        message, ok = nik_message(text)
        if not ok:
            self.query_one("#nik-msg", Static).update(message)
            self.query_one("#nik", Input).focus()
            return
        reason = self.query_one("#reason", Select).value
        job = self._add(app, text, reason if isinstance(reason, Reason) else Reason.NEW)
        if job is not None:
            app.notify(t("add.queued", nik=nik.mask(job.nik)))
            self.dismiss(job)

    def _add(self, app: KtpApp, text: str, reason: Reason) -> Job | None:
        return app.act(actions.add, text, reason=reason,
                       urgent=self.query_one("#urgent", Checkbox).value,
                       note=self.query_one("#note", Input).value.strip())

    def action_toggle_urgent(self) -> None:
        box = self.query_one("#urgent", Checkbox)
        box.value = not box.value

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
