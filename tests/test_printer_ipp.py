"""Printer readiness from the printer itself (issue 10.3), against a real IPP
printer: ``ippeveprinter`` (cups-ipp-utils) as the card printer behind a
private cupsd whose queue's device URI is ipp://127.0.0.1:PORT/ipp/print.

What ippeveprinter 2.4.2 offers and these tests use (see testbeds.py): its
``/media`` web form sets media-empty / media-low; its print command's
``STATE:`` lines set any reason it knows (media-jam, cover-open, paused,
marker-supply-low/-empty...), which stay after the command ends; stopping it
is how a printer that is off looks. It reports reasons with a suffix by its
state (``media-empty-report`` when idle).
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_engine import TOKEN, FakePower, new_engine, nik, until
from testbeds import Cups, IppPrinter, cupsd, free_port, ippeveprinter
from tuikit import fixed_status

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.cli import main as cli
from ktptui.config import (
    CentralConfig,
    Config,
    ConfigError,
    EngineConfig,
    PowerConfig,
    PrinterConfig,
    StationConfig,
    StoreConfig,
)
from ktptui.config import parse as parse_config
from ktptui.i18n import set_language
from ktptui.model import State
from ktptui.printers import PrintResult, make_printer
from ktptui.printers.base import PrinterStatus
from ktptui.printers.cups import CANCELED, CupsPrinter, parse_printer_status
from ktptui.printers.ipp import (
    CHARSET,
    ENUM,
    KEYWORD,
    TAG_PRINTER,
    TEXT,
    attr,
    classify,
    reason_code,
)
from ktptui.station.engine import Gate
from ktptui.station.status import StationStatus
from ktptui.store import Store
from ktptui.tui import status as tui_status

pytestmark = pytest.mark.cups

DOC = b"%PDF-1.4\n% a card\n"
#: The print command: emits the STATE: lines a test put in ``state``, then
#: "prints" (one line per card in ``titles``).
COMMAND = """#!/bin/sh
[ -f {d}/state ] && cat {d}/state >&2
cat "$1" >> {d}/cards.prn
echo "${{IPP_JOB_NAME:-card}}" >> {d}/titles
"""


class Bench:
    def __init__(self, cups: Cups, printer: IppPrinter, device: Path) -> None:
        self.cups, self.printer, self.device = cups, printer, device

    def cups_printer(self, queue: str = "card", device_uri: str = "") -> CupsPrinter:
        return CupsPrinter(queue, server=self.cups.server, poll_s=0.05, timeout_s=30,
                           device_uri=device_uri)

    def cards(self) -> list[str]:
        titles = self.device / "titles"
        return titles.read_text().split() if titles.exists() else []

    def state_lines(self, text: str) -> None:
        (self.device / "state").write_text(text)


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    device = tmp_path / "device"
    device.mkdir()
    with ippeveprinter(tmp_path, command=COMMAND.format(d=device)) as ipp, \
            cupsd(tmp_path) as cups:
        # waitjob=false: CUPS's ipp backend does not poll the printer until the
        # job is done (seconds); the tests wait for the card themselves.
        # snmp=false: no SNMP supply probe of 127.0.0.1 (4 s per card).
        cups.add_queue("card", f"{ipp.uri}?waitjob=false&snmp=false")
        cups.set_error_policy("card", "abort-job")
        yield Bench(cups, ipp, device)


def test_reasons_match_with_or_without_their_suffix() -> None:
    assert reason_code("media-empty-error") == "media-empty"
    assert reason_code("Marker-Supply-Low-Warning") == "marker-supply-low"
    assert reason_code("media-jam") == "media-jam"
    assert classify(3, ["none"]) == ((), ())
    assert classify(4, ["media-empty-report", "marker-supply-low-warning", "media-low",
                        "toner-low", "other-error"]) == (("media-empty",),
                                                         ("marker-supply-low", "media-low"))
    assert classify(5, ["spool-area-full"]) == (("stopped",), ())
    assert classify(5, ["cover-open-error"]) == (("cover-open",), ())


def test_no_blanks_in_the_printer_is_not_ready_though_the_queue_looks_idle(
        bench: Bench) -> None:
    p = bench.cups_printer()
    assert p.status().ready
    bench.printer.set_media(0)
    assert bench.printer.reasons() == ["media-empty-report"]  # what the printer says
    # The CUPS queue knows nothing of it: lpstat shows it idle and enabled.
    lp = bench.cups.run("lpstat", "-p", "card").stdout
    assert "is idle" in lp and "enabled" in lp
    assert parse_printer_status("card", lp, bench.cups.run("lpstat", "-a", "card").stdout).ready
    st = p.status()
    assert not st.ready
    assert st.reasons == ("media-empty",)
    assert st.message == f"the printer at {bench.printer.uri} reports media-empty"
    bench.printer.set_media(10)
    st = p.status()
    assert st.ready and st.warnings == ("media-low",)
    bench.printer.set_media(100)
    assert p.status().ready and p.status().warnings == ()


def test_state_lines_from_the_printer_block_or_warn(bench: Bench) -> None:
    p = bench.cups_printer()
    cases = [
        ("STATE: +marker-supply-low-warning", True, (), ("marker-supply-low",)),
        ("STATE: media-jam-error", False, ("media-jam",), ()),
        ("STATE: cover-open", False, ("cover-open",), ()),
        ("STATE: marker-supply-empty-error", False, ("marker-supply-empty",), ()),
        ("STATE: paused,marker-supply-low", False, ("paused",), ("marker-supply-low",)),
        ("STATE: none", True, (), ()),
    ]
    for n, (line, ready, reasons, warnings) in enumerate(cases, 1):
        bench.state_lines(line + "\n")
        assert p.print_card("job-s", n, DOC, "application/pdf").result is PrintResult.PRINTED
        until(lambda n=n: len(bench.cards()) == n)  # type: ignore[misc]
        # ippeveprinter reads the command's stderr as it comes: wait (bounded)
        # until the printer's state shows in ours.
        want = (ready, reasons, warnings)
        seen: list[object] = []

        def shows(want: object = want, seen: list[object] = seen) -> bool:
            st = p.status()
            seen[:] = [(st.ready, st.reasons, st.warnings)]
            return seen[0] == want

        try:
            until(shows, timeout=10)
        except AssertionError:
            raise AssertionError(f"{line}: status {seen[0]}, want {want}") from None


def test_a_printer_that_does_not_answer_is_offline(bench: Bench) -> None:
    p = bench.cups_printer()
    assert p.status().ready
    ipp = bench.printer.procs[-1]
    ipp.terminate()
    ipp.wait(timeout=10)
    st = p.status()
    assert not st.ready and st.reasons == ("offline",)
    assert "does not answer" in st.message and "\n" not in st.message


def test_device_uri_from_the_config_when_the_queue_is_not_ipp(bench: Bench) -> None:
    bench.cups.add_queue("vendor", bench.device / "vendor.prn")  # e.g. a vendor's backend
    bench.printer.set_media(0)
    assert bench.cups_printer("vendor").status().ready  # the queue alone cannot tell
    cfg = parse_config(f'[printer]\nbackend = "cups"\nqueue = "vendor"\n'
                       f'cups_server = "{bench.cups.server}"\n'
                       f'device_uri = "{bench.printer.uri}"\n', Path("/etc/ktp/c.toml"))
    st = make_printer(cfg.printer).status()
    assert not st.ready and st.reasons == ("media-empty",)


@pytest.mark.parametrize("value", ["http://printer/ipp", "ipp://", "ipp://host:0/x",
                                   "ipp://host/x y", "socket://10.0.0.5:9100"])
def test_device_uri_is_checked(value: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(f'[printer]\ndevice_uri = "{value}"\n', Path("/etc/ktp/c.toml"))
    assert str(e.value).startswith("/etc/ktp/c.toml: [printer] device_uri must be the card "
                                   "printer's own ipp:// or ipps:// address")
    ok = parse_config('[printer]\ndevice_uri = "ipps://10.0.0.5:631/ipp/print"\n',
                      Path("/etc/ktp/c.toml"))
    assert ok.printer.device_uri == "ipps://10.0.0.5:631/ipp/print"


def test_a_non_ipp_device_is_judged_by_the_queues_own_reasons(tmp_path: Path) -> None:
    # A backend reports the device's state to CUPS with STATE: lines; the queue
    # then carries the reason (over IPP), and the station reads it from there.
    jammed = "#!/bin/sh\n[ $# -eq 0 ] && exit 0\ncat >/dev/null\n" \
             "echo 'STATE: +media-jam-error' >&2\nexit 0\n"
    with cupsd(tmp_path, backends={"jammed": jammed}) as cups:
        cups.add_queue("card", "jammed:/dev/null")
        p = CupsPrinter("card", server=cups.server, poll_s=0.05, timeout_s=30)
        assert p.status().ready
        assert p.print_card("job-j", 1, DOC, "application/pdf").result is PrintResult.PRINTED
        st = p.status()
        assert not st.ready and st.reasons == ("media-jam",)
        assert st.message == "printer queue 'card' reports media-jam"


# -- the engine: no card started, no attempt spent; the words the operator reads ------


def test_no_card_is_started_while_the_printer_has_no_blanks(
        bench: Bench, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o600)
    with CentralSimulator(port=0, token=TOKEN, seed=3) as sim:
        config = Config(
            station=StationConfig(id="st-ipp", office_code="35.15", operator="tester"),
            store=StoreConfig(data_dir=tmp_path / "data"),
            central=CentralConfig(base_url=sim.base_url, token_file=token_file, timeout_s=5,
                                  retry_min_s=0.02, retry_max_s=0.2, health_interval_s=0.1),
            printer=PrinterConfig(backend="cups", queue="card",
                                  cups_server=bench.cups.server),
            power=PowerConfig(source="none"),
            engine=EngineConfig(authorize_ahead=1),
        )
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="tester", note="shipment")
        engine = new_engine(config, store, make_printer(config.printer), FakePower())
        bench.printer.set_media(0)
        job = actions.add(store, nik(10), operator="tester")
        thread = threading.Thread(target=engine.run, daemon=True)
        thread.start()
        try:
            until(lambda: engine.status().gate is Gate.PRINTER
                  and store.count([State.AUTHORIZED]) == 1)
            status = engine.status()
            assert status.printer.reasons == ("media-empty",)
            time.sleep(0.5)  # a few engine rounds: still nothing sent
            store.refresh()
            held = store.job(job.id)
            assert held is not None and held.state is State.AUTHORIZED and held.attempt == 1
            assert bench.cups.run("lpstat", "-W", "all", "-o", "card").stdout == ""
            # The operator reads why, in Indonesian, from codes (no English parsing).
            set_language("id")
            assert tui_status.gate_line(status).text == (
                "Tidak mencetak: printer tidak siap - blangko di printer habis")
            # A low ribbon is a warning: printing goes on, the screen and status say so.
            bench.state_lines("STATE: +marker-supply-low\n")
            bench.printer.set_media(100)
            until(lambda: store.count([State.DONE]) == 1)
            until(lambda: engine.status().printer.warnings == ("marker-supply-low",))
            assert bench.cards() == [f"{job.id}-1"]
            printer = engine.status().printer
            part = tui_status.printer_part(True, False, printer.message, (), printer.warnings)
            assert part.text == "Printer: siap - pita hampir habis"
            assert part.level == tui_status.WARN
        finally:
            engine.stop()
            thread.join(timeout=30)
    cfg_file = tmp_path / "c.toml"
    cfg_file.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n')
    capsys.readouterr()
    assert cli.main(["status", "--json", "--config", str(cfg_file)]) == 0
    engine_json = json.loads(capsys.readouterr().out)["engine"]
    assert engine_json["printer"]["warnings"] == ["marker-supply-low"]
    assert engine_json["printer"]["reasons"] == [] and engine_json["printer"]["ready"] is True


def test_a_card_given_up_on_while_the_printer_waits_for_blanks(tmp_path: Path) -> None:
    """The issue's case: blanks ran out after the check, the card sits in the
    printer, the station gives up. The CUPS job is cancelled, the printer's own
    job too, and resolve waits while the printer still holds it.

    ippeveprinter ignores Cancel-Job while it waits for media (it prints the
    job once media is loaded, then marks it cancelled): a real printer drops
    it. Either way the operator resolves only once the printer let go of it,
    and so sees the card if one came out."""
    device = tmp_path / "device"
    device.mkdir()
    with ippeveprinter(tmp_path, command=COMMAND.format(d=device)) as ipp, \
            cupsd(tmp_path) as cups:
        cups.add_queue("card", f"{ipp.uri}?snmp=false")  # the backend waits for the job
        bench = Bench(cups, ipp, device)
        p = CupsPrinter("card", server=cups.server, poll_s=0.05, timeout_s=1)
        p.cancel_wait_s = 1.0
        ipp.set_media(0)
        out = p.print_card("job-m", 1, DOC, "application/pdf")
        assert out.result is PrintResult.UNKNOWN, out.reason
        assert f"the printer at {ipp.uri} still holds it" in out.reason
        number = int(out.reason.split("card-")[1].split()[0])
        info, _ = p._read(number)
        assert info is not None and info.state == CANCELED  # CUPS will not send it again
        assert "still holds this card" in p.still_queued("job-m")  # resolve refuses
        ipp.set_media(100)
        until(lambda: p.still_queued("job-m") == "")
        # ippeveprinter printed it (see the docstring) before letting go: the
        # operator, allowed to resolve only now, finds exactly this one card.
        assert bench.cards() == ["job-m-1"]


def test_status_text_warns_when_the_queue_retries_failed_jobs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "data")
    status = fixed_status(Gate.IDLE, "Queue empty", printer=PrinterStatus(
        True, "ready", (), ("error-policy-retry", "media-low")))
    with store.transaction() as tx:
        tx.set_meta("engine_status", status.to_json())
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n[printer]\nqueue = "ektp"\n')
    capsys.readouterr()
    assert cli.main(["status", "--config", str(cfg)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert ("PERINGATAN: printer: antrean CUPS mengulang kartu gagal: atur "
            "printer-error-policy-nya ke abort-job "
            "(lpadmin -p ektp -o printer-error-policy=abort-job)") in lines
    assert "PERINGATAN: printer: blangko di printer hampir habis" in lines
    set_language("id")
    part = tui_status.standby_lines("siti", StationStatus.from_json(store.meta("engine_status")),
                                    tui_status.BlanksInfo(10, 5, None)).printer
    assert part.text == ("Printer: siap - antrean CUPS mengulang kartu gagal "
                         "(atur printer-error-policy=abort-job), blangko di printer hampir habis")


def test_giving_up_while_the_printer_is_off_says_it_could_not_be_asked(
        tmp_path: Path) -> None:
    with cupsd(tmp_path) as cups:
        cups.add_queue("card", f"ipp://127.0.0.1:{free_port()}/ipp/print?snmp=false")
        p = CupsPrinter("card", server=cups.server, poll_s=0.05, timeout_s=1)
        assert p.status().reasons == ("offline",)
        # Sent anyway (it went off after the check): CUPS's backend keeps trying.
        out = p.print_card("job-o", 1, DOC, "application/pdf")
        assert out.result is PrintResult.UNKNOWN, out.reason
        assert "could not be asked whether it holds it" in out.reason
        assert p.still_queued("job-o") == ""  # CUPS let go of it; the printer cannot say


class _HostilePrinter(http.server.BaseHTTPRequestHandler):
    reply = b""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/ipp")
        self.send_header("Content-Length", str(len(self.reply)))
        self.end_headers()
        self.wfile.write(self.reply)

    def log_message(self, *args: object) -> None:
        pass


def _printer_reply(message: bytes, *reasons: bytes) -> bytes:
    return (b"\x02\x00\x00\x00\x00\x00\x00\x01\x01"
            + attr(CHARSET, "attributes-charset", b"utf-8") + bytes([TAG_PRINTER])
            + attr(ENUM, "printer-state", (3).to_bytes(4, "big"))
            + attr(KEYWORD, "printer-state-reasons", *reasons)
            + attr(TEXT, "printer-state-message", message) + b"\x03")


@pytest.mark.parametrize(("reply", "ready", "reasons"), [
    (b"\x02\x00garbage", False, ("offline",)),
    (_printer_reply(b"\x1b[2Jjam\nhere", b"media-jam-error", b"\x1b]0;x\x07"), False,
     ("media-jam",)),
    (_printer_reply(b"ok", b"none"), True, ()),
])
def test_a_hostile_printer_reply_is_one_clean_line(cups: Cups, tmp_path: Path, reply: bytes,
                                                   ready: bool,
                                                   reasons: tuple[str, ...]) -> None:
    handler = type("Handler", (_HostilePrinter,), {"reply": reply})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        cups.add_queue("vendor", tmp_path / "vendor.prn")
        p = CupsPrinter("vendor", server=cups.server,
                        device_uri=f"ipp://127.0.0.1:{server.server_port}/ipp/print")
        st = p.status()
        assert (st.ready, st.reasons) == (ready, reasons), st.message
        assert st.message.isprintable()
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cups(tmp_path: Path) -> Iterator[Cups]:
    with cupsd(tmp_path) as c:
        yield c
