"""Config: the schema's defaults, every kind of mistake named by key and file,
where the file is looked for, and config.toml.example kept in step."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from ktptui import config, paths
from ktptui.config import Config, ConfigError

EXAMPLE = Path(__file__).resolve().parent.parent / "config.toml.example"
SECTIONS = {f.name: typing.get_type_hints(Config)[f.name]
            for f in dataclasses.fields(Config) if f.name not in ("source", "printers")}
ALL_KEYS = [(s, f.name) for s, cls in SECTIONS.items() for f in dataclasses.fields(cls)]


def parse(text: str, file: Path = Path("/etc/ktp/config.toml")) -> Config:
    return config.parse(text, file)


def error(text: str, file: Path = Path("/etc/ktp/config.toml")) -> str:
    with pytest.raises(ConfigError) as info:
        config.parse(text, file)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_empty_file_means_defaults() -> None:
    cfg = parse("")
    assert cfg == Config(source=Path("/etc/ktp/config.toml"))
    assert cfg.printer.backend == "sim" and cfg.power.source == "auto"
    assert cfg.ui.language == "id" and cfg.central.token_file is None
    assert cfg.store.data_dir == paths.data_dir()


def test_values_are_read() -> None:
    cfg = parse("""
        [station]
        id = "kec-01"
        operator = "siti"
        [central]
        timeout_s = 3        # an int is fine for a float
        token_file = "/etc/ktp/token"
        [printer]
        backend = "cups"
        sim_jam_rate = 0.25
        [engine]
        authorize_ahead = 1
    """)
    assert (cfg.station.id, cfg.station.operator) == ("kec-01", "siti")
    assert cfg.central.timeout_s == 3.0 and isinstance(cfg.central.timeout_s, float)
    assert cfg.central.token_file == Path("/etc/ktp/token")
    assert cfg.printer.backend == "cups" and cfg.printer.sim_jam_rate == 0.25
    assert cfg.engine.authorize_ahead == 1


def test_paths_relative_to_the_file_home_expanded_and_empty_is_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    cfg = parse('[store]\ndata_dir = "data"\n[central]\ntoken_file = "~/token"\n'
                'ca_bundle = ""\n', tmp_path / "cfg" / "config.toml")
    assert cfg.store.data_dir == tmp_path / "cfg" / "data"
    assert cfg.central.token_file == tmp_path / "home" / "token"
    assert cfg.central.ca_bundle is None


def test_unknown_key_names_file_key_and_the_known_keys() -> None:
    msg = error('[store]\ndatadir = "/x"\n')
    assert msg == ("/etc/ktp/config.toml: [store] datadir: unknown key "
                   "(known keys: data_dir, retain_personal_days)")


def test_unknown_section() -> None:
    msg = error("[printr]\nbackend = \"cups\"\n")
    assert msg.startswith("/etc/ktp/config.toml: unknown section [printr] (known: station,")


def test_a_section_that_is_not_a_table() -> None:
    assert error("station = 5\n") == "/etc/ktp/config.toml: [station] must be a table"


def test_invalid_toml_names_the_file() -> None:
    msg = error("[station\n")
    assert msg.startswith("/etc/ktp/config.toml: not valid TOML (") and "fix the syntax" in msg


def wrong_value(hint: Any) -> tuple[str, object]:
    """A TOML value of the wrong type for ``hint``, as text and as Python."""
    if hint is int:
        return '"3"', "3"
    if hint is float:
        return "true", True
    if hint is bool:
        return '"yes"', "yes"
    return "5", 5  # str, Path, Path | None


@pytest.mark.parametrize(("section", "key"), ALL_KEYS, ids=[f"{s}.{k}" for s, k in ALL_KEYS])
def test_every_key_refuses_a_wrong_type_naming_key_and_file(section: str, key: str) -> None:
    hint = typing.get_type_hints(SECTIONS[section])[key]
    text, value = wrong_value(hint)
    msg = error(f"[{section}]\n{key} = {text}\n")
    where = f"/etc/ktp/config.toml: [{section}] {key}"
    if hint is str or hint in (int, float, bool):
        assert msg == f"{where} must be {hint.__name__}, got {type(value).__name__} {value!r}"
    elif typing.get_origin(hint) is tuple:
        assert msg == f"{where} must be a list of strings, got {value!r}"
    else:
        assert msg == f"{where} must be a path string, got {value!r}"


def test_reserve_for_takes_known_reasons_only() -> None:
    on = config.parse('[blanks]\nreserve = 50\nreserve_for = ["new", "damaged"]\n',
                      Path("/etc/ktp/config.toml"))
    assert (on.blanks.reserve, on.blanks.reserve_for) == (50, ("new", "damaged"))
    assert config.Config().blanks.reserve_for == ("new",)
    assert error('[blanks]\nreserve_for = ["pemula"]\n') == (
        "/etc/ktp/config.toml: [blanks] reserve_for must list reasons among new, "
        "data_change, damaged, lost, got ('pemula',)")


def test_bool_is_not_an_int_and_negatives_are_refused() -> None:
    assert error("[engine]\nauthorize_ahead = true\n") == (
        "/etc/ktp/config.toml: [engine] authorize_ahead must be int, got bool True")
    assert error("[power]\nmin_runtime_s = -1\n") == (
        "/etc/ktp/config.toml: [power] min_runtime_s must be from 0 to 86400, got -1")
    assert error("[central]\ntimeout_s = -0.5\n").endswith("must be from 0.1 to 600, got -0.5")


def test_require_session_is_off_by_default_and_a_real_boolean() -> None:
    assert config.Config().office.require_session is False
    on = config.parse("[office]\nrequire_session = true\n", Path("/etc/ktp/config.toml"))
    assert on.office.require_session is True
    assert error("[office]\nrequire_session = 1\n") == (
        "/etc/ktp/config.toml: [office] require_session must be bool, got int 1")


NUMERIC_KEYS = [(s, k) for s, k in ALL_KEYS
                if typing.get_type_hints(SECTIONS[s])[k] in (int, float)]


def test_every_numeric_key_has_a_range_holding_its_default() -> None:
    assert sorted(config.RANGES) == sorted(NUMERIC_KEYS)
    defaults = Config()
    for (section, key), (lo, hi) in config.RANGES.items():
        assert lo <= getattr(getattr(defaults, section), key) <= hi, (section, key)


@pytest.mark.parametrize(("text", "expected"), [
    ("[engine]\nauthorize_ahead = 0\n", "[engine] authorize_ahead must be from 1 to 100, got 0"),
    ("[printer]\nsim_jam_rate = 7.5\n", "[printer] sim_jam_rate must be from 0 to 1, got 7.5"),
    ("[central]\ntimeout_s = nan\n", "[central] timeout_s must be a finite number, got nan"),
    ("[central]\nretry_max_s = inf\n",
     "[central] retry_max_s must be a finite number, got inf"),
    ("[printer]\nsim_seconds_per_card = -inf\n",
     "[printer] sim_seconds_per_card must be a finite number, got -inf"),
    ("[blanks]\nlow_threshold = 9223372036854775807\n",
     "[blanks] low_threshold must be from 0 to 1000000, got 9223372036854775807"),
    ("[central]\nhealth_interval_s = 1e300\n",
     "[central] health_interval_s must be from 0.1 to 3600, got 1e+300"),
    ("[office]\nsuket_after_days = 100000\n",
     "[office] suket_after_days must be from 0 to 3650, got 100000"),
    ("[store]\nretain_personal_days = 99999999\n",
     "[store] retain_personal_days must be from 0 to 3650, got 99999999"),
    ("[central]\ntimeout_s = 0\n", "[central] timeout_s must be from 0.1 to 600, got 0.0"),
    ("[central]\nretry_min_s = 60\nretry_max_s = 5\n",
     "[central] retry_min_s (60) must not be more than retry_max_s (5)"),
])
def test_out_of_range_values_are_one_line_errors(text: str, expected: str) -> None:
    assert error(text) == f"/etc/ktp/config.toml: {expected}"


@pytest.mark.parametrize(("section", "key"), NUMERIC_KEYS,
                         ids=[f"{s}.{k}" for s, k in NUMERIC_KEYS])
def test_every_numeric_key_takes_its_bounds_and_refuses_beyond(section: str, key: str) -> None:
    lo, hi = config.RANGES[(section, key)]
    is_int = typing.get_type_hints(SECTIONS[section])[key] is int
    # The retry pair must also keep min <= max: give the other one room.
    other = {"retry_min_s": "retry_max_s = 86400\n", "retry_max_s": "retry_min_s = 0.01\n"}
    head = f"[{section}]\n" + other.get(key, "")
    for ok in (lo, hi):
        got = getattr(getattr(parse(f"{head}{key} = {ok!r}\n"), section), key)
        assert got == ok
    too_big = int(hi) + 1 if is_int else hi * 2 + 1
    assert f"[{section}] {key} must be from" in error(f"{head}{key} = {too_big!r}\n")


@pytest.mark.parametrize(("section", "key", "bad"), [
    ("printer", "backend", "lpd"), ("power", "source", "apc"), ("ui", "language", "jv"),
])
def test_choices(section: str, key: str, bad: str) -> None:
    choices = dataclasses.fields(SECTIONS[section])
    allowed = next(f for f in choices if f.name == key).metadata["choices"]
    assert error(f'[{section}]\n{key} = "{bad}"\n') == (
        f"/etc/ktp/config.toml: [{section}] {key} must be one of {', '.join(allowed)}, "
        f"got {bad!r}")


# -- where the file comes from ---------------------------------------------------------------

def test_load_order_and_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KTPTUI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert paths.config_file() == tmp_path / "xdg" / "ktptui" / "config.toml"
    assert config.load() == Config()  # no file at the default place: defaults
    default = tmp_path / "xdg" / "ktptui" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text('[station]\noffice_code = "35.15"\n')
    assert config.load().station.office_code == "35.15"
    assert config.load().source == default
    env_file = tmp_path / "env.toml"
    env_file.write_text('[station]\noffice_code = "35.16"\n')
    monkeypatch.setenv("KTPTUI_CONFIG", str(env_file))
    assert config.load().station.office_code == "35.16"
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=f"{missing}: no such config file; copy "
                                          "config.toml.example there or fix --config"):
        config.load(missing)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match=f"{bad}: cannot read config"):
        config.load(bad)


def test_relative_xdg_variables_are_ignored(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    monkeypatch.setenv("XDG_CONFIG_HOME", "")
    monkeypatch.delenv("KTPTUI_CONFIG", raising=False)
    assert paths.data_dir() == tmp_path / ".local/share/ktptui"
    assert paths.config_file() == tmp_path / ".config/ktptui/config.toml"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    assert paths.data_dir() == tmp_path / "d" / "ktptui"


# -- config.toml.example ---------------------------------------------------------------------

COMMENTED_KEY = re.compile(r"^#([a-z_]+) = ")


def example_keys() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Keys written in the example per section: set ones, and commented-out ones."""
    active: dict[str, set[str]] = {}
    commented: dict[str, set[str]] = {}
    section = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^\[([a-z_]+)\]$", line):
            section = m.group(1)
            active.setdefault(section, set())
            commented.setdefault(section, set())
        elif m := re.match(r"^([a-z_]+) = ", line):
            active[section].add(m.group(1))
        elif m := COMMENTED_KEY.match(line):
            commented[section].add(m.group(1))
    return active, commented


def test_the_example_parses_to_the_defaults() -> None:
    cfg = config.parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    assert dataclasses.replace(cfg, source=None) == Config()


def test_the_example_has_every_key_once_and_nothing_else() -> None:
    active, commented = example_keys()
    assert list(active) == list(SECTIONS)  # every section, in the schema's order
    for section, cls in SECTIONS.items():
        schema = {f.name for f in dataclasses.fields(cls)}
        assert active[section] | commented[section] == schema, section
        assert not active[section] & commented[section], section
    # Host-dependent defaults are the commented-out ones, and only those.
    assert {s: k for s, k in commented.items() if k} == {"station": {"id"}, "store": {"data_dir"}}


def test_the_commented_out_keys_are_valid_too() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    uncommented = "\n".join(COMMENTED_KEY.sub(r"\1 = ", line) for line in text.splitlines())
    cfg = config.parse(uncommented, EXAMPLE)
    assert cfg.station.id == "kec-sukamaju-01"
    assert cfg.store.data_dir == Path("~/.local/share/ktptui").expanduser()


def test_every_key_in_the_example_has_a_comment_above_it() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^#?[a-z_]+ = ", line):
            above = lines[i - 1]
            assert above.startswith("# ") or re.match(r"^[a-z_]+ = ", above), line


# -- several printers (issue 15) ----------------------------------------------------------

def test_one_printer_table_is_one_printer_named_by_its_queue_or_name() -> None:
    assert [n for n, _ in parse("").printer_list()] == ["ektp"]
    cfg = parse('[printer]\nqueue = "kartu"\n')
    assert [(n, p.queue) for n, p in cfg.printer_list()] == [("kartu", "kartu")]
    assert [n for n, _ in parse('[printer]\nname = "depan"\n').printer_list()] == ["depan"]


def test_printers_tables_are_read_in_order() -> None:
    cfg = parse("""
        [[printers]]
        name = "p1"
        backend = "cups"
        queue = "ektp1"
        [[printers]]
        name = "p2"
        backend = "sim"
        sim_seconds_per_card = 0.5
    """)
    assert [(n, p.backend) for n, p in cfg.printer_list()] == [("p1", "cups"), ("p2", "sim")]
    assert cfg.printers[0].queue == "ektp1" and cfg.printers[1].sim_seconds_per_card == 0.5


@pytest.mark.parametrize(("text", "expected"), [
    ('[[printers]]\nbackend = "sim"\n', "[[printers]] #1 needs a name"),
    ('[[printers]]\nname = "a"\n[[printers]]\nname = "a"\n', "name 'a' is used twice"),
    ('[printer]\nbackend = "sim"\n[[printers]]\nname = "a"\n', "both [printer] and [[printers]]"),
    ('[[printers]]\nname = "a b"\n', "[[printers]] #1 name must be 1 to 16 letters"),
    ('[[printers]]\nname = "\\u001b[2J"\n', "[[printers]] #1 name must be 1 to 16 letters"),
    ('[[printers]]\nname = "a"\nsim_jam_rate = 2\n', "[[printers]] #1 sim_jam_rate must be"),
    ('[[printers]]\nname = "a"\nnope = 1\n', "[[printers]] #1 nope: unknown key"),
    ('printers = 3\n', "[[printers]] must be 1 to 16 tables"),
    ('[printers]\nname = "a"\n', "each starting with a [[printers]] line"),
])
def test_bad_printers_tables_are_one_line_errors(text: str, expected: str) -> None:
    assert expected in error(text)
