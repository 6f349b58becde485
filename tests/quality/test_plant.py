"""The seeded planting script of benchmarks/qa: exact shares, reproducible, every planted error where it says."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.quality.conftest import sentence

PLANT = Path(__file__).resolve().parents[2] / "benchmarks" / "qa" / "plant.py"
spec = importlib.util.spec_from_file_location("qa_plant", PLANT)
assert spec and spec.loader
plant_mod = importlib.util.module_from_spec(spec)
sys.modules["qa_plant"] = plant_mod
spec.loader.exec_module(plant_mod)


def _docs():
    words = ["Kata", "Joko", "Widodo", "di", "Jakarta", "dan", "Bandung", "kemarin", "Senin"]
    labels = [None, "PER", "PER", None, "LOC", None, "LOC", None, None]
    return [
        sentence(f"d{k:03d}", words, [lab if k % 3 or lab != "PER" else "ORG" for lab in labels]) for k in range(100)
    ]


def test_planting_is_seeded_and_plants_the_declared_shares() -> None:
    docs = _docs()
    n = sum(len(d.gold.spans) for d in docs)
    new, planted = plant_mod.plant(docs, seed=3)
    again, planted_again = plant_mod.plant(docs, seed=3)
    assert planted == planted_again and [d.gold for d in new] == [d.gold for d in again]
    counts = {k: sum(p.kind == k for p in planted) for k in plant_mod.SHARES}
    assert counts == {
        "relabel": round(0.04 * n),
        "boundary": round(0.03 * n),
        "delete": round(0.03 * n),
        "spurious": round(0.02 * n),
    }
    by_id = {d.document.id: d for d in new}
    for p in planted:
        doc = by_id[p.doc_id]
        here = [(s.start, s.end, s.label) for s in doc.gold.spans]
        if p.kind == "relabel":
            assert (p.start, p.end, p.after) in here and p.after != p.before
        elif p.kind == "delete":
            assert not [s for s in here if s[:2] == (p.start, p.end)]
        elif p.kind == "spurious":
            assert (p.start, p.end, p.after) in here and doc.document.text[p.start].isupper()
    assert plant_mod.plant(docs, seed=4)[1] != planted
