"""The TUI attached to the station service (issue 15): it reads through the
service (a ``RemoteStore``) and every change is a request acting as the
socket's peer, so it never opens the station's data folder.

A real service runs in this process on a simulated central and two
simulated printers; ``Store`` is made to fail once the service has opened
its stores, so any store the TUI tried to open would fail the test. Waits
are bounded loops on conditions."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_service import ME, MY_GROUP, wait_for
from textual.pilot import Pilot
from tuikit import until

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.config import load
from ktptui.demo import demo_nik
from ktptui.errors import KtpError
from ktptui.model import Priority, State
from ktptui.office import sessions
from ktptui.paths import state_dir
from ktptui.station.client import Remote, ServiceRunner
from ktptui.station.remote_store import ReadOnly, RemoteStore
from ktptui.station.service import StationService
from ktptui.store import Store, journal, ledger
from ktptui.tui.app import KtpApp
from ktptui.tui.launch import attached_app
from ktptui.tui.screens.blanks import BlankForm
from ktptui.tui.screens.pickup import ReceiptScreen
from ktptui.tui.screens.printers import PrinterPicker
from ktptui.tui.screens.reason import ReasonScreen
from ktptui.tui.screens.session import SessionScreen


def _config(tmp_path: Path, base_url: str, sock: Path) -> Path:
    token = tmp_path / "token"
    token.write_text("tok")
    token.chmod(0o600)
    config = tmp_path / "config.toml"
    printers = "".join(f'[[printers]]\nname = "{name}"\nbackend = "sim"\n'
                       f"sim_seconds_per_card = 0.1\n" for name in ("p1", "p2"))
    config.write_text(f"""
[store]
data_dir = "{tmp_path / 'data'}"
[central]
base_url = "{base_url}"
token_file = "{token}"
{printers}[power]
source = "none"
[office]
operator_group = "{MY_GROUP}"
[service]
socket = "{sock}"
""")
    return config


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[tuple[StationService, Store]]:
    """The service, and the test's own view of its store; then no Store
    can be opened in this process any more (the TUI must not need one)."""
    sock = Path(tempfile.mkdtemp(prefix="kt", dir="/tmp")) / "ktptui.sock"
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        service = StationService(load(_config(tmp_path, central.base_url, sock)),
                                 takeover_s=0.2)
        store = Store(service.config.store.data_dir)
        service.start()

        def no_store(self: Store, *args: Any, **kwargs: Any) -> None:
            raise AssertionError("the attached TUI opened the store folder")

        monkeypatch.setattr(journal.Store, "__init__", no_store)
        try:
            yield service, store
        finally:
            monkeypatch.undo()
            assert service.stop(wait=30)
            sock.unlink(missing_ok=True)
            sock.parent.rmdir()


@contextlib.asynccontextmanager
async def attached(service: StationService) -> AsyncIterator[tuple[KtpApp, Pilot[Any]]]:
    runner = ServiceRunner(service.path)
    assert runner.attach()
    app = attached_app(service.config, runner)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.status is not None)  # pushed by the service
            yield app, pilot
    finally:
        assert app.service is not None
        app.service.close()


def messages(app: KtpApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def fresh(store: Store) -> Store:
    store.refresh()
    return store


async def test_the_attached_tui_acts_through_the_service_as_the_peer(
        station: tuple[StationService, Store]) -> None:
    service, store = station
    nik = demo_nik(51, 52)
    async with attached(service) as (app, pilot):
        assert isinstance(app.store, RemoteStore) and app.engine is None
        # Its own files go to the operator's state folder, not the data folder.
        assert app.data_dir == state_dir()
        await pilot.press("p")  # pause: nothing prints behind the test's back
        await until(pilot, lambda: fresh(store).meta(actions.PAUSED_KEY))
        assert store.meta(actions.PAUSED_KEY)["by"] == ME

        await pilot.press("a", *nik, "enter")
        await until(pilot, lambda: fresh(store).active_job_for_nik(nik) is not None)
        job = store.active_job_for_nik(nik)
        assert job is not None and job.operator == ME
        await until(pilot, lambda: app.main.table.select_job(job.id))

        await pilot.press("h")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"warga minta", "enter")
        held = fresh(store).job(job.id)
        assert held is not None and held.state is State.HELD
        assert held.history[-1].note == "warga minta" and held.history[-1].operator == ME
        await until(pilot, lambda: (row := app.main.table.get(job.id)) is not None
                    and row.state is State.HELD)

        await pilot.press("r")
        released = fresh(store).job(job.id)
        assert released is not None and any(
            (h.from_state, h.to_state, h.operator) == ("held", "queued", ME)
            for h in released.history)
        await pilot.press("u")
        urgent = fresh(store).job(job.id)
        assert urgent is not None and urgent.priority is Priority.URGENT
        await pilot.press("u")  # the same key undoes it: "urgent" with urgent=false
        assert fresh(store).job(job.id).priority is Priority.NORMAL  # type: ignore[union-attr]

        # The intake receipt (Enter i) reads the job through the service.
        await pilot.press("enter", "i")
        assert isinstance(app.screen, ReceiptScreen)
        receipt = app.screen.query_one("#receipt").lines  # type: ignore[attr-defined]
        assert any(job.id in line for line in receipt)
        await pilot.press("escape", "escape")

        # Blanks: received through the service, booked as the peer.
        before = store.ledger_totals().balance
        await pilot.press("t")
        assert isinstance(app.screen, BlankForm)
        await pilot.press(*"25", "enter", *"s12", "enter")
        await until(pilot, lambda: not isinstance(app.screen, BlankForm))
        received = fresh(store).ledger_of_kind(ledger.Kind.RECEIVED)[-1]
        assert (received.delta, received.ref, received.operator) == (25, "s12", ME)
        assert store.ledger_totals().balance == before + 25
        await pilot.press("escape")

        # A session: a count that differs asks again (the refusal's figures
        # come back), then opens with its adjustment; closed with a summary.
        balance = before + 25
        await pilot.press("o")
        assert isinstance(app.screen, SessionScreen)
        await pilot.press(*str(balance - 2), "enter")
        await until(pilot, lambda: app.screen.has_class("-confirm"))
        assert sessions.current(fresh(store)) is None  # nothing booked yet
        await pilot.press(*str(balance - 2), "enter", *"dua sobek", "enter")
        await until(pilot, lambda: not isinstance(app.screen, SessionScreen))
        opened = sessions.current(fresh(store))
        assert opened is not None and opened.opened_by == ME
        assert (opened.open_count, opened.open_ledger) == (balance - 2, balance)
        await pilot.press("o")
        await pilot.press(*str(balance - 2), "enter")
        await until(pilot, lambda: app.screen.has_class("-summary"))
        last = sessions.last_closed(fresh(store))
        assert last is not None and last["closed_by"] == ME
        summary = app.screen.query_one("#summary").lines  # type: ignore[attr-defined]
        assert any("-2" in line and "dua sobek" in line for line in summary), summary
        await pilot.press("escape")

        # One printer of two paused, by the peer.
        await pilot.press("P")
        assert isinstance(app.screen, PrinterPicker)
        await pilot.press("enter")
        await until(pilot, lambda: "p1" in actions.paused_printers(fresh(store)))
        assert actions.paused_printers(store)["p1"]["by"] == ME
        await until(pilot, lambda: "p1" in app.paused_printers())

        await pilot.press("p")  # resume: the service prints it
        await until(pilot, lambda: not fresh(store).meta(actions.PAUSED_KEY))
        assert wait_for(lambda: fresh(store).job(job.id).state is State.DONE,  # type: ignore
                        30)
        assert fresh(store).job(job.id).printer == "p2"  # type: ignore[union-attr]
    assert "Traceback" not in messages(app)


async def test_another_clients_change_is_pushed_and_two_operators_get_one_refusal(
        station: tuple[StationService, Store]) -> None:
    service, store = station
    with Remote.attach(service.path) as other:  # type: ignore[union-attr]
        other.call("pause")
        other.call("blanks_receive", count=10)
        async with attached(service) as (app, pilot):
            app.refresh_s = 600  # no poll: the table changes by what is pushed
            job_id = other.call("add", nik=demo_nik(53, 54), name="SITI")["job"]["id"]
            await until(pilot, lambda: app.main.table.get(job_id) is not None, tries=100)
            job = app.main.table.get(job_id)
            assert job is not None and job.state is State.QUEUED

            # Two operators hold the same job: the other one first.
            other.call("hold", job=job_id, note="first")
            assert app.job_action("hold", job, "second") is None
            await until(pilot, lambda: any(n.severity == "error" and job.short_id in n.message
                                           for n in app._notifications))
            held = fresh(store).job(job_id)
            assert held is not None and [h.note for h in held.history].count("second") == 0
            await until(pilot, lambda: (row := app.main.table.get(job_id)) is not None
                        and row.state is State.HELD, tries=100)

            other.call("release", job=job_id)
            other.call("unpause")
            await pilot.press("q")  # closing the TUI: the service prints on
        assert wait_for(lambda: fresh(store).job(job_id).state is State.DONE,  # type: ignore
                        30)
        assert service.runner.running
        assert other.call("hello")["clients"] == 1


async def test_a_suket_is_recorded_by_the_service_and_saved_by_the_tui(
        station: tuple[StationService, Store]) -> None:
    """The service takes the number and records the issue as the peer; the
    TUI writes the slip into the operator's own folder (the service could
    not: its home is read-only to it)."""
    from test_tui_office import reject_not_recorded

    from ktptui.tui.screens.suket import SuketScreen

    service, store = station
    job = reject_not_recorded(store)
    async with attached(service) as (app, pilot):
        app.push_screen(SuketScreen(job))
        await until(pilot, lambda: isinstance(app.screen, SuketScreen)
                    and app.screen.slip is not None)
        await pilot.press("enter")  # the offered file
        await until(pilot, lambda: not isinstance(app.screen, SuketScreen), tries=100)
        files = list((state_dir() / "suket").glob("*.pdf"))
        assert len(files) == 1 and files[0].read_bytes().startswith(b"%PDF")
        assert files[0].stat().st_mode & 0o077 == 0
        events = [e for e in fresh(store).events(job_id=job.id) if e.kind == "suket"]
        assert len(events) == 1 and events[0].operator == ME
        assert f"file {files[0]}" in events[0].detail
    assert "Traceback" not in messages(app)


async def test_the_service_going_away_ends_the_tui_with_one_line_not_a_crash(
        station: tuple[StationService, Store]) -> None:
    service, _ = station
    async with attached(service) as (app, pilot):
        assert service.stop(wait=30)
        await until(pilot, lambda: app.return_value is not None, tries=200)
    assert app.return_value == 1 and app.crash is None
    assert str(service.path) in app.exit_note and "\n" not in app.exit_note


# -- the action table, through the service's request table (no socket) ----------------------

def test_every_act_maps_onto_its_request_and_returns_what_the_action_returns(
        tmp_path: Path) -> None:
    """Each ``actions`` function of ``attached.ACTS`` done through the
    service's table as operator "siti": the effect lands with her name and
    the screens get the action's own kind of value back."""
    from officekit import authorize, move
    from test_remote_store import OPERATOR, SUPERVISOR, Loopback

    from ktptui.model import Job, Outcome, Reason
    from ktptui.store.ledger import Entry, Kind
    from ktptui.tui import attached as via

    st = Store(tmp_path / "data")
    view = RemoteStore(Loopback(st))
    done: set[object] = set()

    def act(fn: Any, *args: Any, as_: Any = OPERATOR, **kwargs: Any) -> Any:
        done.add(fn)
        return via.act(Loopback(st, as_), view, fn, args, kwargs)

    job = act(actions.add, demo_nik(61, 62), reason=Reason.DAMAGED, note="n", name="SITI",
              phone_text="0812 3456 7890", wait_for_citizen=False)
    assert isinstance(job, Job) and job == st.job(job.id)
    assert (job.reason, job.name, job.phone, job.operator) == (
        Reason.DAMAGED, "SITI", "+6281234567890", "siti")
    assert act(actions.hold, job.id, note="why").state is State.HELD
    assert act(actions.release, job.id).state is State.QUEUED
    assert act(actions.make_urgent, job.id).priority is Priority.URGENT
    assert act(actions.make_urgent, job.id, urgent=False).priority is Priority.NORMAL
    cancelled = act(actions.cancel, job.id, note="salah")
    assert cancelled.state is State.CANCELLED and cancelled.history[-1].note == "salah"
    assert cancelled.history[-1].operator == "siti"

    waiting = actions.add(st, demo_nik(63, 64), operator="t", wait_for_citizen=True)
    assert act(actions.arrive, waiting.id).state is State.QUEUED

    st.refresh()
    act(actions.receive_blanks, 10, ref="s1", note="kiriman")
    authorize(st, waiting.id)
    move(st, waiting.id, State.PRINTING)
    move(st, waiting.id, State.INTERRUPTED, note="jam")
    printed = act(actions.resolve, waiting.id, Outcome.PRINTED)
    assert printed.state is not State.INTERRUPTED and printed.awaiting_pickup
    handed = act(actions.handover, waiting.id, to="ADIK")
    assert (handed.collected_to, handed.collected_by) == ("ADIK", "siti")

    assert act(actions.set_paused, True) is None
    assert st.meta(actions.PAUSED_KEY)["by"] == "siti"
    act(actions.set_paused, False)
    assert not fresh(st).meta(actions.PAUSED_KEY)
    assert act(actions.pause_printer, "ektp") == "ektp"
    assert actions.paused_printers(fresh(st))["ektp"]["by"] == "siti"
    assert act(actions.resume_printer, "ektp") == "ektp"
    assert actions.paused_printers(fresh(st)) == {}

    received = st.ledger_of_kind(Kind.RECEIVED)[-1]
    assert (received.delta, received.ref, received.operator) == (10, "s1", "siti")
    spoiled = act(actions.spoil_blank, note="sobek")
    assert isinstance(spoiled, Entry) and spoiled.kind is Kind.SPOILED
    assert spoiled == fresh(st).ledger_of_kind(Kind.SPOILED)[-1]
    # The service asks the kernel who the peer is: the ``who`` a screen gives is not sent.
    with pytest.raises(KtpError, match="siti"):
        act(actions.adjust_blanks, -1, reason="hitung", who=SUPERVISOR)
    adjusted = act(actions.adjust_blanks, -1, reason="hitung", who=OPERATOR, as_=SUPERVISOR)
    assert adjusted.kind is Kind.ADJUSTED and adjusted.operator == "kasi"
    assert done == set(via.ACTS)
    # An action with no request is refused, not tried on a store it cannot write.
    with pytest.raises(ReadOnly):
        via.act(Loopback(st), view, actions.approve_count, ("abc",), {"who": OPERATOR})


def test_every_action_a_screen_runs_through_the_desk_has_its_request() -> None:
    """A new ``actions`` function (one that writes: it takes an
    ``operator``) named in a screen without an entry in ``attached.ACTS``
    would be refused whenever the TUI is attached."""
    import ast
    import inspect

    import ktptui.tui
    from ktptui.tui.attached import ACTS

    used: set[str] = set()
    for path in Path(ktptui.tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "actions"):
                fn = getattr(actions, node.attr)
                if callable(fn) and "operator" in inspect.signature(fn).parameters:
                    used.add(node.attr)
    assert {"hold", "make_urgent", "handover", "adjust_blanks"} <= used  # the scan finds them
    assert used - {fn.__name__ for fn in ACTS} == set()
