"""The CRF's grid: one crfsuite trainer serves every setting, sequentially or on forked workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.baselines.crf import CrfTagger
from toolkit.formats.conll import read_corpus
from toolkit.schema import Schema

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "idner-news-2k"
GRID = ({"c1": 0.05, "c2": 0.1}, {"c1": 0.2, "c2": 0.01}, {"c1": 0.05, "c2": 0.1})


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_grid_models_equal_models_trained_alone(workers: str, schema: Schema, monkeypatch: pytest.MonkeyPatch) -> None:
    train = read_corpus(DATA / "train.txt", split="train")[:120]
    alone = []
    for setting in GRID:
        crf = CrfTagger(setting["c1"], setting["c2"], max_iterations=20)
        crf.fit(train, schema)
        alone.append(crf._model)
    monkeypatch.setenv("TOOLKIT_WORKERS", workers)
    grid = CrfTagger(max_iterations=20).fit_grid(train, schema, GRID)
    assert grid == alone  # byte for byte, whatever was trained on the trainer before
    assert grid[0] != grid[1]
