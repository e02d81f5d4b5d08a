"""The headless paths (CLI commands, --resume, the engine) never import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ktptui.central")

CODE = """
import sys
import ktptui.cli, ktptui.resume, ktptui.engine, ktptui.station
rc = ktptui.cli.main(["status", "--config", sys.argv[1]])
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
