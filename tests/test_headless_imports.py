"""The headless paths (CLI commands, --resume, the engine) never import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ktptui.central")

CODE = """
import sys
import ktptui.cli.main, ktptui.station.resume, ktptui.station.engine, ktptui.station.build
rc = ktptui.cli.main.main(["status", "--config", sys.argv[1]])
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
assert not loaded, loaded
print("rc", rc)
"""


def test_headless_paths_do_not_import_textual(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", CODE, str(cfg)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "rc 0" in out.stdout


#: Run one command through ``cli.main`` and list what it imported.
COMMAND = """
import sys
import ktptui.cli.main
rc = ktptui.cli.main.main(sys.argv[2:] + ["--config", sys.argv[1]])
print("rc", rc)
print("MODULES", " ".join(sorted(sys.modules)))
"""

#: Never needed by a queue or status command (issue 11: "a command imports
#: only what it uses"): the simulator, the HTTP client and TLS, the UI.
HEAVY = ("ktptui.central.sim", "ktptui.central.client", "http.server", "httpx", "ssl",
         "textual")


@pytest.mark.parametrize("argv", [["jobs"], ["status"], ["add", "3201011501900001"]])
def test_commands_import_only_what_they_use(tmp_path: Path, argv: list[str]) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", COMMAND, str(cfg), *argv], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "rc 0" in out.stdout
    modules = out.stdout.split("MODULES ", 1)[1].split()
    loaded = [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert not loaded, loaded


def test_sim_command_still_has_its_options(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "ktptui", "sim", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "--error-rate" in out.stdout
