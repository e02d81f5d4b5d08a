"""``k``: the Suket (temporary certificate) for the selected job: a preview of
the slip, then ``Enter`` saves it as PDF (mode 0600) in the data folder's
``suket`` folder (or the last folder used), ``s`` saves it where the operator
types (a folder, or a file; ``.txt`` is plain text), or ``p`` sends it to an
office printer queue (CUPS, never the card printer). A job that may not have one
shows the core's reason instead. Each issue is recorded by the core (a
``suket`` event); issuing again is a reprint (copy 2, 3, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from ...i18n import t
from ...nik import mask
from ...office import suket
from ..desk import AtDesk
from ..keys import translate
from ..office import suket_filename, suket_target
from ..widgets.lines_view import LinesView
from .core_call import CoreDone, call_core, resync

if TYPE_CHECKING:
    from ...model import Job

FILE, PRINTER = "file", "printer"


class SuketScreen(AtDesk, Screen[None]):
    CSS_PATH = "suket.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save_default", "key.suket_save", key_display="↵"),
        Binding("s", "where('file')", "key.suket_save_as"),
        Binding("p", "where('printer')", "key.suket_print"),
        Binding("escape", "close", "key.back"),
        Binding("q,k", "close", show=False),
    ]

    def __init__(self, job: Job) -> None:
        super().__init__()
        translate(self)
        self.job = job
        self.slip: suket.Slip | None = None
        self.refused = ""
        self.asking = ""  # FILE / PRINTER while the destination is typed
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(t("suket.title", job=self.job.short_id, nik=mask(self.job.nik)),
                     id="title", markup=False)
        yield Static(t("suket.preparing"), id="note", markup=False)
        yield LinesView(id="slip")
        with Vertical(id="where"):
            yield Label("", id="where-label")
            yield Input(id="target", compact=True)
            yield Static(t("suket.where_hint"), id="where-hint", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#target", Input).cursor_blink = False
        self.query_one(LinesView).focus()
        app = self.ktp
        office, store, job_id = app.office, app.store, self.job.id
        operator, now = app.operator, app.clock()
        call_core(self, "prepare", lambda: suket.prepare(
            store, job_id, operator=operator, office_code=office.office_code,
            station_id=office.station_id, wait_days=office.suket_after_days, now=now,
            office=office.config))

    # -- keys ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("where", "save_default"):
            return self.slip is not None and not self.asking and not self.busy
        return True

    @property
    def default_file(self) -> Path:
        folder = self.ktp.office.last_folder or self.ktp.data_dir / "suket"
        assert self.slip is not None
        return folder / suket_filename(self.slip)

    def action_where(self, kind: str) -> None:
        if self.slip is None:
            return
        self.asking = kind
        self.add_class("-asking")
        office = self.ktp.office
        label = self.query_one("#where-label", Label)
        target = self.query_one("#target", Input)
        if kind == FILE:
            label.update(t("suket.file"))
            target.value = str(self.default_file)
        else:
            label.update(t("suket.queue"))
            target.value = office.last_queue
        target.cursor_position = len(target.value)
        target.focus()
        self.refresh_bindings()

    def action_save_default(self) -> None:
        """Enter on the preview: the offered file, without typing."""
        if self.slip is None or self.asking or self.busy:
            return
        self.action_where(FILE)
        self._issue(str(self.default_file))

    def _stop_asking(self) -> None:
        self.asking = ""
        self.remove_class("-asking")
        self.query_one(LinesView).focus()
        self.refresh_bindings()

    def action_close(self) -> None:
        if self.busy:
            self.notify(t("office.busy"), severity="warning")
        elif self.asking:
            self._stop_asking()
        else:
            self.dismiss(None)

    # -- issuing -------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._issue(event.value)

    def _issue(self, typed: str) -> None:
        if self.busy or not self.asking or self.slip is None:
            return
        app = self.ktp
        job_id, now = self.job.id, app.clock()
        typed = typed.strip()
        if self.asking == FILE:
            out, as_text = suket_target(typed, self.default_file, app.data_dir)

            def work() -> object:
                out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                return app.issue_suket(job_id, now, out=out, as_text=as_text)
        else:
            if not typed:
                self.notify(t("suket.no_queue"), severity="warning")
                return

            def work() -> object:
                return app.issue_suket(job_id, now, printer=app.office.printer(typed),
                                       printer_name=typed)
        self.busy = True
        self.query_one("#where-hint", Static).update(t("suket.sending"))
        self.refresh_bindings()
        call_core(self, self.asking, work)

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
        app = self.ktp
        resync(app)
        note = self.query_one("#note", Static)
        if message.tag == "prepare":
            if message.error:
                self.refused = message.error
                note.update(f"{t('suket.refused')} {message.error}")
                note.add_class("-refused")
                self.query_one(LinesView).set_lines([])
            else:
                slip = message.value
                assert isinstance(slip, suket.Slip)
                self.slip = slip
                folder = str(self.default_file.parent)
                note.update(t("suket.reprint", copy=slip.copy, folder=folder) if slip.reprint
                            else t("suket.hint", folder=folder))
                self.query_one(LinesView).set_lines(suket.lines(slip))
            self.refresh_bindings()
            return
        self.busy = False
        self.query_one("#where-hint", Static).update(t("suket.where_hint"))
        if message.error:
            app.notify(message.error, title=t("action.refused"), severity="error", timeout=10)
            self.refresh_bindings()
            return
        issued = message.value
        assert isinstance(issued, suket.Issued)
        typed = self.query_one("#target", Input).value.strip()
        if message.tag == FILE:
            saved = next((o for o in issued.outputs if o.startswith("file ")), "")
            if saved:
                app.office.last_folder = Path(saved[len("file "):]).parent
        else:
            app.office.last_queue = typed
        slip = issued.slip
        where = ", ".join(w.text() for w in issued.where) or ", ".join(issued.outputs)
        text = (t("suket.reprinted", number=slip.number, copy=slip.copy, where=where)
                if slip.reprint else t("suket.issued", number=slip.number, where=where))
        app.notify(text, timeout=10)
        if issued.print_problem:
            problem = issued.problem.text() if issued.problem else issued.print_problem
            app.notify(t("suket.print_problem", problem=problem),
                       severity="error", timeout=15)
        self.dismiss(None)
