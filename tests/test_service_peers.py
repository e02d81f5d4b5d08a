"""Another account at the station service's socket (issue 15): the socket's
mode turns it away (``NotAllowed``), and if that mode is loosened the service
itself refuses a peer that is neither root, the service's account, nor in
``[office] operator_group`` / ``supervisor_group``; it serves on.

The child processes change uid, so the test runs as root (CI does): as
another user it fails and says so, it is never skipped."""

from __future__ import annotations

import contextlib
import grp
import json
import os
import select
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from configkit import write_config

from ktptui.central.sim import CentralSimulator
from ktptui.config import load
from ktptui.errors import Kind, KtpError
from ktptui.station.client import NotAllowed, Remote
from ktptui.station.service import StationService

NOBODY = 65534
#: gid 0 ("root"): the operator group of these stations, so a child that
#: keeps it as its group is a member and one that drops it is not.
OPERATORS = grp.getgrgid(0).gr_name


@pytest.fixture
def service(tmp_path: Path) -> Iterator[StationService]:
    assert os.geteuid() == 0, ("this test runs clients as another uid (nobody) and so must run "
                               "as root, as CI does; run it with sudo")
    folder = Path(tempfile.mkdtemp(prefix="kp", dir="/tmp"))
    folder.chmod(0o755)  # as /run: the socket's own folder and mode decide
    try:
        with CentralSimulator(port=0, token="tok", seed=1) as central:
            config, _ = write_config(tmp_path, central.base_url, seconds_per_card=0.2)
            with config.open("a", encoding="utf-8") as f:
                f.write(f'\n[service]\nsocket = "{folder / "run" / "ktptui.sock"}"\n'
                        f'[office]\noperator_group = "{OPERATORS}"\n'
                        'supervisor_group = "ktptui-no-such-group"\n')
            service = StationService(load(config), takeover_s=0.2)
            service.start()
            try:
                yield service
            finally:
                assert service.stop(wait=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def warm_up(service: StationService) -> None:
    """Load in this process everything a child uses: it cannot import
    anything once it is nobody (the interpreter's folders are closed to it)."""
    with Remote.attach(service.path) as remote:  # type: ignore[union-attr]
        assert remote.call("hello")["role"] == "supervisor"
    NotAllowed(service.path, OPERATORS).message()
    json.dumps({"a": 1})


def as_other_account(service: StationService, *, gid: int) -> dict[str, Any]:
    """In a forked child running as uid nobody with group ``gid`` (no
    supplementary groups): attach and say hello; what happened, as a dict."""
    warm_up(service)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        outcome: dict[str, Any]
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(NOBODY)
            try:
                remote = Remote.attach(service.path, group=OPERATORS, timeout=5)
                if remote is None:
                    outcome = {"attached": False}
                else:
                    with remote:
                        outcome = {"result": remote.call("hello")}
            except KtpError as e:
                outcome = {"class": type(e).__name__, "kind": e.error_kind.value,
                           "error": str(e), "message": e.message()}
            os.write(write_end, json.dumps(outcome).encode())
        except BaseException as e:  # noqa: BLE001 - anything, told to the parent
            with contextlib.suppress(BaseException):
                os.write(write_end, json.dumps({"crash": repr(e)}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    data = b""
    try:
        while True:
            ready, _, _ = select.select([read_end], [], [], 30)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError("the child as nobody did not answer in 30 s")
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    outcome = json.loads(data)
    assert isinstance(outcome, dict) and "crash" not in outcome, outcome
    return outcome


def served_after(service: StationService) -> None:
    with Remote.attach(service.path, timeout=5) as remote:  # type: ignore[union-attr]
        hello = remote.call("hello")
        assert hello["user"] == "root" and hello["clients"] == 1  # the refused one is gone
        assert "jobs" in remote.call("status")


def test_another_uid_is_turned_away_by_the_sockets_mode(service: StationService) -> None:
    mode = service.path.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o660 and mode.st_gid == 0
    outcome = as_other_account(service, gid=NOBODY)
    assert outcome["class"] == "NotAllowed" and outcome["kind"] == Kind.REFUSED.value, outcome
    assert OPERATORS in outcome["error"] and "\n" not in outcome["message"]
    served_after(service)


def test_a_loosened_socket_still_refuses_an_account_outside_the_groups(
        service: StationService) -> None:
    service.path.parent.chmod(0o755)
    service.path.chmod(0o666)  # someone loosened it: the service still checks
    outcome = as_other_account(service, gid=NOBODY)
    assert "result" not in outcome, outcome
    assert outcome["kind"] == Kind.REFUSED.value, outcome
    error, message = outcome["error"], outcome["message"]
    assert f"uid {NOBODY}" in error and OPERATORS in error and "ktptui-no-such-group" in error
    assert f"usermod -aG {OPERATORS}" in error
    assert f"uid {NOBODY}" in message and "\n" not in message and message != error  # Indonesian
    served_after(service)


def test_a_member_of_the_operator_group_is_served_as_an_operator(
        service: StationService) -> None:
    service.path.parent.chmod(0o755)
    service.path.chmod(0o666)
    outcome = as_other_account(service, gid=0)  # connects as the operator group
    assert outcome.get("result", {}).get("role") == "operator", outcome
    assert outcome["result"]["user"] != "root"
    served_after(service)
