"""Pilot tests of the office screens (issue #6): the daily report and the blank
requisition, print sessions, Suket slips and the job log, end to end from the
keyboard with the store checked afterwards.

Queue-only Apps on the demo station (no engine: nothing prints behind the
tests' backs, keys answer at once). Waits are bounded loops of short pauses;
nothing asserts elapsed time."""

from __future__ import annotations

import contextlib
import io
import re
import stat
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static
from tuikit import SIZE, loaded, until

from ktptui import actions, fmt
from ktptui.demo import DemoStation, demo_nik, demo_station
from ktptui.i18n import set_language
from ktptui.model import Job, State, transition
from ktptui.office import sessions
from ktptui.printers.sim import SimPrinter
from ktptui.store import Store, ledger
from ktptui.tui.app import KtpApp
from ktptui.tui.commands import station_commands
from ktptui.tui.launch import make_app
from ktptui.tui.screens.events import EventsScreen
from ktptui.tui.screens.finished import FinishedScreen
from ktptui.tui.screens.help import HelpScreen
from ktptui.tui.screens.report import ReportScreen
from ktptui.tui.screens.session import SessionScreen
from ktptui.tui.screens.suket import SuketScreen
from ktptui.tui.widgets.lines_view import LinesView


@contextlib.asynccontextmanager
async def running(jobs: int = 0, *, before: Callable[[DemoStation], None] | None = None,
                  language: str = "id", poll_s: float = 0.1,
                  ) -> AsyncIterator[tuple[DemoStation, KtpApp, Pilot[Any]]]:
    """A queue-only App on a demo station (the demo seeds 40 blanks and ``jobs`` jobs)."""
    with demo_station(seconds_per_card=0.05, jam_rate=0.0, jobs=jobs,
                      language=language) as station:
        if before is not None:
            before(station)
        app = make_app(station.config, Store(station.config.store.data_dir), None,
                       station=station)
        app.animation_level = "none"
        app.refresh_s = poll_s
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield station, app, pilot
    set_language("id")


def lines(app: KtpApp) -> list[str]:
    return list(app.screen.query_one(LinesView).lines)


def text_of(app: KtpApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def row(found: list[str], label: str) -> str:
    """The report line that starts with ``label``."""
    hits = [line for line in found if line.startswith(label)]
    assert hits, f"no line {label!r} in {found}"
    return hits[0]


def messages(app: KtpApp) -> str:
    return "\n".join(n.message for n in app._notifications)


def fresh(station: DemoStation) -> Store:
    station.store.refresh()
    return station.store


def reject_not_recorded(store: Store, i: int = 30) -> Job:
    # A Suket needs the citizen's name (issue 13).
    job = actions.add(store, demo_nik(i, 9001), operator="demo", name="Siti Rahayu")
    with store.transaction() as tx:
        job = transition(job, State.REJECTED, operator="ktp", note="central: not_recorded",
                         error_code="not_recorded", last_error="not recorded at central")
        tx.put_job(job)
    return job


# -- the daily report and the blank requisition --------------------------------------------

async def test_daily_report_days_and_requisition_with_need() -> None:
    def before(station: DemoStation) -> None:
        actions.spoil_blank(station.store, operator="siti", note="dropped")

    async with running(jobs=3, before=before) as (_station, app, pilot):
        await pilot.press("l")
        assert isinstance(app.screen, ReportScreen)
        await until(pilot, lambda: any(x.startswith("Kartu tercetak") for x in lines(app)))
        found = lines(app)
        assert "(hari ini)" in text_of(app, "#title")
        assert "kantor 35.15, stasiun demo-station" in found[0]
        assert row(found, "Kartu tercetak").split()[-1] == "0"
        assert row(found, "Blangko rusak").split()[-1] == "1"
        assert row(found, "Masih menunggu kartu").split()[-1] == "3"
        # Per operator: printed, spoiled, added, actions.
        assert row(found, "demo").split()[1:4] == ["0", "0", "3"]
        assert row(found, "siti").split()[1:3] == ["0", "1"]
        # Yesterday: nothing happened; tomorrow cannot be asked for.
        await pilot.press("left")
        await until(pilot, lambda: "(hari ini)" not in text_of(app, "#title")
                    and any(x.startswith("Blangko rusak") for x in lines(app)))
        assert row(lines(app), "Blangko rusak").split()[-1] == "0"
        await pilot.press("right")
        await until(pilot, lambda: "(hari ini)" in text_of(app, "#title"))
        await pilot.press("right")
        assert "(hari ini)" in text_of(app, "#title")
        # The requisition: b, the need, Enter (40 received by the demo).
        await pilot.press("b")
        await until(pilot, lambda: any(x.startswith("Sisa") for x in lines(app)))
        assert row(lines(app), "Sisa (di tangan)").split()[-1] == "39"
        assert isinstance(app.focused, Input)
        await pilot.press(*"35000", "enter")
        await until(pilot, lambda: any(x.startswith("Kekurangan") for x in lines(app)))
        found = lines(app)
        assert row(found, "Kebutuhan").split()[-1] == "35.000"
        assert row(found, "Kekurangan").split()[-1] == "34.960"
        assert "kebutuhan 35.000, diterima 40, kurang 34.960" in found
        # Letters reach the screen while the number field has focus.
        await pilot.press("h")
        await until(pilot, lambda: "Laporan harian" in text_of(app, "#title"))
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportScreen)


async def test_a_commit_the_requisition_picked_up_still_reaches_the_queue() -> None:
    """The core's refresh() takes other processes' commits away from the App's
    poll: the screen re-syncs the queue afterwards (here the poll never runs)."""
    async with running(jobs=2, poll_s=3600) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 2)
        job = app.main.table.rows()[0]
        actions.hold(station.store, job.id, operator="cli")  # another Store: another process
        await pilot.press("l", "b")
        await until(pilot, lambda: any(x.startswith("Sisa") for x in lines(app)))
        await until(pilot, lambda: (held := app.main.table.get(job.id)) is not None
                    and held.state is State.HELD)


async def test_report_in_english() -> None:
    async with running(jobs=1, language="en") as (_station, app, pilot):
        await pilot.press("l")
        await until(pilot, lambda: any(x.startswith("Cards printed") for x in lines(app)))
        assert "(today)" in text_of(app, "#title")
        assert row(lines(app), "Jobs still waiting").split()[-1] == "1"


def _shipment_yesterday(station: DemoStation) -> date:
    """1,234 blanks received yesterday at noon (station time)."""
    yesterday = datetime.now().astimezone().date() - timedelta(days=1)
    noon = datetime.combine(yesterday, time(12)).astimezone()
    with station.store.transaction() as tx:
        tx.add_ledger(ledger.make_entry(ledger.Kind.RECEIVED, 1234, operator="admin",
                                        note="SP-9", at=noon))
    return yesterday


ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


async def test_report_and_blanks_screens_in_indonesian_formats() -> None:
    """Indonesian mode: 1.234 and 28-11-2026 / 28 Nov 2026 on the report and
    the blanks screen, never an ISO date."""
    days: list[date] = []
    async with running(jobs=1, before=lambda s: days.append(_shipment_yesterday(s))) as (
            _station, app, pilot):
        yesterday = days[0]
        await pilot.press("l", "left")
        await until(pilot, lambda: any(x.startswith("Blangko diterima") for x in lines(app))
                    and "(hari ini)" not in text_of(app, "#title"))
        found = lines(app)
        title = text_of(app, "#title")
        assert title == f"Laporan harian {fmt.day_long(yesterday)}"
        assert row(found, "Blangko diterima").split()[-1] == "1.234"
        assert row(found, "Stok akhir blangko").split()[-1] == "1.234"  # the demo seeds today
        end = yesterday + timedelta(days=1)
        assert f"per {end.strftime('%d-%m-%Y')} 00:00" in found[0]
        assert not ISO_DATE.search("\n".join([title, *found]))
        await pilot.press("escape", "b")
        await until(pilot, lambda: any("+1.234" in x for x in lines(app)))
        shipment = next(x for x in lines(app) if "+1.234" in x)
        assert shipment.startswith(f"{yesterday.strftime('%d-%m-%Y')} 12:00:00 terima")
        summary = text_of(app, "#summary")
        assert summary.startswith("Sisa 1.274 (diterima 1.274,") and not ISO_DATE.search(
            "\n".join([summary, *lines(app)]))


async def test_the_report_screen_shows_what_the_cli_prints(tmp_path: Path) -> None:
    """One renderer: yesterday's report on the screen is, line for line, what
    `ktptui report --date` prints for the same store."""
    from ktptui.cli.main import main

    days: list[date] = []
    async with running(jobs=2, before=lambda s: days.append(_shipment_yesterday(s))) as (
            station, app, pilot):
        await pilot.press("l", "left")
        await until(pilot, lambda: any(x.startswith("Blangko diterima") for x in lines(app))
                    and "(hari ini)" not in text_of(app, "#title"))
        cfg = tmp_path / "config.toml"
        cfg.write_text(f'[store]\ndata_dir = "{station.config.store.data_dir}"\n'
                       '[station]\nid = "demo-station"\noffice_code = "35.15"\n')
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):  # the App holds sys.stdout meanwhile
            assert main(["report", "--date", days[0].isoformat(), "--config", str(cfg)]) == 0
        assert printed.getvalue().splitlines() == [text_of(app, "#title"), *lines(app)]


async def test_reports_are_saved_from_the_screen_as_pdf_and_csv(tmp_path: Path) -> None:
    folder = tmp_path / "laporan"
    async with running(jobs=1) as (_station, app, pilot):
        app.office.reports_dir = folder
        await pilot.press("l")
        await until(pilot, lambda: any(x.startswith("Kartu tercetak") for x in lines(app)))
        await pilot.press("s")
        today = datetime.now().astimezone().date()
        pdf = folder / f"laporan-harian-{today.isoformat()}.pdf"
        await until(pilot, lambda: f"Laporan disimpan: {pdf}" in messages(app))
        assert pdf.read_bytes().startswith(b"%PDF-1.4")
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600  # operators' names and counts
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        await pilot.press("b")
        await until(pilot, lambda: any(x.startswith("Sisa") for x in lines(app)))
        await pilot.press("c")
        await until(pilot, lambda: "permintaan-blangko-" in messages(app))
        (saved,) = folder.glob("permintaan-blangko-*.csv")
        assert saved.read_text().startswith("office_code,station_id,as_of,")
        assert stat.S_IMODE(saved.stat().st_mode) == 0o644
        # A folder that cannot be made: said in one line, the screen stays.
        (tmp_path / "afile").write_text("")
        app.office.reports_dir = tmp_path / "afile" / "sub"
        await pilot.press("s")
        await until(pilot, lambda: "Laporan tidak tersimpan" in messages(app))
        assert isinstance(app.screen, ReportScreen)


# -- print sessions ------------------------------------------------------------------------

async def test_session_open_and_close_record_counts_and_show_the_summary() -> None:
    async with running(jobs=1) as (station, app, pilot):
        assert "sesi" not in text_of(app, "#queue-info")
        await pilot.press("o")
        assert isinstance(app.screen, SessionScreen)
        assert "Tidak ada sesi terbuka" in text_of(app, "#state")
        await pilot.press("enter")  # no count typed: asked for one, nothing recorded
        assert "Ketik jumlah" in text_of(app, "#error")
        await pilot.press(*"38", "enter")  # the ledger says 40: the count dialog asks again
        await until(pilot, lambda: app.screen.has_class("-confirm"))
        assert "Hitungan 38 berbeda dari buku besar 40 (-2)" in text_of(app, "#ask")
        assert sessions.current(fresh(station)) is None  # nothing booked yet
        await pilot.press(*"37", "enter", *"x", "enter")  # a second count that differs
        await until(pilot, lambda: "--confirm 37 tidak sama" in text_of(app, "#error"))
        assert sessions.current(fresh(station)) is None
        await pilot.press(*"38", "enter", "backspace", *"dua sobek", "enter")
        await until(pilot, lambda: not isinstance(app.screen, SessionScreen))
        store = fresh(station)
        opened = sessions.current(store)
        assert opened is not None and opened.open_count == 38 and opened.open_ledger == 40
        adj = [e for e in store.ledger_entries() if e.kind is ledger.Kind.COUNTED]
        assert [e.delta for e in adj] == [-2]
        assert adj[0].note.endswith("hitungan 38, buku besar 40: dua sobek")
        assert "selisih -2" in messages(app)
        await until(pilot, lambda: "sesi sejak" in text_of(app, "#queue-info"))

        actions.spoil_blank(app.store, operator="siti", note="jam")  # during the shift
        app.apply_changes((), {"ledger", "events"})
        await pilot.press("o")
        await until(pilot, lambda: "rusak 1" in text_of(app, "#so-far"))
        assert "terbuka sejak" in text_of(app, "#state")
        await pilot.press(*"36", "enter")  # the ledger says 37
        await until(pilot, lambda: app.screen.has_class("-confirm"))
        await pilot.press(*"36", "enter", *"satu hilang", "enter")
        await until(pilot, lambda: app.screen.has_class("-summary"))
        found = lines(app)
        assert any("hitungan saat buka 38 (buku besar 40, koreksi -2)" in x for x in found)
        assert any("hitungan saat tutup 36 (buku besar 37, koreksi -1)" in x for x in found)
        assert row(found, "Blangko rusak").split()[-1] == "1"
        assert row(found, "Koreksi blangko").split()[-2:] == ["2", "(-3)"]
        assert "Ringkasan sesi" in text_of(app, "#summary-title")
        store = fresh(station)
        assert sessions.current(store) is None
        last = sessions.last_closed(store)
        assert last is not None and last["close_count"] == 36 and last["spoiled"] == 1
        assert store.ledger_totals().balance == 36
        details = [e.detail for e in store.events() if e.kind == "session"]
        assert details[0].startswith("opened session") and details[1].startswith("closed")
        await pilot.press("escape")
        await until(pilot, lambda: "sesi" not in text_of(app, "#queue-info"))
        # The last session is shown when the next one is opened.
        await pilot.press("o")
        assert "Sesi terakhir" in text_of(app, "#summary-title")
        await pilot.press("escape")


# -- Suket ---------------------------------------------------------------------------------

async def test_suket_saved_to_a_file_then_reprinted_as_text() -> None:
    box: dict[str, Job] = {}

    def before(station: DemoStation) -> None:
        box["job"] = reject_not_recorded(station.store)

    async with running(jobs=1, before=before) as (station, app, pilot):
        job = box["job"]
        await pilot.press("s")
        assert isinstance(app.screen, FinishedScreen)
        await until(pilot, lambda: app.screen.query_one("#finished").select_job(job.id))
        await pilot.press("k")
        assert isinstance(app.screen, SuketScreen)
        await until(pilot, lambda: any("SURAT KETERANGAN" in x for x in lines(app)))
        assert any(job.nik in x for x in lines(app))
        assert str(app.data_dir / "suket") in text_of(app, "#note")
        await pilot.press("enter")  # the offered file, without typing
        await until(pilot, lambda: not isinstance(app.screen, SuketScreen))
        # The number from the yearly register (issue 13), "/" made "-".
        path = app.data_dir / "suket" / f"470-0001-35.15-{_today(app)[:4]}.pdf"
        assert path.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        events = [e for e in fresh(station).events(job_id=job.id) if e.kind == "suket"]
        assert len(events) == 1 and f"file {path}" in events[0].detail
        assert "diterbitkan" in messages(app)

        # Again: a reprint (copy 2), as text, into a folder typed relative to the data folder.
        await pilot.press("k")
        await until(pilot, lambda: "CETAK ULANG ke-2" in text_of(app, "#note"))
        await pilot.press("s")
        target = app.screen.query_one("#target", Input)
        assert target.value == str(path.parent / f"{path.stem}-2.pdf")  # copy 2's own name
        await pilot.press("ctrl+u", *"kirim/slip.txt", "enter")
        await until(pilot, lambda: not isinstance(app.screen, SuketScreen))
        text = (app.data_dir / "kirim" / "slip.txt").read_text(encoding="utf-8")
        assert "SALINAN ke-1" in text and job.nik in text
        events = [e for e in fresh(station).events(job_id=job.id) if e.kind == "suket"]
        assert len(events) == 2 and "reprinted (copy 2)" in events[1].detail


async def test_suket_to_an_office_printer_not_the_card_printer() -> None:
    box: dict[str, Job] = {}
    office_printer = SimPrinter(seconds_per_card=0.0)

    def before(station: DemoStation) -> None:
        box["job"] = reject_not_recorded(station.store)

    async with running(before=before) as (station, app, pilot):
        job = box["job"]
        app.office.printer_factory = lambda queue: office_printer
        app.office.card_queue = "ektp"
        await pilot.press("s")
        await until(pilot, lambda: app.screen.query_one("#finished").select_job(job.id))
        await pilot.press("k")
        await until(pilot, lambda: any("SURAT KETERANGAN" in x for x in lines(app)))
        await pilot.press("p", *"ektp", "enter")  # the card printer: refused, nothing issued
        await until(pilot, lambda: "printer kartu" in messages(app))
        assert isinstance(app.screen, SuketScreen)
        assert not [e for e in fresh(station).events(job_id=job.id) if e.kind == "suket"]
        await pilot.press("ctrl+u", *"kantor", "enter")
        await until(pilot, lambda: not isinstance(app.screen, SuketScreen))
        assert [doc for doc, _ in office_printer.printed] == [f"suket-{job.short_id}"]
        events = [e for e in fresh(station).events(job_id=job.id) if e.kind == "suket"]
        assert len(events) == 1 and "printer kantor" in events[0].detail
        assert app.office.last_queue == "kantor"  # offered first next time


async def test_suket_refused_shows_the_reason() -> None:
    async with running(jobs=1) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 1)
        job = app.main.table.rows()[0]
        await pilot.press("k")
        assert isinstance(app.screen, SuketScreen)
        await until(pilot, lambda: "tidak bisa dibuat" in text_of(app, "#note"))
        assert "baru menunggu 0 hari" in text_of(app, "#note")
        await pilot.press("s")  # nothing to save
        assert not app.screen.has_class("-asking")
        await pilot.press("escape")
        assert not isinstance(app.screen, SuketScreen)
        assert not [e for e in fresh(station).events(job_id=job.id) if e.kind == "suket"]


# -- the job log, help and palette ---------------------------------------------------------

async def test_event_log_of_the_selected_job() -> None:
    async with running(jobs=2) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 2)
        job = app.main.table.rows()[1]
        await until(pilot, lambda: app.main.table.select_job(job.id))
        await pilot.press("h", "enter")  # a held job (no reason): its own events
        await pilot.press("e")
        assert isinstance(app.screen, EventsScreen)
        everything = await loaded(pilot, app.screen.query_one(LinesView))
        await pilot.press("j")
        await until(pilot, lambda: job.short_id in text_of(app, "#title"))
        only = await loaded(pilot, app.screen.query_one(LinesView))
        assert job.short_id in text_of(app, "#title")
        assert only and all(f"[{job.short_id}]" in x for x in only)
        assert len(only) < len(everything) and any("antre -> ditahan" in x for x in only)
        await pilot.press("j")
        await until(pilot, lambda: job.short_id not in text_of(app, "#title"))
        assert await loaded(pilot, app.screen.query_one(LinesView)) == everything


async def test_help_and_palette_list_the_office_keys() -> None:
    async with running(jobs=1) as (_station, app, pilot):
        titles = [title for title, _ in station_commands(app)]
        for key in ("(l)", "(l b)", "(o)", "(k)", "(e j)"):
            assert any(title.endswith(key) for title in titles), key
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        view = app.screen.query_one(LinesView)
        shown = view.lines
        assert any("laporan harian" in x for x in shown)
        assert view.size.height >= len(shown)  # every key without scrolling
        await pilot.press("escape")


def _today(app: KtpApp) -> str:
    return app.clock().astimezone().strftime("%Y%m%d")
