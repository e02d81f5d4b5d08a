"""The CUPS backend against a real private cupsd on 127.0.0.1 (see testbeds.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cli import Run, _interrupted, config_file, run, store  # noqa: F401 (fixtures)
from testbeds import PASSTHRU_PPD, Cups, cupsd

from ktptui.config import PrinterConfig
from ktptui.model import State
from ktptui.printers import PrinterStatus, PrintResult, make_printer
from ktptui.printers.cups import (
    ABORTED,
    CANCELED,
    COMPLETED,
    PENDING,
    PROCESSING,
    CupsAddress,
    CupsPrinter,
    IppError,
    JobInfo,
    parse_job_ids,
    parse_printer_status,
)
from ktptui.printers.ipp import INTEGER, NAME, OP_CANCEL_JOB, URI, attr, ipp_request
from ktptui.store import Store

pytestmark = pytest.mark.cups

DOC = b"%PDF-1.4\n% card for NIK 3515...\n\x00\x01\x02binary\xff"


@pytest.fixture
def cups(tmp_path: Path) -> Iterator[Cups]:
    with cupsd(tmp_path) as c:
        yield c


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


def printer(cups: Cups, queue: str = "card", timeout_s: float = 30.0) -> CupsPrinter:
    return CupsPrinter(queue, server=cups.server, poll_s=0.02, timeout_s=timeout_s)


def test_good_card_prints_and_reaches_the_device(cups: Cups, out_dir: Path) -> None:
    cups.add_queue("card", out_dir / "card.prn")
    p = printer(cups)
    st = p.status()
    # Debian's CUPS retries failed jobs by default: ready, with a warning.
    assert st.ready and st.warnings == ("error-policy-retry",)
    assert "printer-error-policy=abort-job" in st.message
    cups.run("lpadmin", "-p", "card", "-o", "printer-error-policy=abort-job")
    assert p.status() == PrinterStatus(True, "ready")
    out = p.print_card("job-a", 1, DOC, "application/pdf")
    assert out.result is PrintResult.PRINTED, out.reason
    assert (out_dir / "card.prn").read_bytes() == DOC


def test_factory_builds_cups_backend(cups: Cups, out_dir: Path) -> None:
    cups.add_queue("ektp", out_dir / "card.prn")
    p = make_printer(PrinterConfig(backend="cups", queue="ektp", cups_server=cups.server))
    assert isinstance(p, CupsPrinter)
    assert p.print_card("job-f", 1, DOC, "application/pdf").result is PrintResult.PRINTED


def test_disabled_queue_is_not_ready_and_a_card_sent_anyway_is_withdrawn(
        cups: Cups, out_dir: Path) -> None:
    cups.add_queue("card", out_dir / "card.prn")
    cups.disable("card")
    st = printer(cups).status()
    assert not st.ready
    assert "disabled" in st.message and "cupsenable card" in st.message
    assert "Paused" in st.message
    cups.disable("card", reason="ribbon out")
    assert "ribbon out" in printer(cups).status().message
    # The engine does not submit while not ready; if a card is sent anyway it
    # waits in CUPS, and at the timeout it is cancelled before it can print.
    p = printer(cups, timeout_s=0.5)
    out = p.print_card("job-d", 1, DOC, "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED, out.reason
    assert "withdrawn" in out.reason
    cups.enable("card")
    assert printer(cups).status().ready
    assert not (out_dir / "card.prn").exists()  # the withdrawn card never printed


def test_missing_queue(cups: Cups) -> None:
    p = printer(cups, "nosuch")
    st = p.status()
    assert not st.ready
    assert "'nosuch' does not exist" in st.message
    out = p.print_card("job-m", 1, DOC, "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED
    assert "'nosuch' does not exist" in out.reason


def test_rejecting_queue(cups: Cups, out_dir: Path) -> None:
    cups.add_queue("card", out_dir / "card.prn")
    cups.reject("card")
    p = printer(cups)
    st = p.status()
    assert not st.ready
    assert "not accepting jobs" in st.message and "cupsaccept card" in st.message
    out = p.print_card("job-r", 1, DOC, "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED
    assert "not accepting jobs" in out.reason
    cups.accept("card")
    assert p.status().ready


def test_stopped_job_is_unknown_and_cancelled(cups: Cups, out_dir: Path) -> None:
    # A file: device whose directory is missing: cupsd "could not open the
    # output file" and the job ends processing-stopped, every time.
    cups.add_queue("card", out_dir / "missing-dir" / "card.prn")
    p = printer(cups)
    out = p.print_card("job-x", 1, DOC, "application/pdf")
    assert out.result is PrintResult.UNKNOWN, out.reason
    assert "stopped" in out.reason and "check the printer" in out.reason
    # It was cancelled so it cannot print once someone fixes the device.
    number = int(out.reason.split("card-")[1].split()[0])
    info, _ = p._read(number)
    assert info is not None and info.state == CANCELED


def test_cups_not_running(cups: Cups, tmp_path: Path) -> None:
    server = cups.server
    cups.proc.terminate()
    cups.proc.wait(timeout=10)
    p = CupsPrinter("card", server=server)
    st = p.status()
    assert not st.ready
    assert st.message.startswith("CUPS is not running")
    out = p.print_card("job-n", 1, DOC, "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED
    assert "CUPS is not running" in out.reason


def test_lpstat_only_mode_never_claims_printed(cups: Cups, out_dir: Path) -> None:
    cups.add_queue("card", out_dir / "card.prn")
    p = CupsPrinter("card", server=cups.server, poll_s=0.02, use_ipp=False)
    out = p.print_card("job-l", 1, DOC, "application/pdf")
    # lpstat lists completed, cancelled and stopped jobs alike: operator decides.
    assert out.result is PrintResult.UNKNOWN
    assert "could not be read" in out.reason


# -- parsers and outcome rules, on captured real output (CUPS 2.4.2, C locale) ------

LPSTAT_W_COMPLETED_L = """\
card-1                  root              1024   Mon Nov 23 06:50:57 2026
\tStatus:\x20
\tAlerts: processing-to-stop-point
\tqueued for card
bad-2                   root              1024   Mon Nov 23 06:50:57 2026
\tStatus:\x20
\tAlerts: processing-to-stop-point
\tqueued for bad
card-3                  root              1024   Mon Nov 23 06:50:57 2026
\tAlerts: processing-to-stop-point
\tqueued for card
"""


def test_parse_job_ids_from_real_lpstat_output() -> None:
    assert parse_job_ids(LPSTAT_W_COMPLETED_L, "card") == {1, 3}
    assert parse_job_ids(LPSTAT_W_COMPLETED_L, "bad") == {2}
    assert parse_job_ids("", "card") == set()


def test_parse_printer_status_from_real_lpstat_output() -> None:
    idle = "printer card is idle.  enabled since Mon Nov 23 06:46:10 2026\n"
    busy = "printer card now printing card-7.  enabled since Mon Nov 23 06:46:10 2026\n"
    accepting = "card accepting requests since Mon Nov 23 06:46:45 2026\n"
    disabled = "printer card disabled since Mon Nov 23 06:46:44 2026 -\n\tribbon out\n"
    rejecting = ("card not accepting requests since Mon Nov 23 06:46:44 2026 -\n"
                 "\tRejecting Jobs\n")
    assert parse_printer_status("card", idle, accepting).ready
    assert parse_printer_status("card", busy, accepting).ready
    st = parse_printer_status("card", disabled, accepting)
    assert st == parse_printer_status("card", disabled, accepting)
    assert not st.ready
    assert st.message == ("printer queue 'card' is disabled: ribbon out — "
                          "enable it with cupsenable card")
    st = parse_printer_status("card", idle, rejecting)
    assert not st.ready
    assert st.message == ("printer queue 'card' is not accepting jobs — "
                          "accept them with cupsaccept card")
    st = parse_printer_status("card", "", "")
    assert not st.ready and "does not exist" in st.message


@pytest.mark.parametrize(("info", "processed", "result"), [
    (JobInfo(COMPLETED, processed=True), True, PrintResult.PRINTED),
    (JobInfo(CANCELED), False, PrintResult.NOT_PRINTED),
    (JobInfo(CANCELED, processed=True), True, PrintResult.SPOILED),
    (JobInfo(ABORTED, message="filter failed"), False, PrintResult.NOT_PRINTED),
    (JobInfo(ABORTED, message="filter failed", processed=True), True, PrintResult.SPOILED),
])
def test_outcome_rules(info: JobInfo, processed: bool, result: PrintResult) -> None:
    out = CupsPrinter._finished("card-9", info, processed)
    assert out is not None and out.result is result
    if info.message:
        assert info.message in out.reason


def test_pending_is_not_an_outcome() -> None:
    assert CupsPrinter._finished("card-9", JobInfo(PENDING), False) is None


@pytest.mark.parametrize(("server", "addr"), [
    ("127.0.0.1:6310", CupsAddress("127.0.0.1", 6310)),
    ("printhost", CupsAddress("printhost", 631)),
    ("/run/cups/cups.sock", CupsAddress(socket_path="/run/cups/cups.sock")),
    ("[::1]:8631", CupsAddress("::1", 8631)),
    ("localhost:631/version=1.1", CupsAddress("localhost", 631)),
])
def test_server_address(server: str, addr: CupsAddress) -> None:
    assert CupsAddress.parse(server) == addr


def test_giving_up_cancels_even_a_card_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    # A card the station gave up on must not print later by itself: the job is
    # cancelled whether or not it started, and the outcome says what is known.
    p = CupsPrinter("card", server="127.0.0.1:1", poll_s=0.01, timeout_s=0.0)  # gives up at once
    p.cancel_wait_s = 0.05
    cancelled: list[int] = []
    states = [JobInfo(PROCESSING, processed=True)]
    monkeypatch.setattr(p, "_submit", lambda title, doc: (5, ""))
    monkeypatch.setattr(p, "_read", lambda n: (states[-1], ""))

    def cancel(n: int) -> str:
        cancelled.append(n)
        states.append(JobInfo(CANCELED, processed=True))
        return ""

    monkeypatch.setattr(p, "_cancel", cancel)
    out = p.print_card("job", 1, DOC, "application/pdf")
    assert cancelled == [5]
    assert out.result is PrintResult.UNKNOWN
    assert "cannot print later" in out.reason and "check the printer" in out.reason
    # A cancel CUPS does not carry out within the wait: still UNKNOWN, and it says so.
    states[:] = [JobInfo(PROCESSING, processed=True)]
    monkeypatch.setattr(p, "_cancel", lambda n: "")
    out = p.print_card("job", 1, DOC, "application/pdf")
    assert out.result is PrintResult.UNKNOWN
    assert "could not be cancelled (still processing)" in out.reason
    assert "'cancel card-5'" in out.reason


# -- issue 10.2: a card the station gave up on never prints later by itself ---------
#
# A test backend (a shell script in a private ServerBin) plays a card printer
# that fails, is slow, or works, one run after another as its plan file says;
# every card that really came out is one line in ``titles``.

FLAKY = r"""#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct flaky "Unknown" "Flaky card printer"'; exit 0; fi
dir=${DEVICE_URI#flaky:}
n=$(( $(cat "$dir/runs" 2>/dev/null || echo 0) + 1 ))
echo $n > "$dir/runs"
case "$(sed -n "${n}p" "$dir/plan")" in
  fail) echo "ERROR: card jammed" >&2; exit 1 ;;
  slow) sleep 3 ;;
esac
if [ -n "$6" ]; then cat "$6"; else cat; fi >> "$dir/cards.prn"
echo "$3" >> "$dir/titles"
"""
RETRY_S = 1  # cupsd's JobRetryInterval in these tests


@pytest.fixture
def flaky(tmp_path: Path) -> Iterator[tuple[Cups, Path]]:
    device = tmp_path / "device"
    device.mkdir()
    with cupsd(tmp_path, backends={"flaky": FLAKY}, conf=f"JobRetryInterval {RETRY_S}") as c:
        c.add_queue("card", f"flaky:{device}")
        yield c, device


def cards(device: Path) -> list[str]:
    titles = device / "titles"
    return titles.read_text().split() if titles.exists() else []


def assert_gone_for_good(cups: Cups, p: CupsPrinter, job_id: str) -> None:
    """Nothing of ``job_id`` can print any more, even once the queue is enabled
    and CUPS's retry interval has passed."""
    assert p.still_queued(job_id) == ""
    time.sleep(RETRY_S + 1.0)  # let a held job's retry time come (it must not)
    cups.enable("card")
    assert p.still_queued(job_id) == ""


@pytest.mark.parametrize("policy", ["retry-job", "stop-printer", "abort-job"])
def test_a_failed_card_is_not_retried_later_by_cups(flaky: tuple[Cups, Path],
                                                    policy: str) -> None:
    cups, device = flaky
    cups.set_error_policy("card", policy)
    (device / "plan").write_text("fail\nok\nok\n")
    p = printer(cups, timeout_s=0.5)
    out = p.print_card("job-f", 1, DOC, "application/pdf")
    assert out.result is PrintResult.SPOILED, out.reason
    assert "card jammed" in out.reason
    assert_gone_for_good(cups, p, "job-f")
    assert cards(device) == []  # the failed card never came out by itself
    # The next attempt prints once: exactly one card for this citizen.
    out = p.print_card("job-f", 2, DOC, "application/pdf")
    assert out.result is PrintResult.PRINTED, out.reason
    assert cards(device) == ["job-f-2"]
    assert (device / "cards.prn").read_bytes() == DOC


def test_a_card_given_up_on_is_cancelled_and_never_prints_later(
        flaky: tuple[Cups, Path]) -> None:
    cups, device = flaky
    (device / "plan").write_text("slow\nok\n")
    p = printer(cups, timeout_s=0.5)
    out = p.print_card("job-g", 1, DOC, "application/pdf")
    # It had started: the operator must look, but CUPS no longer holds it.
    assert out.result is PrintResult.UNKNOWN, out.reason
    assert "cannot print later" in out.reason
    number = int(out.reason.split("card-")[1].split()[0])
    info, _ = p._read(number)
    assert info is not None and info.state == CANCELED
    assert_gone_for_good(cups, p, "job-g")
    time.sleep(3)  # the slow run would have finished by now
    assert cards(device) == []
    out = p.print_card("job-g", 2, DOC, "application/pdf")
    assert out.result is PrintResult.PRINTED, out.reason
    assert cards(device) == ["job-g-2"]


def test_still_queued_names_the_waiting_cups_job(cups: Cups, out_dir: Path) -> None:
    cups.add_queue("card", out_dir / "card.prn")
    cups.disable("card")
    p = printer(cups)
    assert p.still_queued("job-q") == ""
    # A card of this job sits in CUPS (e.g. submitted before a crash).
    cups.run("lp", "-d", "card", "-t", "job-q-2", "--", str(PASSTHRU_PPD))
    why = p.still_queued("job-q")
    assert why.startswith("CUPS job card-") and "still pending" in why
    assert "\n" not in why
    assert p.still_queued("job") == ""  # another job's id is not a prefix match
    # Another user cannot see the title (JobPrivateValues): it may be this card.
    other = printer(cups)
    other._user = "someone-else"
    assert "hides its title from user someone-else" in other.still_queued("job")
    cups.run("cancel", "-a", "card")
    assert p.still_queued("job-q") == ""
    cups.proc.terminate()
    cups.proc.wait(timeout=10)
    assert "cannot ask CUPS" in p.still_queued("job-q")


def test_resolve_refuses_while_the_cards_cups_job_may_still_print(
        cups: Cups, out_dir: Path, tmp_path: Path,
        run: Run, store: Store) -> None:  # noqa: F811 (pytest fixtures from test_cli)
    cups.add_queue("card", out_dir / "card.prn")
    cups.disable("card")
    config = tmp_path / "cups.toml"
    config.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n'
                      f'[printer]\nbackend = "cups"\nqueue = "card"\n'
                      f'cups_server = "{cups.server}"\n', encoding="utf-8")
    assert run("blanks", "receive", "5", config=config).rc == 0
    job_id = _interrupted(run, store)
    # The interrupted card is still waiting in CUPS: enabling the queue would print it.
    cups.run("lp", "-U", "siti", "-d", "card", "-t", f"{job_id}-1", "--", str(PASSTHRU_PPD))
    r = run("resolve", job_id, "not-printed", config=config)
    assert r.rc == 1 and r.out == ""
    assert r.err.startswith(f"ktptui: pekerjaan {job_id[:8]} belum diselesaikan: CUPS job card-")
    assert "still pending" in r.err and r.err.count("\n") == 1
    store.refresh()
    assert store.job(job_id).state is State.INTERRUPTED  # type: ignore[union-attr]
    cups.run("cancel", "-a", "card")
    r = run("resolve", job_id, "not-printed", config=config)
    assert r.rc == 0, r.err


OWNER_POLICY = """\
<Policy owner>
  <Limit Cancel-Job>
    AuthType Basic
    Require user @OWNER
    Order deny,allow
  </Limit>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>"""


def test_cancel_proves_the_owner_on_the_cups_socket(tmp_path: Path, out_dir: Path) -> None:
    # Real cupsd policies let only a job's owner cancel it. On the local socket
    # (the default /run/cups/cups.sock) the station proves who it is with
    # PeerCred, as libcups does; without it CUPS answers 401.
    with cupsd(tmp_path, conf=OWNER_POLICY) as cups:
        cups.add_queue("card", out_dir / "card.prn")
        cups.run("lpadmin", "-p", "card", "-o", "printer-op-policy=owner")
        cups.disable("card")
        p = CupsPrinter("card", server=str(cups.socket_path), poll_s=0.02)
        number, why = p._submit("job-o-1", DOC)
        assert number is not None, why
        with pytest.raises(IppError) as refused:  # the same request, no PeerCred
            ipp_request(CupsAddress(socket_path=str(cups.socket_path)), OP_CANCEL_JOB, [
                attr(URI, "printer-uri", p._queue_uri()),
                attr(NAME, "requesting-user-name", p._user.encode()),
                attr(INTEGER, "job-id", number.to_bytes(4, "big"))])
        assert refused.value.http_status == 401
        commands: list[tuple[str, ...]] = []
        run = p._run
        p._run = lambda *args: commands.append(args) or run(*args)  # type: ignore[method-assign]
        assert p._cancel(number) == ""
        assert commands == []  # done over IPP, not by the cancel command
        info, _ = p._read(number)
        assert info is not None and info.state == CANCELED
