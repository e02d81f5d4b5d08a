"""The store's files on a shared machine: whose folder, symlinks, a bounded
lock wait that names the holder, a data folder that vanished, loose modes,
malformed records. (Damaged snapshots are in test_store.py.)"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pwd
import re
import select
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ktptui import actions, locks, paths
from ktptui.fsutil import UnsafeFile, write_atomic
from ktptui.model import new_job
from ktptui.store import (
    JobNotFound,
    Store,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    encode_line,
    open_store,
)
from ktptui.store.documents import DocumentError

REPO = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4 card"


def add(store: Store, make_nik: Callable[[int], str], i: int) -> str:
    return actions.add(store, make_nik(i), operator="op").id


def one_line(e: BaseException) -> str:
    msg = str(e)
    assert msg and "\n" not in msg, msg
    return msg


def mode(p: Path) -> int:
    return stat.S_IMODE(os.lstat(p).st_mode)


# -- whose folder ------------------------------------------------------------------------------

def give_away(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Make ``path`` another user's: really (chown to nobody) when the tests
    run as root, else by making ktptui believe it runs as someone else."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
        return "nobody"
    me = os.geteuid()
    monkeypatch.setattr("ktptui.fsutil.os.geteuid", lambda: me + 1)
    return pwd.getpwuid(me).pw_name


def test_a_data_folder_of_another_user_is_refused_in_one_line(
        data_dir: Path, make_nik: Callable[[int], str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir.mkdir(mode=0o700)
    owner = give_away(data_dir, monkeypatch)
    with pytest.raises(UnsafeFile) as info:
        open_store(data_dir)
    msg = one_line(info.value)
    assert isinstance(info.value, StoreError)
    assert msg.startswith(f"refusing data folder {data_dir}: it belongs to {owner}, not to ")
    assert "run ktptui as its owner, or set [store] data_dir" in msg
    assert os.listdir(data_dir) == []  # nothing was created in it


@pytest.mark.parametrize("loose", [0o770, 0o777, 0o720, 0o702], ids=oct)
def test_a_data_folder_others_may_write_to_is_refused(
        data_dir: Path, loose: int) -> None:
    data_dir.mkdir()
    data_dir.chmod(loose)
    with pytest.raises(UnsafeFile) as info:
        Store(data_dir)
    msg = one_line(info.value)
    assert msg == (f"refusing data folder {data_dir}: others may write in it (mode "
                   f"{loose:04o}); check that nothing in it is foreign, then "
                   f"`chmod 700 {data_dir}`")
    assert mode(data_dir) == loose and os.listdir(data_dir) == []


def test_a_writable_subfolder_is_refused_too(data_dir: Path) -> None:
    Store(data_dir)
    (data_dir / "archive").chmod(0o777)
    with pytest.raises(UnsafeFile, match=r"refusing data folder .*/archive: others may write"):
        Store(data_dir)


def test_a_data_folder_reached_through_a_symlink_is_fine(
        tmp_path: Path, make_nik: Callable[[int], str]) -> None:
    """An admin may point the data folder at another disk with a link."""
    real = tmp_path / "disk" / "ktptui"
    real.mkdir(parents=True, mode=0o700)
    link = tmp_path / "data"
    link.symlink_to(real)
    add(Store(link), make_nik, 1)
    assert len(Store(link).jobs()) == 1 and list(real.glob("journal-*.jsonl"))


# -- symlinks ----------------------------------------------------------------------------------

@pytest.fixture
def victim(tmp_path: Path) -> Iterator[Path]:
    """Another user's .bashrc, which a planted link points at."""
    home = tmp_path / "home" / "ani"
    home.mkdir(parents=True)
    rc = home / ".bashrc"
    rc.write_text("export PS1='ani$ '\n")
    yield rc


PLANTED = ["journal-1.jsonl", "snapshot.json", "snapshot.prev.json", "store.lock",
           "engine.lock", "tui.log", "archive/jobs-2026-11.jsonl", "documents/j-1.pdf",
           "documents/.j-1.pdf.123.tmp"]


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_symlink_is_refused_naming_it_and_its_target_is_untouched(
        data_dir: Path, victim: Path, make_nik: Callable[[int], str], name: str) -> None:
    Store(data_dir)
    link = data_dir / name
    link.unlink(missing_ok=True)
    link.symlink_to(victim)
    before = victim.read_bytes()
    with pytest.raises(UnsafeFile) as info:
        store = Store(data_dir)
        add(store, make_nik, 1)  # the old code appended this to the victim's file
        store.compact()
    msg = one_line(info.value)
    assert msg.startswith(f"refusing {link}: it is a symbolic link, and ktptui never follows")
    assert victim.read_bytes() == before
    assert link.is_symlink()  # left for the operator to look at


def test_a_link_planted_while_the_store_is_open_is_not_followed(
        data_dir: Path, victim: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir)
    add(store, make_nik, 1)
    journal = data_dir / "journal-1.jsonl"
    journal.unlink()
    journal.symlink_to(victim)
    before = victim.read_bytes()
    with pytest.raises(UnsafeFile, match=f"refusing {journal}: it is a symbolic link"):
        add(store, make_nik, 2)
    lock = data_dir / "store.lock"
    lock.unlink()
    lock.symlink_to(victim)
    with pytest.raises(UnsafeFile, match=f"refusing {lock}: it is a symbolic link"):
        store.refresh()
    assert victim.read_bytes() == before


def test_a_document_is_never_written_or_read_through_a_link(
        store: Store, data_dir: Path, victim: Path) -> None:
    sha = hashlib.sha256(PDF).hexdigest()
    tmp = data_dir / "documents" / f".j-1.pdf.{os.getpid()}.tmp"
    tmp.symlink_to(victim)
    before = victim.read_bytes()
    with pytest.raises(DocumentError, match=f"refusing {tmp}: it is a symbolic link"):
        store.documents.save("j", 1, "application/pdf", PDF, sha)
    assert victim.read_bytes() == before
    tmp.unlink()
    doc = data_dir / "documents" / "k-1.pdf"
    doc.symlink_to(victim)
    with pytest.raises(DocumentError, match=f"refusing {doc}: it is a symbolic link"):
        store.documents.read("k-1.pdf", hashlib.sha256(before).hexdigest())


def test_write_atomic_refuses_a_planted_temp_link_and_renames_inside_its_folder(
        tmp_path: Path, victim: Path) -> None:
    target = tmp_path / "out.json"
    tmp = tmp_path / f".out.json.{os.getpid()}.tmp"
    tmp.symlink_to(victim)
    before = victim.read_bytes()
    with pytest.raises(UnsafeFile, match=f"refusing {tmp}: it is a symbolic link"):
        write_atomic(target, b"data")
    assert victim.read_bytes() == before and not target.exists()
    with pytest.raises(ValueError, match="must be in the folder of"):
        write_atomic(target, b"data", tmp=victim.parent / "x.tmp")
    tmp.unlink()
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data" and mode(target) == 0o600


# -- modes and a new folder ------------------------------------------------------------------

def test_loose_modes_on_existing_files_are_tightened_at_open(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir, compact_after=10**9)
    add(store, make_nik, 1)
    store.compact()
    add(store, make_nik, 2)
    store.documents.save("j", 1, "application/pdf", PDF, hashlib.sha256(PDF).hexdigest())
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    for p in files:
        p.chmod(0o644)  # e.g. restored from a backup with the wrong umask
    (data_dir / "documents").chmod(0o755)
    Store(data_dir)
    assert {str(p): oct(mode(p)) for p in files} == {str(p): "0o600" for p in files}
    assert mode(data_dir / "documents") == 0o700


def test_a_new_data_folder_is_made_durable_in_its_parent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    Store(tmp_path / "new" / "data")
    assert str(tmp_path) in synced and str(tmp_path / "new") in synced


# -- the lock ---------------------------------------------------------------------------------

HOLD_FLOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""

HOLD_AS_KTPTUI = """
import fcntl, os, sys
from pathlib import Path
from ktptui.locks import EngineLock
EngineLock(Path(sys.argv[1]).parent).acquire(role="engine")
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def start_holder(code: str, lock: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "USER": "ani", "LOGNAME": "ani",
           "SUDO_USER": ""}
    proc = subprocess.Popen([sys.executable, "-c", code, str(lock), *extra],
                            stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    assert ready and proc.stdout.readline() == "locked\n"
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


def open_in_thread(data_dir: Path) -> BaseException | None:
    """Open the store in a thread; what it raised. A thread still waiting
    after 20 s (the old code waited forever) fails the test."""
    got: list[BaseException | None] = []

    def go() -> None:
        try:
            Store(data_dir)
            got.append(None)
        except BaseException as e:  # noqa: BLE001 - handed to the test
            got.append(e)

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "the store waited for its lock without bound"
    return got[0]


@pytest.mark.parametrize(("code", "who"), [
    (HOLD_FLOCK, "pid"), (HOLD_AS_KTPTUI, "engine"), (HOLD_FLOCK, "ktptui")],
    ids=["any-process", "the-engine", "a-ktptui-command"])
def test_a_held_store_lock_is_waited_for_a_bounded_time_and_names_the_holder(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch, code: str, who: str) -> None:
    Store(data_dir)
    monkeypatch.setattr(locks, "LOCK_WAIT_S", 0.5)
    # "ktptui" on its command line, like `ktptui jobs`, but no engine lock.
    proc = start_holder(code, data_dir / "store.lock", *(["ktptui"] if who == "ktptui" else []))
    try:
        err = open_in_thread(data_dir)
    finally:
        stop(proc)
    assert isinstance(err, StoreBusy)
    msg = one_line(err)
    assert msg.startswith(f"the store is busy: {data_dir / 'store.lock'} has been held for "
                          "over 0.5 s by ")
    assert msg.endswith("if that process hangs, stop it, then try again")
    if who == "pid":
        assert f"by pid {proc.pid};" in msg
    elif who == "engine":
        assert f"by engine of user ani, pid {proc.pid} on " in msg and ", since 20" in msg
    else:
        me = pwd.getpwuid(os.geteuid()).pw_name
        assert re.search(rf"by ktptui of user {me}, since \d{{4}}-\d\d-\d\d \d\d:\d\d, "
                         rf"pid {proc.pid};", msg), msg
    Store(data_dir)  # free again once the holder is gone


def test_the_default_lock_wait_is_a_few_seconds() -> None:
    assert 1 <= locks.LOCK_WAIT_S <= 10


def test_a_lock_free_again_within_the_wait_is_taken(data_dir: Path) -> None:
    Store(data_dir)
    fd = os.open(data_dir / "store.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    timer = threading.Timer(0.2, os.close, (fd,))
    timer.start()
    try:
        assert open_in_thread(data_dir) is None
    finally:
        timer.join()


# -- a data folder that vanished -----------------------------------------------------------------

def test_state_home_is_private_to_the_test(tmp_path: Path) -> None:
    state = paths.state_dir()
    assert not str(state).startswith(str(Path.home() / ".local"))
    assert os.environ["XDG_STATE_HOME"] in str(state)


def test_state_home_stays_private_after_a_tests_monkeypatch_undo(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KTPTUI_X", "1")
    monkeypatch.undo()
    assert not str(paths.state_dir()).startswith(str(Path.home() / ".local"))


def test_a_data_folder_that_held_a_store_and_is_gone_is_an_error(
        tmp_path: Path, make_nik: Callable[[int], str]) -> None:
    disk = tmp_path / "mnt" / "usb" / "ktptui"
    add(Store(disk), make_nik, 1)
    shutil.rmtree(tmp_path / "mnt" / "usb")  # the disk is unmounted
    with pytest.raises(StoreError) as info:
        open_store(disk)
    msg = one_line(info.value)
    known = paths.known_stores_file()
    assert mode(known) == 0o600 and mode(known.parent) == 0o700
    assert msg == (f"the data folder {disk} held a store and is gone: its disk may be "
                   f"unmounted; mount it and try again. To start a new empty store there "
                   f"on purpose, delete its line from {known}")
    assert not (tmp_path / "mnt" / "usb").exists()  # nothing recreated
    # Starting fresh on purpose, as the message says.
    known.write_text("".join(f"{ln}\n" for ln in known.read_text().splitlines()
                             if ln != str(disk)))
    assert Store(disk).jobs() == []
    assert str(disk) in known.read_text().splitlines()


def test_a_relative_data_folder_is_remembered_by_its_absolute_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Store(Path("rel-data"))
    assert str(tmp_path / "rel-data") in paths.known_stores_file().read_text().splitlines()
    shutil.rmtree(tmp_path / "rel-data")
    with pytest.raises(StoreError, match="held a store and is gone"):
        Store(tmp_path / "rel-data")


# -- malformed records ---------------------------------------------------------------------------

def test_a_malformed_journal_record_is_one_line_naming_file_and_line(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir)
    add(store, make_nik, 1)
    journal = data_dir / "journal-1.jsonl"
    doc = new_job(make_nik(2), operator="op").to_dict()
    del doc["state"]
    with open(journal, "ab") as f:  # a good CRC around a bad record
        f.write(encode_line({"at": "x", "ops": [["put", "jobs", doc["id"], doc]]}))
    with pytest.raises(StoreCorrupt) as info:
        Store(data_dir)
    msg = one_line(info.value)
    assert msg.startswith(f"{journal} has a malformed record (line 2 (byte ")
    assert "missing 'state'" in msg and "Nothing was changed" in msg


@pytest.mark.parametrize("rec", [
    {"at": "x"}, {"ops": "put"}, {"ops": [["put", "nope", "k", {}]]},
    {"ops": [["put", "jobs", "k"]]}, {"ops": [["del", "jobs", 5]]}, [1, 2],
    {"ops": [["put", "outbox", "k", {"job_id": "j"}]]},
    {"ops": [["put", "ledger", "k", {"kind": "stolen"}]]},
    {"ops": [["put", "ledger", "k", {"id": "k", "at": "2026-11-28T08:00:00Z",
                                      "kind": "received", "delta": "5", "operator": "op"}]]},
])
def test_every_kind_of_malformed_journal_record_is_one_line(
        data_dir: Path, rec: object) -> None:
    Store(data_dir)
    (data_dir / "journal-1.jsonl").write_bytes(encode_line(rec))
    with pytest.raises(StoreCorrupt, match=r"journal-1.jsonl has a malformed record \(line 1"):
        Store(data_dir)


def test_a_malformed_archive_record_is_named_by_file_and_byte_and_skipped(
        data_dir: Path, make_nik: Callable[[int], str], caplog: pytest.LogCaptureFixture) -> None:
    store = Store(data_dir)
    path = data_dir / "archive" / "jobs-2026-01.jsonl"
    good = new_job(make_nik(1), operator="op").to_dict()
    bad = dict(good, id="x" * 36, history="oops")
    path.write_bytes(encode_line(good) + encode_line(bad))
    assert [j.id for j in store.archived_jobs()] == [good["id"]]
    assert store.find_job(good["id"][:8]).id == good["id"]
    with pytest.raises(JobNotFound):
        store.find_job("x" * 8)
    damaged = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert damaged and all("\n" not in m for m in damaged)
    assert damaged[0].startswith(f"{path}: the record at byte {len(encode_line(good))} "
                                 "is damaged (")


def test_a_malformed_record_in_an_old_snapshot_is_one_line(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir)
    job_id = add(store, make_nik, 1)
    store.compact()  # no earlier copy to rebuild from
    snap = data_dir / "snapshot.json"
    raw = json.loads(snap.read_bytes())
    raw.pop("crc32", None)
    raw["tables"]["jobs"][job_id]["priority"] = "yesterday"
    snap.write_text(json.dumps(raw))
    with pytest.raises(StoreCorrupt) as info:
        Store(data_dir)
    msg = one_line(info.value)
    assert msg.startswith(f"store snapshot {snap} is unreadable (malformed jobs record "
                          f"'{job_id}': 'yesterday' is not a valid Priority)")


def test_the_cli_says_a_malformed_record_in_one_line(
        tmp_path: Path, data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir)
    add(store, make_nik, 1)
    with open(data_dir / "journal-1.jsonl", "ab") as f:
        f.write(encode_line({"at": "x", "ops": [["put", "jobs", "abcd", {"id": "abcd"}]]}))
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{data_dir}"\n[ui]\nlanguage = "en"\n')
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-m", "ktptui", "jobs", "--config", str(cfg)],
                       capture_output=True, text=True, env=env, timeout=60, check=False)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"ktptui: {data_dir / 'journal-1.jsonl'} has a malformed record")


def test_the_demos_throwaway_store_is_forgotten_with_it(tmp_path: Path) -> None:
    from ktptui.demo import demo_station

    kept = tmp_path / "kept"
    Store(kept)
    with demo_station(jobs=1) as station:
        assert str(station.root / "data") in paths.known_stores_file().read_text()
    assert paths.known_stores_file().read_text().splitlines() == [str(kept)]
