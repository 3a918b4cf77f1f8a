"""Every setting is documented in the README and overridable by its environment variable."""

from __future__ import annotations

from pathlib import Path

from explorer import settings


def test_every_setting_is_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in readme]
    assert not missing


def test_environment_overrides_default(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLORER_DB", str(tmp_path / "x.duckdb"))
    assert settings.path("EXPLORER_DB") == tmp_path / "x.duckdb"
    monkeypatch.delenv("EXPLORER_DATA", raising=False)
    assert settings.path("EXPLORER_DATA").name == "graph_data"
