"""Add a citizen: the NIK is checked as it is typed, with the exact reason.

Keys: type the NIK, Enter queues it. Beyond the NIK every choice is one key
that works from any field: F2 urgent on/off, F3-F6 the reason; Tab reaches the
note. So "add an urgent card for a damaged e-KTP" is ``a``, NIK, ``F5``,
``F2``, ``Enter``.

The citizen's name and mobile number follow the NIK (issue 13): a whole,
valid NIK moves the cursor on to the name by itself, Tab to the phone, so
"add a card with name and phone" is ``a``, NIK, name, ``Tab``, phone,
``Enter``. Both may stay empty; a bad phone or name is refused in the
core's words (``phone``) and nothing is queued.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ... import actions, nik, phone
from ...i18n import t
from ...model import Job, Reason
from ..desk import AtDesk, Desk
from ..keys import translate

#: One key per reason (the order of the reason line).
REASON_KEYS: list[tuple[str, Reason]] = [
    ("f3", Reason.NEW), ("f4", Reason.DATA_CHANGE), ("f5", Reason.DAMAGED), ("f6", Reason.LOST),
]

EMPTY, PARTIAL, BAD, OK = "empty", "partial", "bad", "ok"


def nik_check(text: str) -> tuple[str, str]:
    """What to say under the NIK field as it is typed, and how it stands:
    ``empty``, ``partial`` (right so far), ``bad`` (the exact rule broken, in
    ``nik``'s words, as the CLI says it) or ``ok``."""
    text = text.strip()
    if not text:
        return t("add.nik_empty"), EMPTY
    if (wrong := nik.problem(text, partial=True)) is not None:
        return wrong.message(), BAD
    if len(text) < 16:
        where = nik.PROVINCES[text[:2]] if len(text) >= 2 else ""
        return t("nik.partial", n=len(text), where=where), PARTIAL
    info = nik.validate(text)
    sex = t("add.female") if info.female else t("add.male")
    return t("add.nik_ok", province=info.province, sex=sex), OK


def nik_message(text: str) -> tuple[str, bool]:
    """What to say under the NIK field, and whether the NIK is whole and valid."""
    message, state = nik_check(text)
    return message, state == OK


class AddJobScreen(AtDesk, ModalScreen[Job | None]):
    CSS_PATH = "add_job.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "key.back"),
        Binding("f2", "toggle_urgent", "add.urgent", priority=True),
        *(Binding(key, f"reason('{reason.value}')", show=False, priority=True)
          for key, reason in REASON_KEYS),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)
        self.reason = Reason.NEW
        self.urgent = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(t("add.title"), id="title")
            yield Label(t("add.nik"))
            yield Input(id="nik", max_length=16, compact=True)
            yield Static(t("add.nik_empty"), id="nik-msg", markup=False)
            yield Label(t("add.name"))
            yield Input(id="name", max_length=phone.NAME_MAX, compact=True)
            yield Label(t("add.phone"))
            yield Input(id="phone", max_length=20, compact=True)
            yield Static(self._reason_text(), id="reason", markup=False)
            yield Static(self._urgent_text(), id="urgent", markup=False)
            yield Label(t("add.note"))
            yield Input(id="note", compact=True)
            yield Static(t("add.hint_contact"), id="hint", markup=False)

    def _reason_text(self) -> str:
        choices = []
        for key, reason in REASON_KEYS:
            label = t(f"reason.{reason.value}")
            choices.append(f"{key.upper()} " + (f"[{label}]" if reason is self.reason else label))
        return f"{t('add.reason')}: " + "  ".join(choices)

    def _urgent_text(self) -> str:
        return f"F2 {t('add.urgent')}: " + (t("add.yes") if self.urgent else t("add.no"))

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#nik", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "nik":
            self._show_nik(event.value)
            if nik_message(event.value)[1] and event.input.has_focus:
                self.query_one("#name", Input).focus()  # the NIK is whole: on to the name

    def _show_nik(self, value: str, *, submitted: bool = False) -> None:
        text, state = nik_check(value)
        if submitted and state == PARTIAL and (wrong := nik.problem(value.strip())):
            text, state = wrong.message(), BAD
        msg = self.query_one("#nik-msg", Static)
        msg.update(text)
        msg.set_class(state == BAD, "-bad")
        msg.set_class(state == OK, "-ok")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        app = self.ktp
        field = self.query_one("#nik", Input)
        text = field.value.strip()
        if not nik_message(text)[1]:
            self._show_nik(text, submitted=True)
            field.focus()
            return
        job = self._add(app, text, self.reason)
        if job is not None:
            app.notify(t("add.queued", nik=nik.mask(job.nik)))
            self.dismiss(job)

    def _add(self, app: Desk, text: str, reason: Reason) -> Job | None:
        name = self.query_one("#name", Input).value.strip() or None
        number = self.query_one("#phone", Input).value.strip() or None
        return app.act(actions.add, text, reason=reason, urgent=self.urgent,
                       note=self.query_one("#note", Input).value.strip(), name=name,
                       phone_text=number, wait_for_citizen=app.office.print_when_present)

    def action_toggle_urgent(self) -> None:
        self.urgent = not self.urgent
        urgent = self.query_one("#urgent", Static)
        urgent.update(self._urgent_text())
        urgent.set_class(self.urgent, "-on")

    def action_reason(self, value: str) -> None:
        self.reason = Reason(value)
        self.query_one("#reason", Static).update(self._reason_text())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
