from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.schema import Schema, load_schema

REPO = Path(__file__).resolve().parent.parent
SEED_RAW = REPO / "seeds" / "raw" / "000_52eeffeea49d3acd.txt"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema(REPO / "schemas" / "schema.yaml")


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the user's Hub token or writes caches outside tmp_path."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)
