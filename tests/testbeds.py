"""Real CUPS and NUT on 127.0.0.1 for tests: each started privately, stopped by PID.

Configs follow /work/shared/testbeds/README.md (copied into the code below so the
repo stands alone). The binaries come from the Debian packages cups, cups-client,
cups-bsd, nut-server and nut-client; a missing one is an error, never a skip,
because CI installs them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"
PASSTHRU_PPD = DATA / "passthru.ppd"
START_TIMEOUT_S = 20.0
# Plain "C" output: tests and the code under test parse English lpstat text.
_C_ENV = {"LC_ALL": "C", "LANG": "C"}


class TestbedError(RuntimeError):
    """A service could not be started; the message says what to install or check."""


def free_port() -> int:
    """A port free on 127.0.0.1 right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _need(*paths: str) -> None:
    missing = [p for p in paths if not (shutil.which(p) or os.access(p, os.X_OK))]
    if missing:
        raise TestbedError(
            f"missing {', '.join(missing)}: install the Debian packages "
            "cups cups-client cups-bsd cups-ipp-utils dbus-daemon nut-server nut-client "
            "(DEBIAN_FRONTEND=noninteractive apt-get install -y ...)")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not go within a few seconds; by PID only."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _wait_until(check: object, what: str, proc: subprocess.Popen[bytes] | None = None,
                log: Path | None = None, timeout_s: float = START_TIMEOUT_S) -> None:
    assert callable(check)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.02)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise TestbedError(f"{what} (waited up to {timeout_s:.0f} s)\n{tail}")


def _lp_reachable_dir(base: Path) -> Path:
    """A fresh private dir that cupsd's filters (user lp) can traverse.

    pytest's tmp_path sits under a 0700 /tmp/pytest-of-root, which lp cannot
    enter; use it when lp can, else a temp dir under /tmp (removed afterwards).
    """
    p = base
    reachable = True
    while p != p.parent:
        if not p.stat().st_mode & 0o001:
            reachable = False
            break
        p = p.parent
    root = Path(tempfile.mkdtemp(prefix="cupsd-", dir=base if reachable else None))
    root.chmod(0o755)
    return root


# -- CUPS -------------------------------------------------------------------------


@dataclass
class Cups:
    root: Path
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def error_log(self) -> Path:
        return self.root / "log" / "error_log"

    @property
    def socket_path(self) -> Path:
        """The unix socket cupsd also listens on (as /run/cups/cups.sock)."""
        return self.root / "cups.sock"

    def env(self) -> dict[str, str]:
        return {**os.environ, **_C_ENV, "CUPS_SERVER": self.server}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(list(args), env=self.env(), capture_output=True, text=True,
                             timeout=30)
        if check and out.returncode != 0:
            raise TestbedError(f"{' '.join(args)} failed ({out.returncode}): {out.stderr}")
        return out

    def add_queue(self, name: str, out_file: Path | str) -> None:
        """A file-backed queue; ``out_file``'s directory need not exist (a missing
        directory is how tests make a job end ``processing-stopped``). A string
        is a device URI as it is (``ipp://...``, or a test backend's)."""
        uri = out_file if isinstance(out_file, str) else f"file://{out_file}"
        self.run("lpadmin", "-p", name, "-E", "-v", uri, "-P", str(PASSTHRU_PPD))

    def set_error_policy(self, name: str, policy: str) -> None:
        self.run("lpadmin", "-p", name, "-o", f"printer-error-policy={policy}")

    def disable(self, name: str, reason: str = "") -> None:
        self.run("cupsdisable", *(["-r", reason] if reason else []), name)

    def enable(self, name: str) -> None:
        self.run("cupsenable", name)

    def reject(self, name: str) -> None:
        self.run("cupsreject", name)

    def accept(self, name: str) -> None:
        self.run("cupsaccept", name)


CUPS_FILES_CONF = """\
ServerRoot {d}/etc
RequestRoot {d}/spool
CacheDir {d}/cache
StateDir {d}/state
TempDir {d}/tmp
ServerBin {serverbin}
DataDir /usr/share/cups
DocumentRoot /usr/share/cups/doc-root
AccessLog {d}/log/access_log
ErrorLog {d}/log/error_log
PageLog {d}/log/page_log
Printcap {d}/state/printcap
FileDevice Yes
SystemGroup root lpadmin
User lp
Group lp
"""

CUPSD_CONF = """\
Listen 127.0.0.1:{port}
Listen {d}/cups.sock
ServerName 127.0.0.1
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
PreserveJobHistory Yes
MaxJobs 0
{extra}<Location />
  Order allow,deny
  Allow 127.0.0.1
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""


SERVERBIN = Path("/usr/lib/cups")


def _private_serverbin(root: Path, backends: dict[str, str]) -> Path:
    """A ServerBin that is the system's (symlinks) plus our own backend scripts.

    A script whose mode has no group/other bits runs as root (CUPS's rule for
    backends), so it can write anywhere the test wants."""
    sb = root / "serverbin"
    (sb / "backend").mkdir(parents=True)
    for entry in SERVERBIN.iterdir():
        if entry.name != "backend":
            (sb / entry.name).symlink_to(entry)
    for entry in (SERVERBIN / "backend").iterdir():
        (sb / "backend" / entry.name).symlink_to(entry)
    for name, script in backends.items():
        path = sb / "backend" / name
        path.write_text(script)
        path.chmod(0o700)
    return sb


@contextlib.contextmanager
def cupsd(tmp_path: Path, port: int = 0, *, backends: dict[str, str] | None = None,
          conf: str = "") -> Iterator[Cups]:
    """A private cupsd on 127.0.0.1:``port`` (0: a free port).

    ``backends``: extra backend scripts by scheme name (a private ServerBin);
    ``conf``: extra cupsd.conf lines (e.g. ``JobRetryInterval 2``)."""
    _need("cupsd", "lp", "lpstat", "lpadmin", "cupsenable", "cupsdisable", "cupsreject")
    port = port or free_port()
    root = _lp_reachable_dir(tmp_path)
    for sub in ("etc", "spool", "cache", "state", "log", "tmp"):
        (root / sub).mkdir()
    # cupsd runs filters as lp: they write in TempDir.
    (root / "tmp").chmod(0o1777)
    serverbin = _private_serverbin(root, backends) if backends else SERVERBIN
    (root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(d=root, serverbin=serverbin))
    (root / "cupsd.conf").write_text(
        CUPSD_CONF.format(port=port, d=root, extra=conf + "\n" * bool(conf)))
    stdout = (root / "log" / "cupsd.out").open("wb")
    proc = subprocess.Popen(
        ["cupsd", "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
        stdout=stdout, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    cups = Cups(root, port, proc)
    try:
        def running() -> bool:
            out = cups.run("lpstat", "-r", check=False)
            return out.stdout.strip() == "scheduler is running"

        _wait_until(running, f"cupsd on {cups.server} did not start", proc, cups.error_log)
        yield cups
    finally:
        _stop(proc)
        stdout.close()
        shutil.rmtree(root, ignore_errors=True)


# -- NUT --------------------------------------------------------------------------

NUT_BIN = Path("/lib/nut")


@dataclass
class Nut:
    root: Path
    port: int
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    name: str = "dummy"

    @property
    def ups(self) -> str:
        return f"{self.name}@127.0.0.1:{self.port}"

    def read(self, var: str = "ups.status") -> str:
        out = subprocess.run(["upsc", self.ups, var], capture_output=True, text=True,
                             timeout=10, env={**os.environ, **_C_ENV})
        return out.stdout.strip() if out.returncode == 0 else ""

    def set_var(self, var: str, value: str) -> None:
        out = subprocess.run(
            ["upsrw", "-s", f"{var}={value}", "-u", "admin", "-p", "testpass", self.ups],
            capture_output=True, text=True, timeout=10, env={**os.environ, **_C_ENV})
        if out.returncode != 0:
            raise TestbedError(f"upsrw {var}={value} failed: {out.stdout} {out.stderr}")

    def set_status(self, value: str) -> None:
        self.set_var("ups.status", value)

    def wait_for(self, var: str, value: str, timeout_s: float = 10.0) -> None:
        """Until upsc shows ``var`` = ``value`` (bounded; raises on timeout)."""
        _wait_until(lambda: self.read(var) == value,
                    f"upsc {self.ups} {var} never became {value!r} (last {self.read(var)!r})",
                    timeout_s=timeout_s)

    def wait_status(self, value: str, timeout_s: float = 10.0) -> None:
        self.wait_for("ups.status", value, timeout_s)


@contextlib.contextmanager
def nut_dummy(tmp_path: Path, port: int = 0) -> Iterator[Nut]:
    """dummy-ups + upsd on 127.0.0.1:``port`` (0: a free port), status OL."""
    driver, upsd = NUT_BIN / "dummy-ups", NUT_BIN / "upsd"
    _need(str(driver), str(upsd), "upsc", "upsrw")
    port = port or free_port()
    root = Path(tempfile.mkdtemp(prefix="nut-", dir=tmp_path))
    conf, state = root / "etc", root / "state"
    conf.mkdir()
    state.mkdir(mode=0o700)
    (conf / "ups.conf").write_text(
        "[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n  mode = dummy-once\n"
        "  pollinterval = 1\n")
    (conf / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (conf / "upsd.users").write_text(
        "[admin]\n  password = testpass\n  actions = SET\n  instcmds = ALL\n")
    (conf / "dummy.dev").write_text(
        "ups.status: OL\nbattery.charge: 100\nbattery.runtime: 1800\n")
    for f in ("upsd.conf", "upsd.users"):
        (conf / f).chmod(0o600)
    env = {**os.environ, **_C_ENV, "NUT_CONFPATH": str(conf), "NUT_STATEPATH": str(state),
           "NUT_ALTPIDPATH": str(state)}
    nut = Nut(root, port)
    log = (root / "nut.log").open("wb")
    try:
        nut.procs.append(subprocess.Popen(
            [str(driver), "-a", "dummy", "-F", "-u", "root"], env=env, cwd=conf,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        _wait_until(lambda: (state / "dummy-ups-dummy").exists(),
                    "dummy-ups did not create its socket", nut.procs[0], root / "nut.log")
        nut.procs.append(subprocess.Popen(
            [str(upsd), "-F", "-u", "root"], env=env, cwd=conf,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        _wait_until(lambda: nut.read() == "OL", f"upsd on {nut.ups} did not report OL",
                    nut.procs[1], root / "nut.log")
        yield nut
    finally:
        for proc in reversed(nut.procs):
            _stop(proc)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


# -- an IPP printer: ippeveprinter (Debian cups-ipp-utils) ---------------------------------


@dataclass
class IppPrinter:
    """ippeveprinter on 127.0.0.1:``port``: a real IPP Everywhere printer.

    Facts checked on CUPS 2.4.2 (Debian 12): it needs a D-Bus system bus for
    its Avahi client even with ``-r off`` (a private ``dbus-daemon`` does),
    and ``-n localhost`` keeps it on loopback (IPv4 and IPv6). Its reasons
    carry a suffix by printer state (``media-empty-report`` when idle). It has
    no Pause-Printer: ``paused``/``offline`` come only from a print command's
    ``STATE:`` lines. ``/media?...`` with a tray level 0 sets ``media-empty``
    (and a job then waits, ``media-needed``); the reasons a print command sets
    with ``STATE: +x`` stay after it ends."""

    root: Path
    port: int
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/ipp/print"

    @property
    def log(self) -> Path:
        return self.root / "ippeveprinter.log"

    def _get(self, path: str) -> None:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
            r.read()

    def set_media(self, sheets: int) -> None:
        """Load ``sheets`` blanks in the main tray (0: empty; under 25: low),
        through its /media web form. The by-pass tray is left empty-looking,
        but ippeveprinter only counts the trays the form names."""
        self._get(f"/media?size1=iso_a4_210x297mm&level1={sheets}"
                  f"&size3=iso_a4_210x297mm&level3={max(sheets, 1) if sheets else 0}")

    def reasons(self) -> list[str]:
        """printer-state-reasons as ipptool reads them (independent of ktptui)."""
        out = subprocess.run(
            ["ipptool", "-tv", self.uri, "get-printer-attributes.test"],
            capture_output=True, text=True, timeout=30, env={**os.environ, **_C_ENV})
        for line in out.stdout.splitlines():
            if "printer-state-reasons (" in line:
                return line.split("=", 1)[1].strip().split(",")
        raise TestbedError(f"ipptool could not read {self.uri}: {out.stdout[-500:]}")


@contextlib.contextmanager
def ippeveprinter(tmp_path: Path, *, command: str = "", port: int = 0) -> Iterator[IppPrinter]:
    """ippeveprinter on a free loopback port. ``command``: a print command
    script (run for each job with the spool file as $1)."""
    _need("ippeveprinter", "ipptool", "dbus-daemon")
    port = port or free_port()
    root = Path(tempfile.mkdtemp(prefix="ippeve-", dir=tmp_path))
    (root / "spool").mkdir()
    bus = root / "bus"
    printer = IppPrinter(root, port)
    log = printer.log.open("wb")
    args = ["ippeveprinter", "-r", "off", "-n", "localhost", "-p", str(port),
            "-d", str(root / "spool"), "-f", "application/octet-stream,application/pdf",
            "-m", "Card", "-M", "Test"]
    if command:
        script = root / "print-command"
        script.write_text(command)
        script.chmod(0o700)
        args += ["-c", str(script)]
    try:
        printer.procs.append(subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", f"--address=unix:path={bus}"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        _wait_until(bus.exists, "dbus-daemon did not create its socket", printer.procs[0],
                    printer.log)
        printer.procs.append(subprocess.Popen(
            [*args, "ktptui-test"], stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **_C_ENV, "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={bus}"}))

        def answers() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        _wait_until(answers, f"ippeveprinter on {printer.uri} did not start",
                    printer.procs[1], printer.log)
        yield printer
    finally:
        for proc in reversed(printer.procs):
            _stop(proc)
        log.close()
        shutil.rmtree(root, ignore_errors=True)
