"""Every word in the operator's language (issue 12 item 7).

The catalogue has every key in both languages with the same fields, and an
operator on ``[ui] language = "id"`` reads no English: the CLI's human
output and refusals, the TUI's screens and refusals, history notes, the
event log and ledger notes (stored as catalogue keys, rendered when shown).
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import nik_for as demo_nik

from ktptui import actions
from ktptui.cli import main as cli
from ktptui.errors import KtpError
from ktptui.i18n import CATALOGUE, say, set_language, shown, t
from ktptui.model import Outcome, State
from ktptui.store import Store

#: Words that are English only: function words, and the domain words that
#: used to reach the operator. Words both languages use (printer, status,
#: PDF, CSV, NIK, ID, OK, demo, e-KTP, Suket) are not here.
ENGLISH = frozenset("""
the and is are was not nothing only already cannot can with from for at by of to
this that it its has have been when then until since about left none new made undone
job jobs card cards queue queued printing printed print expired authorisation authorised
authorized refused rejected waiting held hold cancelled cancel done interrupted resolved
resolve received spoiled adjusted adjustment history state attempt reason priority urgent
normal note outcome reported central sent report reports blanks blank shipment
paused resumed check allowed link power mains battery unknown day days stock over
must got path string key keys known section fix file write refusing symbolic others earlier
restore backup malformed changed missing damaged usage arguments argument required invalid
choice choose exit following unrecognized expected timed connection dropped reply resolved
network unreachable requests many redirected contract breaks big degraded reports among reasons
finite table than needs used twice give own each letters digits fields empty address should owns
whole negative or but instead else connect handshake certificate answer could match ignored
explicit positional options
""".split())  # noqa: SIM905 (a word list reads best as words)

#: Commands (`ktptui unpause`), identifiers (suket_after_days) and config
#: sections ([central]) are names, not words: they are not checked; nor is a
#: raw value from outside, which the catalogue quotes ("No space left on
#: device", a printer's "new-code").
_COMMAND = re.compile(r'`[^`]*`|"[^"]*"|\[\[?[a-z_]+\]\]?')


def english_words(text: str) -> set[str]:
    """The English-only words in ``text``."""
    words = re.findall(r"[A-Za-z_]+", _COMMAND.sub(" ", text))
    return {w.lower() for w in words if "_" not in w} & ENGLISH


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_fields() -> None:
    for key, (indonesian, english) in CATALOGUE.items():
        assert indonesian.strip() and english.strip(), key
        assert fields(indonesian) == fields(english), key


def test_the_word_check_sees_english_and_passes_indonesian() -> None:
    assert english_words("job 1234abcd is queued; see `ktptui show 1234abcd`") == {
        "job", "is", "queued"}
    set_language("id")
    assert english_words(t("refused.paused_by", by="siti")) == set()


def test_a_stored_text_follows_the_language_of_the_moment_it_is_shown() -> None:
    note = say("note.checked", outcome=say("note.outcome.spoiled"))
    assert str(note) == "operator checked the printer: spoiled"  # what logs and old readers get
    stored = (str(note), note.key, note.stored())
    try:
        set_language("en")
        assert shown(*stored) == "operator checked the printer: spoiled"
        set_language("id")
        assert shown(*stored) == "operator memeriksa printer: rusak"
        # An old record (English only) or a key this version does not know: as stored.
        assert shown("authorisation expired before printing") == (
            "authorisation expired before printing")
        assert shown("x", "no.such.key", {}) == "x"
        assert shown("x", "note.sent", {}) == "x"  # its value is missing: as stored
    finally:
        set_language("id")


# -- a store with a job in every state -------------------------------------------------------

def _step(store: Store, job_id: str, fn: Callable[..., object], **kw: object) -> None:
    with store.transaction() as tx:
        job = tx.job(job_id)
        assert job is not None
        fn(tx, job, **kw)


def _authorise(store: Store, job_id: str) -> None:
    _step(store, job_id, actions.authorised, operator="ktp",
          authorization_id=f"auth-{job_id[:8]}", holder_name="BUDI SANTOSO")


def _print(store: Store, job_id: str, outcome: Outcome | None) -> None:
    _authorise(store, job_id)
    _step(store, job_id, actions.sent_to_printer, operator="ktp", printer="kartu")
    if outcome is not None:
        _step(store, job_id, actions.settle_card, operator="ktp", outcome=outcome)


def every_state(store: Store) -> dict[State, str]:
    """One job in every state (and a spoiled card, a lapsed authorisation, a
    pause, an urgent job, blanks in and out); the job ids by state."""
    actions.receive_blanks(store, 40, operator="siti", note="surat 001/2026")
    ids: dict[State, str] = {}
    for i, state in enumerate(State):
        ids[state] = actions.add(store, demo_nik(i), operator="siti", urgent=i == 2,
                                 wait_for_citizen=state is State.WAITING_CITIZEN).id
    j = ids
    actions.hold(store, j[State.HELD], operator="siti")
    _authorise(store, j[State.AUTHORIZED])
    _print(store, j[State.PRINTING], None)
    _print(store, j[State.PRINTED], Outcome.PRINTED)
    _print(store, j[State.DONE], Outcome.PRINTED)
    with store.transaction() as tx:
        done = tx.job(j[State.DONE])
        assert done is not None
        tx.remove_outbox(f"{done.id}/{done.attempt}")
        actions.reported(tx, done, operator="ktp")
    _print(store, j[State.INTERRUPTED], None)
    _step(store, j[State.INTERRUPTED], actions.interrupted, operator="ktp",
          note=say("note.stopped_printing"))
    _step(store, j[State.REJECTED], actions.rejected, operator="ktp", code="not_recorded",
          status=409, why="NIK belum rekam")
    actions.cancel(store, j[State.CANCELLED], operator="siti")
    _print(store, j[State.QUEUED], Outcome.SPOILED)  # spoiled: queued again
    _authorise(store, j[State.QUEUED])
    _step(store, j[State.QUEUED], actions.lapsed, operator="ktp")
    actions.make_urgent(store, j[State.QUEUED], operator="siti", note="lansia")
    actions.make_urgent(store, j[State.QUEUED], operator="siti", urgent=False)
    actions.set_paused(store, True, operator="siti")
    actions.set_paused(store, False, operator="siti")
    from ktptui import roles

    actions.adjust_blanks(store, -1, operator="siti", reason="hitung ulang",
                          who=roles.who_for_uid(0))
    from ktptui.office import sessions

    # counts off the ledger: booked once confirmed with a reason
    sessions.open_session(store, 35, operator="siti", confirm=35, reason="salah hitung")
    sessions.close_session(store, 36, operator="budi", confirm=36, reason="ketemu satu")
    store.refresh()
    assert {s: store.job(i).state for s, i in ids.items()} == {s: s for s in State}  # type: ignore[union-attr]
    return ids


def troubled_statuses() -> list[Any]:
    """Engine statuses whose core details are English (an OS error, CUPS's
    message, an unknown reason code, upsc's words)."""
    from datetime import UTC, datetime

    from ktptui.central.monitor import LinkCause, LinkState, LinkStatus
    from ktptui.power import PowerStatus
    from ktptui.printers.base import PrinterStatus
    from ktptui.station.status import Gate, StationStatus

    since = datetime(2030, 1, 15, 2, 18, tzinfo=UTC)
    down = LinkStatus(LinkState.DOWN, since, 30.0, LinkCause.UNREACHABLE,
                      "connection refused by the host")
    busy = LinkStatus(LinkState.DEGRADED, since, 30.0, LinkCause.BUSY,
                      "HTTP 503: the service is overloaded, try later")
    token = LinkStatus(LinkState.DOWN, since, None, LinkCause.TOKEN, "the token is not valid")
    power = PowerStatus("unknown", None, None, False, "power state unknown: Data stale")
    printer = PrinterStatus(False, "Printer is offline and not accepting jobs",
                            ("offline", "some-new-reason"), ("media-low", "some-new-warning"))
    return [StationStatus(gate, "printer not ready: offline", link=link, power=power,
                          printer=printer, clock_offset_s=4000.0)
            for gate, link in ((Gate.PRINTER, down), (Gate.LINK, busy), (Gate.TOKEN, token),
                               (Gate.LINK, down), (Gate.IDLE, down))]


def test_status_lines_with_english_core_details_speak_indonesian() -> None:
    from ktptui.tui.status import BlanksInfo, engine_lines

    set_language("id")
    leaks = {}
    for status in troubled_statuses():
        lines = engine_lines(status, BlanksInfo(10, 5, None))
        for part in (lines.gate, lines.link, lines.power, lines.blanks, lines.printer):
            if found := english_words(part.text):
                leaks[f"{status.gate} {status.link.cause}: {part.text}"] = found
    assert not leaks, leaks
    try:
        set_language("en")  # English keeps the core's words
        english = engine_lines(troubled_statuses()[0], BlanksInfo(10, 5, None))
    finally:
        set_language("id")
    assert "connection refused by the host" in english.link.text


# -- the CLI ------------------------------------------------------------------------------------

def _cli(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    try:
        rc = cli.main([*args, "--config", str(config)])
    finally:
        set_language("id")
    out, err = capsys.readouterr()
    return rc, out + err


def test_the_cli_speaks_indonesian(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SUDO_USER", "SSH_CLIENT", "SSH_CONNECTION", "KTPTUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("USER", "siti")
    data = tmp_path / "data"
    store = Store(data)
    ids = every_state(store)
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\ndata_dir = "{data}"\n', encoding="utf-8")
    short = {s: i[:8] for s, i in ids.items()}
    runs: list[tuple[str, ...]] = [
        ("status",), ("jobs",), ("jobs", "--all"), ("blanks", "show"), ("log",),
        ("report",), ("report", "blanks"), ("session", "show"),
        ("suket", short[State.QUEUED]),  # refused (the slip itself is bilingual)
        *[("show", i) for i in short.values()],
        # Confirmations.
        ("urgent", short[State.QUEUED]), ("urgent", short[State.QUEUED], "--undo"),
        ("hold", short[State.QUEUED]), ("release", short[State.QUEUED]),
        ("pause",), ("unpause",),
        ("blanks", "receive", "5", "--note", "surat 002"),
        ("blanks", "adjust", "+1", "--reason", "hitung ulang"),
        # Refusals: each action on a job whose state does not allow it.
        ("add", demo_nik(0)), ("unpause",), ("session", "close", "--count", "3"),
        ("urgent", short[State.HELD]), ("urgent", short[State.HELD], "--undo"),
        *[(act, short[s]) for act in ("hold", "release", "cancel", "urgent")
          for s in (State.DONE, State.CANCELLED, State.REJECTED, State.PRINTING)],
        ("resolve", short[State.QUEUED], "printed"),
        ("resolve", short[State.INTERRUPTED], "spoiled"),
        ("show", short[State.INTERRUPTED]),
        ("cancel", short[State.QUEUED]),
    ]
    leaks: dict[tuple[str, ...], set[str]] = {}
    for args in runs:
        _, text = _cli(capsys, config, *args)
        assert text.strip(), args
        if found := english_words(text):
            leaks[args] = found
    from ktptui.station.status import STATUS_KEY

    for status in troubled_statuses():  # the engine's last word, with English details
        with store.transaction() as tx:
            tx.set_meta(STATUS_KEY, status.to_json())
        _, text = _cli(capsys, config, "status")
        if found := english_words(text):
            leaks[("status", str(status.gate), str(status.link.cause))] = found
    rc, text = _cli(capsys, config, "pause")
    rc, text = _cli(capsys, config, "pause")  # already paused: refused
    assert rc == 1
    if found := english_words(text):
        leaks[("pause", "again")] = found
    assert not leaks, leaks


def test_every_refusal_of_every_action_speaks_indonesian(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    ids = every_state(store)
    set_language("id")
    attempts: list[tuple[str, Callable[[], object]]] = []
    for state, job_id in ids.items():
        for name, act in (("hold", actions.hold), ("release", actions.release),
                          ("cancel", actions.cancel), ("urgent", actions.make_urgent)):
            attempts.append((f"{name} {state}", lambda a=act, j=job_id: a(store, j,
                                                                        operator="siti")))
        attempts.append((f"not urgent {state}", lambda j=job_id: actions.make_urgent(
            store, j, operator="siti", urgent=False)))
        attempts.append((f"resolve {state}", lambda j=job_id: actions.resolve(
            store, j, Outcome.PRINTED, operator="siti", still_queued=lambda _: "")))
    from ktptui import roles

    chief, clerk = roles.who_for_uid(0), roles.who_for_uid(65534)
    attempts += [
        ("unpause", lambda: actions.unpause(store, operator="siti")),
        ("add active", lambda: actions.add(store, demo_nik(0), operator="siti")),
        ("add bad", lambda: actions.add(store, "12345", operator="siti")),
        ("show none", lambda: store.find_job("ffffffff")),
        ("receive none", lambda: actions.receive_blanks(store, 0, operator="siti")),
        ("adjust 0", lambda: actions.adjust_blanks(store, 0, operator="siti", reason="x",
                                                   who=chief)),
        ("adjust no reason", lambda: actions.adjust_blanks(store, 1, operator="siti", reason="",
                                                           who=chief)),
        ("spoil no note", lambda: actions.spoil_blank(store, operator="siti")),
        ("below zero", lambda: actions.adjust_blanks(store, -999, operator="siti", reason="x",
                                                     who=chief)),
        ("not a supervisor", lambda: actions.adjust_blanks(store, 1, operator="siti",
                                                           reason="x", who=clerk)),
    ]
    refused = 0
    leaks = {}
    for what, attempt in attempts:
        try:
            attempt()
        except KtpError as e:
            refused += 1
            if found := english_words(e.message()):
                leaks[what] = (e.message(), found)
    assert refused >= 30 and leaks == {}


def test_the_token_the_log_window_and_a_suket_write_refuse_in_indonesian(
        tmp_path: Path) -> None:
    from ktptui.central.errors import TokenRefused
    from ktptui.office import audit

    with pytest.raises(audit.AuditError) as bad_since:
        audit.parse_since("kemarin")
    token = TokenRefused.said("central.token_refused_file", file="/etc/ktptui/token")
    write = actions.ActionRefused.said("refused.suket.write", path=str(tmp_path),
                                       why="No space left on device")  # the OS's own words
    # The option's name, the path and the OS's words are not the station's to translate.
    said = {"since": bad_since.value.message().replace("--since", ""),
            "token": token.message(),
            "write": write.message().replace("No space left on device", "")
            .replace(str(tmp_path), "")}
    assert {k: english_words(v) for k, v in said.items()} == {k: set() for k in said}
    assert str(bad_since.value).startswith("--since 'kemarin' is not YYYY-MM-DD")  # logs: English


def test_stored_texts_show_in_the_language_of_the_reader(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    ids = every_state(store)
    set_language("id")
    leaks = {}
    for state, job_id in ids.items():
        job = store.job(job_id)
        assert job is not None
        for h in job.history:
            if found := english_words(h.shown_note()):
                leaks[f"history {state} {h.to_state}"] = (h.shown_note(), found)
    for e in store.events():
        if found := english_words(e.shown()):
            leaks[f"event {e.kind}"] = (e.shown(), found)
    for entry in store.ledger_entries():
        if found := english_words(entry.shown_note()):
            leaks[f"ledger {entry.kind}"] = (entry.shown_note(), found)
    assert not leaks, leaks
    set_language("en")
    try:
        notes = [h.shown_note() for h in store.job(ids[State.INTERRUPTED]).history]  # type: ignore[union-attr]
    finally:
        set_language("id")
    assert "was printing when ktptui stopped: check the printer" in notes


# -- the TUI ------------------------------------------------------------------------------------

def screen_text(app: Any) -> str:
    """What the terminal shows now (the screenshot's text), notifications included."""
    svg = app.export_screenshot()
    shown_text = " ".join(html.unescape(s) for s in re.findall(r">([^<>]*)</text>", svg))
    return shown_text.replace("\xa0", " ") + " " + " ".join(
        n.message for n in app._notifications)


async def test_every_screen_of_the_tui_speaks_indonesian() -> None:
    from textual.widgets import Input
    from tuikit import SIZE, until

    from ktptui.demo import demo_station
    from ktptui.tui.keymap import ACTIONS, Now
    from ktptui.tui.launch import make_app

    leaks: dict[str, set[str]] = {}
    with demo_station(seconds_per_card=0.05, jam_rate=0.0, jobs=0, language="id") as station:
        ids = every_state(station.store)
        app = make_app(station.config, Store(station.config.store.data_dir), None,
                       station=station)
        app.animation_level = "none"
        app.refresh_s = 0.1
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.main.table.total >= 4)

            async def look(name: str) -> None:
                await pilot.pause()
                await until(pilot, lambda: t("common.loading") not in screen_text(app))
                if found := english_words(screen_text(app)):
                    leaks[name] = found

            await look("main")
            for key, name in (("question_mark", "help"), ("a", "add"), ("e", "events"),
                              ("b", "blanks"), ("o", "session"), ("l", "report"),
                              ("s", "finished")):
                main = app.screen
                await pilot.press(key)
                await until(pilot, lambda m=main: app.screen is not m)
                await look(name)
                if name == "add":  # a refused NIK, as typed
                    app.screen.query_one(Input).value = "12345"
                    await pilot.press("enter")
                    await look("add refused")
                while app.screen is not main:
                    await pilot.press("escape")
                    await pilot.pause()
            for state, job_id in ids.items():
                if not app.main.table.select_job(job_id):
                    continue  # finished: on the finished screen, seen above
                await pilot.pause()
                main = app.screen
                await pilot.press("enter")
                await until(pilot, lambda m=main: app.screen is not m)
                await look(f"details {state}")
                await pilot.press("escape")
                await until(pilot, lambda m=main: app.screen is m)
                for key in ("h", "r", "c", "u", "x", "k"):  # each refused key says why
                    await pilot.press(key)
                    await look(f"key {key} on {state}")
                    while app.screen is not main:
                        await pilot.press("escape")
                        await pilot.pause()
                    app.clear_notifications()
        # Each action's refusal, for a job in every state, paused or not.
        station.store.refresh()
        for action in ACTIONS:
            for job_id in [None, *ids.values()]:
                job = None if job_id is None else station.store.job(job_id)
                for paused in (False, True):
                    why = action.why_not(Now(job, 1, paused))
                    if found := english_words(why):
                        leaks[f"why {action.action} {job and job.state}"] = found
    assert not leaks, leaks


# -- the last English words: config, store files, argparse, causes from outside ------------------

#: A config file of every kind that is refused, and the catalogue key that says why.
BAD_CONFIGS: dict[str, str] = {
    "config.finite": "[central]\ntimeout_s = nan\n",
    "config.range": "[engine]\nauthorize_ahead = 0\n",
    "config.path": "[store]\ndata_dir = 5\n",
    "config.list": "[blanks]\nreserve_for = 5\n",
    "config.type": "[engine]\nauthorize_ahead = true\n",
    "config.table": "station = 5\n",
    "config.unknown_key": '[store]\ndatadir = "/x"\n',
    "config.choice": '[printer]\nbackend = "lpd"\n',
    "config.problem.reasons": '[blanks]\nreserve_for = ["pemula"]\n',
    "config.problem.printer_uri": '[printer]\ndevice_uri = "socket://10.0.0.5:9100"\n',
    "config.problem.printer_name": '[[printers]]\nname = "a b"\n',
    "config.problem.suket_format": '[office]\nsuket_number_format = "470/{nomor}/{year}"\n',
    "config.problem.nip": '[office]\nsignatory_nip = "12345"\n',
    "config.problem.prom": '[monitor]\ntextfile = "/var/lib/x.txt"\n',
    "config.toml": "[station\n",
    "config.unknown_section": '[printr]\nbackend = "cups"\n',
    "config.retry_order": "[central]\nretry_min_s = 60\nretry_max_s = 5\n",
    "config.printer_and_printers": '[printer]\nbackend = "sim"\n[[printers]]\nname = "a"\n',
    "config.printers_count": "printers = 3\n",
    "config.printer_unnamed": '[[printers]]\nbackend = "sim"\n',
    "config.printer_twice": '[[printers]]\nname = "a"\n[[printers]]\nname = "a"\n',
}


def _said(error: KtpError) -> set[str]:
    """The catalogue keys an error's words come from (nested ones too)."""
    from ktptui.i18n import Said

    keys = {error.key} if error.key else set()
    todo = list((error.values or {}).values())
    while todo:
        value = todo.pop()
        if isinstance(value, Said):
            keys.add(value.key)
            todo += value.values.values()
    return keys


def test_a_config_error_of_every_kind_speaks_indonesian(tmp_path: Path) -> None:
    from ktptui import config

    set_language("id")
    seen: set[str] = set()
    said: dict[str, KtpError] = {}
    leaks = {}
    for key, text in BAD_CONFIGS.items():
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(config.ConfigError) as got:
            config.load(path)
        if found := english_words(got.value.message().replace(str(tmp_path), "")):
            leaks[key] = (got.value.message(), found)
        said[key] = got.value
    for key, path in (("config.missing", tmp_path / "tiada.toml"),
                      ("config.unreadable", tmp_path)):  # a folder: cannot be read
        with pytest.raises(config.ConfigError) as got:
            config.load(path)
        seen |= _said(got.value)
        if found := english_words(got.value.message().replace(str(tmp_path), "")):
            leaks[key] = (got.value.message(), found)
    assert not leaks, leaks
    for key, error in said.items():
        seen |= _said(error)
        assert key in _said(error), (key, str(error))
        assert english_words(str(error).replace(str(tmp_path), "")), key  # logs: English
    assert {k for k in CATALOGUE if k.startswith("config.")} <= seen  # every kind was walked


def test_the_store_files_refuse_in_indonesian(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from ktptui.fsutil import DiskFull, StoreError, write_atomic
    from ktptui.store import open_store

    set_language("id")
    errors: dict[str, KtpError] = {}

    def refused(name: str, attempt: Callable[[], object]) -> None:
        try:
            attempt()
        except (StoreError, DiskFull) as e:
            errors[name] = e
        else:
            raise AssertionError(f"{name}: not refused")

    loose = tmp_path / "loose"
    loose.mkdir(mode=0o777)
    loose.chmod(0o777)
    refused("others may write", lambda: Store(loose))
    (tmp_path / "berkas").write_text("x")
    refused("not a folder", lambda: Store(tmp_path / "berkas"))
    data = tmp_path / "data"
    store = Store(data)
    actions.add(store, demo_nik(1), operator="siti")
    store.compact()
    (data / "snapshot.json").write_bytes(b'{"format": 1, "gen')
    refused("damaged snapshot", lambda: open_store(data))
    journal = tmp_path / "j" / "journal-1.jsonl"
    Store(journal.parent)
    from ktptui.store.records import encode_line

    with open(journal, "ab") as f:
        f.write(encode_line({"at": "x", "ops": [["put", "jobs", "abcd", {"id": "abcd"}]]}))
    refused("malformed record", lambda: Store(journal.parent))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "l" / "journal-1.jsonl"
    Store(link.parent)
    link.symlink_to(elsewhere / "x")
    refused("symlink", lambda: Store(link.parent))
    real = os.write

    def full(fd: int, b: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    refused("disk full", lambda: write_atomic(tmp_path / "x.json", b"{}"))
    monkeypatch.setattr(os, "write", real)
    from ktptui.locks import EngineBusy, FileLock, Holder

    lock = tmp_path / "data" / "store.lock"
    with FileLock(lock):  # held: another open of it waits, then gives up
        refused("busy", lambda: FileLock(lock, wait_s=0.01).__enter__())
    errors["engine busy"] = EngineBusy(Holder("ani", 42, "st1", "2030-01-15T02:18:00+00:00",
                                              "engine"), tmp_path / "engine.lock")
    leaks = {}
    for name, e in errors.items():
        if found := english_words(e.message().replace(str(tmp_path), "")):
            leaks[name] = (e.message(), found)
    assert not leaks, leaks
    for name, e in errors.items():
        assert e.key is not None, name
        assert english_words(str(e).replace(str(tmp_path), "")), name  # logs: English, as before
    assert str(errors["disk full"]).endswith(
        "free some space on that disk; nothing was changed")


def _help_words(text: str, names: set[str]) -> set[str]:
    """The English words of a help text or a usage error, less what the
    operator types: options, commands, choices and placeholders."""
    kept = []
    for line in re.sub(r"'[^']*'", " ", text).splitlines():  # a value typed or offered
        words = [w for w in line.split() if not w.startswith(("-", "[-", "{", "[{", "ktptui"))
                 and not w.strip("[].,:()|").isupper() and w.strip("[].,:()|") not in names]
        kept.append(" ".join(words))
    return english_words("\n".join(kept))


def _argparse_run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    try:
        rc = cli.main(list(args))
    except SystemExit as e:
        rc = int(e.code or 0)
    finally:
        set_language("id")
    out, err = capsys.readouterr()
    return rc, out + err


def test_the_cli_help_and_argparse_speak_indonesian(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    monkeypatch.delenv("KTPTUI_LANG", raising=False)
    parser = cli.build_parser()
    names = {"nik", "sim"}  # a command's name and a plain argument are typed as they are
    todo: list[argparse.ArgumentParser] = [parser]
    while todo:
        for action in todo.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                names |= set(action.choices)
                todo += action.choices.values()
    leaks = {}
    shown: list[tuple[int, str]] = []
    for args in (("--help",), ("add", "--help"), ("blanks", "--help"), ("session", "open", "-h"),
                 ("resolve", "--help")):
        rc, text = _argparse_run(capsys, *args)
        if found := _help_words(text, names):
            leaks[args] = found
        shown.append((rc, text))
    for args in (("add",), ("resolve", "abcd", "maybe"), ("jobs", "--bogus"), ("blanks",),
                 ("jobs", "--state"), ("session", "open", "--count", "x"), ("frobnicate",),
                 ("uncollected", "--days", "x")):
        rc, text = _argparse_run(capsys, *args)
        if found := _help_words(text, names):
            leaks[args] = (text, found)
        assert rc == 2 and text.count("\n") == 1, (args, text)
    assert not leaks, leaks
    assert all(rc == 0 and "pemakaian:" in text for rc, text in shown)
    monkeypatch.setenv("KTPTUI_LANG", "en")  # before the config, as asked
    rc, text = _argparse_run(capsys, "add")
    assert (rc, text) == (2, "ktptui add: error: the following arguments are required: nik "
                             "(see --help)\n")


def test_every_parser_and_argparse_phrase_has_its_words() -> None:
    import argparse

    from ktptui.cli.words import ARGPARSE_KEYS, UNTRANSLATED

    for msgid, key in ARGPARSE_KEYS.items():
        indonesian, english = CATALOGUE[key]
        assert english == msgid or key.startswith("cli.opt."), key
        assert (re.findall(r"%\(?\w*\)?[rsd]", indonesian)
                == re.findall(r"%\(?\w*\)?[rsd]", english)), key
    set_language("id")
    todo = [(cli.build_parser(), "")]
    missing = []
    while todo:
        parser, path = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    where = f"{path}.{name}".strip(".")
                    if f"cli.help.{where}" not in CATALOGUE:
                        missing.append(where)
                    if name not in UNTRANSLATED:
                        todo.append((sub, where))
            elif action.help not in (None, argparse.SUPPRESS) and not any(
                    k in CATALOGUE for k in (f"cli.opt.{path}.{action.dest}".replace("..", "."),
                                             f"cli.opt.{action.dest}")):
                missing.append(f"{path} {action.dest}")
    assert not missing, missing


def troubled_causes() -> list[Any]:
    """Engine statuses stopped by central (each cause, and one unknown) and
    by the printer (a known and an unknown reason), with English details."""
    from datetime import UTC, datetime

    from ktptui.central.errors import Cause
    from ktptui.central.monitor import LinkCause, LinkState, LinkStatus
    from ktptui.printers.base import PrinterStatus
    from ktptui.station.status import Gate, StationStatus

    since = datetime(2030, 1, 15, 2, 18, tzinfo=UTC)
    statuses = []
    for cause in Cause:
        broad = (LinkCause.DEGRADED if cause is Cause.DEGRADED
                 else LinkCause.BUSY if cause.value.startswith("http_") else LinkCause.UNREACHABLE)
        state = LinkState.DOWN if broad is LinkCause.UNREACHABLE else LinkState.DEGRADED
        link = LinkStatus(state, since, 30.0, broad, "cannot connect ([Errno -2] Name or "
                          "service not known)", cause)
        statuses.append(StationStatus(Gate.LINK, "Not printing: central unreachable",
                                      link=link))
    printer = PrinterStatus(False, "Printer is offline and not accepting jobs",
                            ("media-empty", "some-new-reason"))
    statuses.append(StationStatus(Gate.PRINTER, "Not printing: offline", printer=printer))
    return statuses


def test_gate_lines_name_what_stops_central_and_the_printer_in_indonesian(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ktptui.central.errors import Cause
    from ktptui.station.status import STATUS_KEY, gate_words
    from ktptui.tui.status import BlanksInfo, engine_lines

    set_language("id")
    data = tmp_path / "data"
    store = Store(data)
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\ndata_dir = "{data}"\n', encoding="utf-8")
    monkeypatch.setenv("USER", "siti")
    leaks = {}
    for status in troubled_causes():
        reason = status.link.reason
        with store.transaction() as tx:
            tx.set_meta(STATUS_KEY, status.to_json())
        _, cli_text = _cli(capsys, config, "status")
        set_language("id")
        lines = engine_lines(status, BlanksInfo(10, 5, None))
        shown = {"tui": f"{lines.gate.text} | {lines.link.text} | {lines.printer.text}",
                 "cli": cli_text, "resume": gate_words(status)}
        if reason is not None and reason is not Cause.OTHER:  # the known cause, in words
            said = t(f"link.reason.{reason.value}")
            assert said in lines.link.text and said in cli_text and said in shown["resume"]
        elif reason is Cause.OTHER:  # an unknown one: the raw words as a quoted value
            assert '"cannot connect ([Errno -2] Name or service not known)"' in lines.link.text
        else:
            words = t("printer.reason.media-empty")
            assert all(words in text for text in shown.values()), shown
            assert all('"some-new-reason"' in text for text in shown.values()), shown
        for where, text in shown.items():
            if found := english_words(text):
                leaks[f"{where} {reason}"] = (text, found)
    assert not leaks, leaks


def test_a_refused_connection_and_a_lost_name_reach_the_operator_as_causes() -> None:
    import socket

    from ktptui.central import CentralClient, LinkMonitor, TransientError
    from ktptui.central.errors import Cause

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    set_language("id")
    for url, cause in ((f"http://127.0.0.1:{port}/api", Cause.REFUSED),
                       ("https://no-such-host.invalid/api", Cause.DNS)):
        client = CentralClient(url, "t", station_id="s", office_code="35.15", timeout_s=5)
        monitor = LinkMonitor()
        with pytest.raises(TransientError) as got:
            client.health()
        assert got.value.cause is cause and str(got.value).startswith("central unreachable: ")
        monitor.record_failure(got.value)
        link = monitor.snapshot()
        assert link.reason is cause and link.reason_words() == t(f"link.reason.{cause.value}")
        assert not english_words(got.value.message().replace(str(port), "")), got.value.message()
        client.close()


def test_a_lapsing_hold_and_a_bad_reply_show_in_the_readers_language(tmp_path: Path) -> None:
    from ktptui.central.client import _bad
    from ktptui.central.errors import FinalAnswer

    store = Store(tmp_path / "data")
    held = actions.add(store, demo_nik(1), operator="siti")
    _authorise(store, held.id)
    job = actions.hold_lapsing(store, held.id, operator="ktp",
                               note=say("note.lapsing", n=3))
    waiting = actions.add(store, demo_nik(2), operator="siti")
    with store.transaction() as tx:
        current = tx.job(waiting.id)
        assert current is not None
        actions.ask_later(tx, current, why=_bad("field 'document' missing").words(),
                          at="2030-01-01T00:00:00.000Z")
    refused = actions.add(store, demo_nik(3), operator="siti")
    with store.transaction() as tx:
        current = tx.job(refused.id)
        assert current is not None
        actions.rejected(tx, current, operator="ktp", code="", status=409,
                         why=FinalAnswer(409, "", "", "").words())  # no code, no words
    store.refresh()
    stored = [store.job(job.id), store.job(waiting.id), store.job(refused.id)]
    try:
        set_language("en")
        english = [j.shown_error() for j in stored if j is not None]
    finally:
        set_language("id")
    indonesian = [j.shown_error() for j in stored if j is not None]
    assert english[0].startswith("authorisation lapsed unused 3 times in a row")
    assert english == [j.last_error for j in stored if j is not None]  # the stored line
    assert indonesian[0] == t("note.lapsing", n=3)
    assert {i: english_words(text) for i, text in enumerate(indonesian)} == {
        0: set(), 1: set(), 2: set()}
    assert english[2] == "central refused (409 no code): HTTP 409"


def test_what_became_of_a_card_is_said_in_the_readers_language(tmp_path: Path) -> None:
    from ktptui.printers.cups import ABORTED, CANCELED, PROCESSING, CupsPrinter, JobInfo, _not_gone
    from ktptui.printers.sim import SimPrinter
    from ktptui.printers.spool import SpoolPrinter

    sim = SimPrinter(seconds_per_card=0, jam_rate=1.0)
    jammed = sim.print_card("j1", 1, b"%PDF", "application/pdf")
    sim.set_ready(False, "Printer is offline")
    offline = sim.print_card("j2", 1, b"%PDF", "application/pdf")
    spool = SpoolPrinter(tmp_path / "spool")
    (tmp_path / "spool").rmdir()
    nowhere = spool.print_card("j3", 1, b"%PDF", "application/pdf")
    aborted = CupsPrinter._finished("ektp-5", JobInfo(ABORTED, message="Ribbon jam"), True)
    cancelled = CupsPrinter._finished("ektp-6", JobInfo(CANCELED), False)
    assert aborted is not None and cancelled is not None
    stuck = _not_gone(say("printer.out.stopped", label="ektp-7"), "ektp-7",
                      JobInfo(PROCESSING).state_said, "Forbidden")
    outcomes = [jammed, offline, nowhere, aborted, cancelled]
    set_language("id")
    shown_now = [o.said.text() for o in outcomes if o.said is not None] + [stuck.text()]
    assert len(shown_now) == 6
    leaks = {text: found for text in shown_now
             if (found := english_words(text.replace(str(tmp_path), "")))}
    assert not leaks, leaks
    assert [o.reason for o in outcomes] == [str(o.said) for o in outcomes]  # logs: English
    assert aborted.reason == ("CUPS job ektp-5 was aborted while printing (Ribbon jam): the "
                              "blank is counted as spoiled; check the printer")
    assert str(stuck) == ("CUPS job ektp-7 stopped; CUPS job ektp-7 could not be cancelled "
                          "(still processing: Forbidden) and may print later: cancel it with "
                          "'cancel ektp-7', then check the printer")


def test_a_suket_issued_and_refused_speaks_indonesian(tmp_path: Path) -> None:
    from ktptui.office import suket

    store = Store(tmp_path / "data")
    job = actions.add(store, demo_nik(1), operator="siti", name="SITI AMINAH")
    _step(store, job.id, actions.rejected, operator="ktp", code="not_recorded", status=409,
          why="NIK belum rekam")
    set_language("id")
    kw: dict[str, Any] = {"operator": "siti", "office_code": "35.15", "station_id": "s"}
    with pytest.raises(actions.ActionRefused) as nowhere:
        suket.issue(store, job.id, **kw)  # neither a file, a printer nor a screen
    first = suket.issue(store, job.id, show=lambda text: None, **kw)
    again = suket.issue(store, job.id, out=tmp_path / "salinan.pdf", **kw)
    assert again.slip.number == first.slip.number and again.slip.reprint  # read back, typed
    store.refresh()
    shown_now = [e.shown() for e in store.events() if e.kind == "suket"]
    shown_now += [nowhere.value.message(), *(w.text() for w in first.where + again.where)]
    leaks = {text: found for text in shown_now
             if (found := english_words(text.replace(str(tmp_path), "")))}
    assert not leaks, leaks
    assert [e.detail for e in store.events() if e.kind == "suket"][0] == (
        f"issued {first.slip.number} (not_recorded): screen")  # the English line, as before


def test_a_handover_an_approval_and_a_purge_are_logged_in_the_readers_language(
        tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from ktptui import roles
    from ktptui.office import retention

    store = Store(tmp_path / "data")
    ids = every_state(store)
    actions.handover(store, ids[State.DONE], operator="siti", to="BUDI", note="diwakilkan")
    actions.handover(store, ids[State.PRINTED], operator="siti", to="BUDI")
    difference = next(e for e in store.ledger_entries() if e.kind == "counted")
    actions.approve_count(store, difference.id[:8], operator="budi", who=roles.who_for_uid(0))
    assert retention.purge(store, datetime.now(UTC) + timedelta(days=400), days=1) > 0
    set_language("id")
    logged = {e.kind: e.shown() for e in store.events()
              if e.kind in ("handover", "blanks", "retention")}
    assert set(logged) == {"handover", "blanks", "retention"}
    leaks = {kind: found for kind, text in logged.items() if (found := english_words(text))}
    assert not leaks, (leaks, logged)
