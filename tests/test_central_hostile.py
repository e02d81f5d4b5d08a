"""Central's replies are untrusted input (issue 10 item 5), against a real
misbehaving central on 127.0.0.1: the simulator's ``hostile`` modes (escape
sequences in texts, a 300 MiB body, a reply trickled a byte at a time, a
redirect to another host) and a huge ``Retry-After``. None of them reaches
the terminal or the log raw, grows memory, holds a call past its deadline,
stops the link for good, or loses or double-prints a card."""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from chaos import write_config
from test_engine import OP, TOKEN, make_station, new_engine, nik

from ktptui import actions
from ktptui.central import Backoff, CentralClient, FinalAnswer, LinkMonitor, TransientError
from ktptui.central import sim as sim_module
from ktptui.central.sim import CentralSimulator
from ktptui.cli import main as cli
from ktptui.model import State, new_job, transition
from ktptui.store import Store


@dataclasses.dataclass
class Result:
    rc: int
    out: str


Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run("jobs", config=cfg)``: the CLI in-process (default config: the
    store in ``tmp_path / "data"``)."""
    default = tmp_path / "cli.toml"
    default.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")

    def go(*argv: str, config: Path = default) -> Result:
        capsys.readouterr()
        rc = cli.main([*argv, "--config", str(config)])
        return Result(rc, capsys.readouterr().out)

    return go


def printable(text: str) -> bool:
    """No control character but the line breaks the output is made of."""
    return all(line.isprintable() for line in text.split("\n"))


@pytest.fixture
def sim() -> Iterator[CentralSimulator]:
    with CentralSimulator(port=0, token=TOKEN, seed=11) as s:
        yield s


def client_for(sim: CentralSimulator, timeout_s: float = 5.0) -> CentralClient:
    return CentralClient(sim.base_url, TOKEN, station_id="st", office_code="35.15",
                         timeout_s=timeout_s)


# -- escape sequences ----------------------------------------------------------------

def test_escapes_in_centrals_texts_are_stripped_before_storing(sim: CentralSimulator) -> None:
    sim.faults.hostile = "escapes"
    client = client_for(sim)
    auth = client.authorize(new_job(nik(10), operator=OP), OP)
    assert auth.holder_name is not None and printable(auth.holder_name)
    assert sim.citizen(nik(10)).holder_name in auth.holder_name
    with pytest.raises(FinalAnswer) as err:
        client.authorize(new_job(nik(9001), operator=OP), OP)
    answer = err.value
    assert answer.code.startswith("not_recorded") and "forged" in answer.code
    for text in (answer.code, answer.title, answer.detail, str(answer)):
        assert printable(text), repr(text)
    client.close()


def test_resume_against_a_hostile_central_keeps_the_journal_and_terminal_clean(
        tmp_path: Path, sim: CentralSimulator, run: Run) -> None:
    sim.faults.hostile = "escapes"
    cfg = write_config(tmp_path, sim.base_url)
    (tmp_path / "token").write_text(TOKEN)  # this file's simulator token
    store = Store(tmp_path / "data")
    actions.receive_blanks(store, 5, operator="t")
    ok = actions.add(store, nik(10), operator="t").id
    suket = actions.add(store, nik(9001, 1), operator="t").id
    out = subprocess.run([sys.executable, "-m", "ktptui", "--resume", "--config", str(cfg),
                          "--max-wait", "60"], capture_output=True, text=True, timeout=120,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    # Every journald line is one of ours: none forged by a newline in a code.
    assert lines and all(line[:3] in ("<3>", "<4>", "<6>") and line[3:10] == "ktptui."
                         for line in lines), out.stderr
    assert printable(out.stderr)
    store.refresh()
    assert store.job(ok).state is State.DONE  # type: ignore[union-attr]
    rejected = store.job(suket)
    assert rejected is not None and rejected.state is State.REJECTED
    assert printable(rejected.last_error) and printable(rejected.error_code)
    for argv in (("jobs", "--all"), ("show", ok), ("show", suket), ("log",),
                 ("jobs", "--all", "--json")):
        result = run(*argv, config=cfg)
        assert result.rc == 0 and printable(result.out), (argv, result.out)
    assert sim.printed_count(ok) == 1


def _stored_raw(store: Store) -> str:
    """A job as an older ktptui stored it, texts from central uncleaned."""
    job = new_job(nik(10), operator=OP, note="citizen \x1b[2Jwaiting")
    job = transition(job, State.AUTHORIZED, operator="engine", authorization_id="au_1",
                     holder_name="Siti\x1b]0;owned\x07\x1b[2J Aminah",
                     expires_at="2026-01-01T00:00:00+00:00")
    job = transition(job, State.QUEUED, operator="engine",
                     note="central: \x1b[31mnot_printed\x1b[0m\nforged",
                     last_error="central busy: \x9b2J503")
    with store.transaction() as tx:
        tx.put_job(job)
        tx.add_event("report", OP, "central refused: \x1b[2Jdetail\r\nforged", job_id=job.id)
    return job.id


def test_cli_cleans_texts_stored_before_cleaning(tmp_path: Path, run: Run) -> None:
    job_id = _stored_raw(Store(tmp_path / "data"))
    for argv in (("jobs",), ("show", job_id), ("log",), ("log", "--job", job_id),
                 ("jobs", "--json"), ("show", job_id, "--json"), ("log", "--csv")):
        result = run(*argv)
        assert result.rc == 0, argv
        assert printable(result.out), (argv, result.out)
    assert "Siti Aminah" in run("show", job_id).out


async def test_the_job_table_cleans_texts_stored_before_cleaning(tmp_path: Path) -> None:
    from textual.app import App, ComposeResult

    from ktptui.tui.widgets.job_table import JobTable

    store = Store(tmp_path / "data")
    job = store.job(_stored_raw(store))
    assert job is not None

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield JobTable(id="t")

    app = One()
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(JobTable)
        table.load([job])
        await pilot.pause()
        line = table.render_line(0).text
    assert "Siti Aminah" in line and line.isprintable(), repr(line)


# -- size, time, Retry-After, redirects ------------------------------------------------

MEMORY_PROBE = textwrap.dedent("""
    import resource, sys
    from ktptui.central import CentralClient, TransientError
    client = CentralClient(sys.argv[1], sys.argv[2], station_id="st", office_code="35.15",
                           timeout_s=60)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        client.health()
        print("no error")
    except TransientError as e:
        print(e)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print((after - before) // 1024)
""")


def test_a_300_mib_reply_is_refused_with_memory_flat(sim: CentralSimulator) -> None:
    # Seen: a 300 MiB body grew the process to 2.4 GB.
    sim.faults.hostile = "huge"
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, sim.base_url, TOKEN],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    message, grown_mib = out.stdout.splitlines()
    assert message == "central sent a bad reply: 200 with a body over 1024 KiB (refused unread)"
    assert int(grown_mib) < 50, f"grew {grown_mib} MiB"


def test_a_content_length_over_the_cap_is_refused_unread() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str((1 << 20) + 1)},
                              stream=httpx.ByteStream(b"{}"))

    client = CentralClient("https://c.example.invalid/api/v1", "t", station_id="st",
                           office_code="35.15", transport=httpx.MockTransport(handler))
    with pytest.raises(TransientError, match="over 1024 KiB"):
        client.health()


def test_a_trickling_central_cannot_hold_a_call_past_its_deadline(
        sim: CentralSimulator) -> None:
    # Seen: one byte a second held one call 129 s with timeout_s = 2. Here a
    # byte every 0.1 s: without a total deadline, the reply takes ~30 s.
    sim.faults.hostile = "trickle"
    client = client_for(sim, timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(TransientError, match="no complete reply within 1 s"):
        client.health()
    assert time.monotonic() - started < 10  # gave up: a deadline exists (generous bound)
    client.close()


def test_a_huge_retry_after_is_capped_at_retry_max_s(sim: CentralSimulator) -> None:
    # Seen: Retry-After 999999999 kept the link down until restart.
    sim.faults.error_rate = 1.0
    sim.faults.retry_after_s = 999_999_999
    with pytest.raises(TransientError) as err:
        client_for(sim).authorize(new_job(nik(10), operator=OP), OP)
    assert err.value.retry_after == 999_999_999
    link = LinkMonitor(backoff=Backoff(0.02, 0.2))
    link.record_failure(err.value)
    assert link.blocked() and link.waiting() <= 0.2


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_POST(self) -> None:
        self.hits.append(self.path)
        self.send_response(201)
        self.end_headers()

    do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_redirect_to_another_host_is_a_clear_error_not_followed(
        sim: CentralSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    other = http.server.HTTPServer(("127.0.0.2", 0), _Counting)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(sim_module, "REDIRECT_TO",
                            f"http://127.0.0.2:{other.server_address[1]}/api/v1")
        sim.faults.hostile = "redirect"
        with pytest.raises(TransientError) as err:
            client_for(sim).authorize(new_job(nik(10), operator=OP), OP)
        assert str(err.value) == (
            f"central sent a bad reply: 307 redirect to http://127.0.0.2:"
            f"{other.server_address[1]}/api/v1; redirects are not followed "
            "(check [central] base_url)")
        assert _Counting.hits == []
    finally:
        other.shutdown()
        other.server_close()


@pytest.mark.parametrize("mode", ["escapes", "huge", "trickle", "redirect", "retry_after"])
def test_no_hostile_reply_loses_or_double_prints_a_card(tmp_path: Path, sim: CentralSimulator,
                                                        mode: str) -> None:
    st = make_station(tmp_path, sim)
    config = st.engine.config
    st.engine = new_engine(dataclasses.replace(
        config, central=dataclasses.replace(config.central, timeout_s=1.0)),
        st.store, st.printer, st.power)
    ids = st.add(10, 11)
    if mode == "retry_after":
        sim.faults.update({"error_rate": 1.0, "retry_after_s": 999_999_999})
    else:
        sim.faults.hostile = mode
    for _ in range(3):  # authorisations committed at central, replies hostile
        st.engine.network_step()
        time.sleep(0.2)  # past the test backoff (retry_max_s 0.2)
    if mode != "escapes":
        assert st.store.count([State.AUTHORIZED]) == 0 and st.printer.fed == []
        assert st.engine.link.waiting() <= 0.2
    sim.reset_faults()
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    for job_id in ids:
        job = st.store.job(job_id)
        assert job is not None and job.state is State.DONE
        assert job.holder_name is not None and job.holder_name.isprintable()
        assert sim.printed_count(job_id) == 1
        assert [k for k in st.printer.printed if k[0] == job_id] == [(job_id, 1)]
    assert st.store.outbox() == [] and st.store.reconcile().ok


def test_the_deadline_holds_over_tls_too(tmp_path: Path) -> None:
    """Central is https in the field: TLS wraps the socket the deadline ends."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n" + b" " * 40:
                if stop.is_set():
                    return
                tls.send(bytes([byte]))
                time.sleep(0.1)

    def serve() -> None:
        with contextlib.suppress(OSError):
            while not stop.is_set():
                conn, _ = listener.accept()
                threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    client = CentralClient(f"https://localhost:{port}/api/v1", "t", station_id="st",
                           office_code="35.15", timeout_s=1.0, ca_bundle=tmp_path / "cert.pem")
    try:
        started = time.monotonic()
        with pytest.raises(TransientError, match="no complete reply within 1 s"):
            client.health()
        assert time.monotonic() - started < 10
    finally:
        stop.set()
        listener.close()
        client.close()


def test_the_simulator_takes_hostile_modes_and_a_clock_skew_from_the_command_line() -> None:
    args = cli.build_parser().parse_args(["sim", "--hostile", "trickle", "--clock-skew",
                                          "-10800"])
    assert (args.hostile, args.clock_skew) == ("trickle", -10800.0)
    with pytest.raises(ValueError, match="hostile must be one of"):
        sim_module.Faults().update({"hostile": "polite"})
