"""The one error tree (ktptui/errors.py): every error class is a KtpError, each
kind has its exit code and its words, and every front says a bad NIK alike."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ktptui
from ktptui import actions, errors, i18n, nik
from ktptui.cli import main as cli
from ktptui.errors import EXIT_CODES, Kind, KtpError
from ktptui.store import Store, encode_line

NIK = "3515051503900011"


def ktptui_modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(ktptui.__path__, "ktptui."):
        if not info.name.endswith("__main__"):  # it runs the CLI
            yield importlib.import_module(info.name)


def test_every_exception_class_of_ktptui_is_a_ktp_error() -> None:
    found = {
        f"{obj.__module__}.{obj.__qualname__}": obj
        for module in ktptui_modules()
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, BaseException) and obj.__module__.startswith("ktptui.")
    }
    assert len(found) >= 20  # the walk sees the tree (ActionRefused, StoreCorrupt, ...)
    strays = sorted(name for name, cls in found.items() if not issubclass(cls, KtpError))
    assert strays == []


def test_every_kind_has_an_exit_code_a_heading_and_a_fix_in_both_languages() -> None:
    assert set(EXIT_CODES) == set(Kind)
    assert {EXIT_CODES[Kind.BAD_INPUT], EXIT_CODES[Kind.CONFIG]} == {cli.EXIT_USAGE}
    for kind in Kind:
        for key in (f"error.{kind.value}", f"error.fix.{kind.value}"):
            indonesian, english = i18n.CATALOGUE[key]
            assert indonesian and english and indonesian != english, key


def test_the_kinds_of_the_old_roots() -> None:
    from ktptui.central import FinalAnswer, TransientError
    from ktptui.config import ConfigError
    from ktptui.fsutil import DiskFull
    from ktptui.locks import StoreBusy
    from ktptui.printers.ipp import IppError
    from ktptui.store import JobNotFound, StoreCorrupt

    kinds = {nik.InvalidNik: Kind.BAD_INPUT, ConfigError: Kind.CONFIG,
             actions.ActionRefused: Kind.REFUSED, JobNotFound: Kind.REFUSED,
             StoreCorrupt: Kind.STORE, StoreBusy: Kind.STORE, DiskFull: Kind.STORE,
             TransientError: Kind.CENTRAL, FinalAnswer: Kind.CENTRAL, IppError: Kind.PRINTER}
    assert {cls: cls.error_kind for cls in kinds} == kinds
    assert issubclass(DiskFull, OSError)  # callers that catch OSError still do


# -- the CLI: one dispatcher ------------------------------------------------------------

@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n[ui]\nlanguage = "en"\n',
                      encoding="utf-8")
    monkeypatch.delenv("KTPTUI_CONFIG", raising=False)

    def go(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        rc = cli.main([*args, "--config", str(config)])
        err = capsys.readouterr().err
        assert err.count("\n") == (0 if rc == 0 else 1), err
        return rc, err

    yield go
    i18n.set_language("id")  # the CLI set the config's language for this process


def test_cli_exit_codes_come_from_the_kind(run: Any, tmp_path: Path) -> None:
    rc, err = run("add", "3515051503900000")  # bad input
    assert (rc, err) == (2, "ktptui: NIK 3515...: serial (digits 13-16) is 0000, "
                            "the first serial is 0001\n")
    assert run("add", NIK)[0] == 0
    rc, err = run("release", run_jobs_id(tmp_path))  # refused by state
    assert rc == 1 and "cannot go from queued to queued" in err
    rc, err = run("log", "--since", "yesterday")  # bad input, no per-command except
    assert rc == 2 and "--since 'yesterday'" in err
    journal = tmp_path / "data" / "journal-1.jsonl"  # the store damaged
    with journal.open("ab") as f:
        f.write(encode_line({"at": "x"}))
    rc, err = run("jobs")
    assert rc == 1 and "journal-1.jsonl has a malformed record" in err


def run_jobs_id(tmp_path: Path) -> str:
    return Store(tmp_path / "data").active_jobs()[0].id


# -- NIK rules in one place -------------------------------------------------------------

@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("bad", ["3515O51503900011", "35150515039000111", "9915051503900011",
                                 "3515053203900011", "3515051503900000"])
def test_a_bad_nik_gets_the_same_words_from_every_front(
        bad: str, language: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.tui.screens.add_job import BAD, nik_check

    config = tmp_path / "config.toml"
    config.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n'
                      f'[ui]\nlanguage = "{language}"\n', encoding="utf-8")
    try:
        assert cli.main(["add", bad, "--config", str(config)]) == 2
        said_by_cli = capsys.readouterr().err.removeprefix("ktptui: ").rstrip("\n")
        with pytest.raises(nik.InvalidNik) as refused:
            actions.add(Store(tmp_path / "data"), bad, operator="siti")
        said_by_tui, state = nik_check(bad)
        said_by_actions = refused.value.message()  # in the language of the moment
    finally:
        i18n.set_language("id")
    assert state == BAD
    assert said_by_cli == said_by_tui == said_by_actions
    assert (language == "en") == (said_by_cli == str(refused.value))


def test_the_tui_shows_a_core_error_with_its_heading_and_fix() -> None:
    from ktptui.tui.app import KtpApp

    said: list[tuple[str, dict[str, Any]]] = []

    class Screen:
        def notify(self, text: str, **kw: Any) -> None:
            said.append((text, kw))

    KtpApp.show_error(Screen(), nik.InvalidNik("9915051503900011", nik.Rule.PROVINCE,  # type: ignore[arg-type]
                                               code="99"))
    text, kw = said[0]
    assert text == (f"{i18n.t('nik.bad.province', shown='NIK 9915...', code='99')}\n"
                    f"{i18n.t('error.fix.bad_input')}")
    assert (kw["title"], kw["severity"]) == (i18n.t("error.bad_input"), "error")
    assert errors.KtpError().exit_code == 1  # a bare KtpError is a refusal


# -- state changes only through actions; no assert as control flow ------------------------

SOURCE = Path(ktptui.__file__).parent


def test_the_station_moves_jobs_only_through_actions() -> None:
    """The engine's steps are ``actions`` functions (authorised, sent to the
    printer, settled, interrupted, reported, rejected, lapsed), like the
    operator's keys: no state change of its own."""
    for path in sorted((SOURCE / "station").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for inline in ("transition(", "put_job(", ".changed("):
            assert inline not in text, f"{path.name}: {inline}"


def test_no_assert_as_control_flow_in_the_core() -> None:
    """``python -O`` drops asserts: the core must not rely on them (the
    Textual screens' type narrowing aside)."""
    found = [f"{path.relative_to(SOURCE)}:{n}"
             for path in sorted(SOURCE.rglob("*.py")) if "tui" not in path.parts
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if line.lstrip().startswith("assert ")]
    assert found == []
