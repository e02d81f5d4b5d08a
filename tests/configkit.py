"""A station config on disk for tests that run ktptui as a real process."""

from __future__ import annotations

from pathlib import Path


def write_config(tmp_path: Path, base_url: str, *,
                 seconds_per_card: float = 1.5) -> tuple[Path, Path]:
    """``config.toml`` (sim printer, no power source, token 0600) and its data folder."""
    token = tmp_path / "token"
    token.write_text("tok")
    token.chmod(0o600)
    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text(f"""
[store]
data_dir = "{data}"
[central]
base_url = "{base_url}"
token_file = "{token}"
[printer]
backend = "sim"
sim_seconds_per_card = {seconds_per_card}
[power]
source = "none"
""")
    return config, data
