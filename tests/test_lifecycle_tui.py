"""The citizen's card after intake in the TUI (issue 13): the intake form's
name and phone, the receipt, hand-over from the finished list, ``/`` going
on to every job, arrival on ``r``, and the call-back offer when the link
comes back after an outage."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from test_lifecycle import _pdf_text
from test_tui import running, type_text
from textual.widgets import Input
from tuikit import LINK_SINCE, fixed_status, until

from ktptui import actions
from ktptui.central.monitor import LinkState, LinkStatus
from ktptui.demo import DemoStation, demo_nik
from ktptui.model import State, to_text
from ktptui.station.status import Gate
from ktptui.store import Store
from ktptui.tui.screens.add_job import AddJobScreen
from ktptui.tui.screens.details import DetailsScreen
from ktptui.tui.screens.pickup import HandoverScreen, JobListScreen, ReceiptScreen

NIK = demo_nik(44, 81)


def _printed(store: Store, nik: str, name: str, number: str | None = None) -> str:
    """A card printed and reported, as the engine leaves it."""
    actions.receive_blanks(store, 5, operator="admin")
    job = actions.add(store, nik, operator="t", name=name, phone_text=number)
    with store.transaction() as tx:
        j = tx.job(job.id)
        assert j is not None
        j = actions.authorised(tx, j, operator="ktp", authorization_id="auth-1")
        j = actions.sent_to_printer(tx, j, operator="ktp", printer="sim")
        j = actions.settle_card(tx, j, actions.Outcome.PRINTED, operator="ktp")
        tx.remove_outbox(f"{j.id}/{j.attempt}")
        actions.reported(tx, j, operator="ktp")
    return job.id


async def test_intake_form_asks_name_then_phone_and_refuses_a_bad_phone() -> None:
    async with running(engine=False) as (station, app, pilot):
        await pilot.press("a")
        assert isinstance(app.screen, AddJobScreen)
        await type_text(pilot, NIK)
        assert app.screen.query_one("#name", Input).has_focus  # the NIK is whole
        await type_text(pilot, "Siti")
        await pilot.press("tab")
        await type_text(pilot, "12345")
        await pilot.press("enter")
        assert isinstance(app.screen, AddJobScreen)  # refused, nothing queued
        assert not [j for j in app.store.jobs() if j.nik == NIK]
        assert any("08" in n.message for n in app._notifications)
        field = app.screen.query_one("#phone", Input)
        field.value = "0812-3456-7890"
        await pilot.press("enter")
        assert not isinstance(app.screen, AddJobScreen)
        job = next(j for j in app.store.jobs() if j.nik == NIK)
        assert (job.name, job.phone) == ("Siti", "+6281234567890")


async def test_receipt_from_the_details_saves_a_pdf(tmp_path: Path) -> None:
    async with running(engine=False) as (station, app, pilot):
        job = actions.add(app.store, NIK, operator="t", name="José Núñez")
        app.apply_changes({job.id})
        await until(pilot, lambda: app.main.table.select_job(job.id))
        app.office.reports_dir = tmp_path
        await pilot.press("enter")
        assert isinstance(app.screen, DetailsScreen)
        await pilot.press("i")
        assert isinstance(app.screen, ReceiptScreen)
        await pilot.press("s")
        saved = tmp_path / f"tanda-terima-{job.short_id}.pdf"
        await until(pilot, saved.exists)
        assert "José Núñez" in _pdf_text(saved.read_bytes())


async def test_handover_from_the_finished_list() -> None:
    ids: dict[str, str] = {}

    def before(station: DemoStation) -> None:
        ids["job"] = _printed(station.store, NIK, "Dewi Lestari")

    async with running(engine=False, before=before) as (station, app, pilot):
        await pilot.press("s", "g")
        assert isinstance(app.screen, HandoverScreen)
        field = app.screen.query_one("#find", Input)
        field.value = ""
        await type_text(pilot, "lestari")
        await until(pilot, lambda: "Dewi" in str(app.screen.query_one("#found").render()))
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, HandoverScreen))
        job = app.store.find_job(ids["job"])
        assert job.collected_at is not None and job.collected_to == "Dewi Lestari"


async def test_search_goes_on_to_every_job_and_arrive_is_on_r() -> None:
    ids: dict[str, str] = {}

    def before(station: DemoStation) -> None:
        ids["done"] = _printed(station.store, NIK, "Bambang Sutrisno")
        ids["wait"] = actions.add(station.store, demo_nik(45, 82), operator="t",
                                  name="Ratna Sari", wait_for_citizen=True).id

    async with running(engine=False, before=before) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.select_job(ids["wait"]))
        await pilot.press("r")  # the citizen came back with the receipt
        await until(pilot, lambda: app.store.find_job(ids["wait"]).state is State.QUEUED)
        await pilot.press("slash")
        await type_text(pilot, "ratna")  # the intake name filters the active view too
        assert [j.id for j in app.main.table.rows()] == [ids["wait"]]
        await pilot.press("escape", "slash")
        await type_text(pilot, "sutrisno")
        await pilot.press("enter")  # no active job matches: every job is searched
        assert isinstance(app.screen, JobListScreen)
        assert [j.id for j in app.screen.jobs] == [ids["done"]]


async def test_link_back_offers_the_call_back_list() -> None:
    ids: dict[str, str] = {}

    def before(station: DemoStation) -> None:
        ids["job"] = _printed(station.store, NIK, "Ani", "081234567890")

    async with running(engine=False, before=before) as (station, app, pilot):
        printed = app.store.find_job(ids["job"]).printed_at
        assert printed is not None
        down_since = LINK_SINCE.replace(year=2000)  # before the card was printed
        down = fixed_status(Gate.LINK, link=LinkStatus(LinkState.DOWN, down_since))
        up = replace(down, gate=Gate.WAITING,
                     link=LinkStatus(LinkState.UP, down_since + timedelta(hours=3)))
        app._offer_callback(down, up)
        assert app.office.callback_since == to_text(down_since)
        await until(pilot, lambda: any("g:" in n.message for n in app._notifications))
        app._offer_callback(up, up)  # no outage ended: no second offer
        await pilot.pause()
        assert sum("g:" in n.message for n in app._notifications) == 1
        app.push_screen(HandoverScreen())
        await until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await pilot.press("enter")  # no text: the call-back list
        await until(pilot, lambda: isinstance(app.screen, JobListScreen))
        assert isinstance(app.screen, JobListScreen)
        assert [j.id for j in app.screen.jobs] == [ids["job"]]
        lines = "\n".join(app.screen.query_one("#jobs").lines)  # type: ignore[attr-defined]
        assert "081234567890" in lines and "Ani" in lines


async def test_everyday_lifecycle_tasks_take_at_most_three_keys() -> None:
    """docs/tui.md's key counts: add with name and phone, hand a card over."""
    from test_tui_keys import Keys

    ids: dict[str, str] = {}

    def before(station: DemoStation) -> None:
        ids["job"] = _printed(station.store, NIK, "Dewi Lestari")

    async with running(engine=False, before=before) as (station, app, pilot):
        keys = Keys(pilot)  # add a citizen with name and phone
        nik = demo_nik(46, 83)
        await keys.press("a")
        await keys.type(nik)  # a whole NIK moves on to the name by itself
        await keys.type("Rina")
        await keys.press("tab")
        await keys.type("081234567890")
        await keys.press("enter")
        job = app.store.active_job_for_nik(nik)
        assert job is not None and (job.name, job.phone) == ("Rina", "+6281234567890")
        assert keys.count == 3

        keys = Keys(pilot)  # hand over a card, the citizen found by name
        await keys.press("s", "g")
        assert isinstance(app.screen, HandoverScreen)
        await keys.type("lestari")  # replaces what was there
        await until(pilot, lambda: "Dewi" in str(app.screen.query_one("#found").render()))
        await keys.press("enter")
        await until(pilot, lambda: app.store.find_job(ids["job"]).collected_at is not None)
        assert keys.count == 3
