from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, idner_release
from toolkit.benchmarks import run
from toolkit.benchmarks.leaderboard import regenerate
from toolkit.dataset.load import load_release
from toolkit.errors import ToolkitError
from toolkit.schema import Schema

DATA = REPO / "benchmarks" / "data" / "idner-news-2k"


@pytest.fixture(scope="module")
def small_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return idner_release(tmp_path_factory.mktemp("bench"), (240, 60, 80))


def test_release_round_trip(small_release: Path) -> None:
    rel = load_release(small_release)
    assert {k: len(v) for k, v in rel.splits.items()} == {"train": 240, "validation": 60, "test": 80}
    doc, gold = rel.splits["test"][0]
    assert all(doc.text[s.start : s.end].strip() == doc.text[s.start : s.end] for s in gold.spans)


@pytest.mark.slow
def test_bench_results_leaderboard_and_checksums(small_release: Path, schema: Schema, tmp_path: Path) -> None:
    out = tmp_path / "benchmarks"
    files = run(small_release, schema, out_root=out, resamples=200)
    assert sorted(f.name for f in files) == ["crf.json", "gazetteer.json", "rules.json"]
    crf = json.loads((out / "mini" / "1.0.0" / "crf.json").read_text(encoding="utf-8"))
    manifest_sha = load_release(small_release).manifest_sha256
    assert crf["manifest_sha256"] == manifest_sha and crf["labels_scored"] == ["LOC", "ORG", "PER"]
    assert (
        crf["test"]["strict"]["ci95"]["low"]
        <= crf["test"]["strict"]["micro"]["f1"]
        <= crf["test"]["strict"]["ci95"]["high"]
    )
    assert set(crf["tuning_on_validation"]) and crf["test"]["confusion"]
    board = regenerate(out)
    first = {p: p.read_bytes() for p in out.rglob("*") if p.suffix in (".md", ".png")}
    regenerate(out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.suffix in (".md", ".png")} == first
    text = board.read_text(encoding="utf-8")
    assert "## mini 1.0.0" in text and f"`{manifest_sha[:12]}...`" in text and "| crf |" in text
    assert (out / "mini" / "1.0.0" / "per_type_f1.png").exists()
    data = json.loads((out / "mini" / "1.0.0" / "crf.json").read_text(encoding="utf-8"))
    data["manifest_sha256"] = "0" * 64
    (out / "mini" / "1.0.0" / "crf.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"crf\.json was scored on a release with manifest sha256 000000000000"):
        run(small_release, schema, out_root=out, baselines=["rules"])


def test_leaderboard_ignores_other_files(tmp_path: Path) -> None:
    (tmp_path / "speed" / "generated").mkdir(parents=True)
    (tmp_path / "speed" / "generated" / "export.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "ds" / "1.0.0").mkdir(parents=True)
    (tmp_path / "ds" / "1.0.0" / "notes.json").write_text('{"a": 1}', encoding="utf-8")
    assert "## " not in regenerate(tmp_path).read_text(encoding="utf-8")


@pytest.mark.slow
def test_predict_and_score_reproduce_the_leaderboard(small_release: Path, schema: Schema, tmp_path: Path) -> None:
    """predict tunes as bench does, so its predictions score exactly what bench wrote, to the last digit."""
    import json

    from click.testing import CliRunner

    from toolkit.cli import main

    run(small_release, schema, out_root=tmp_path / "b", baselines=("crf",), resamples=50)
    benched = json.loads((tmp_path / "b" / "mini" / "1.0.0" / "crf.json").read_text(encoding="utf-8"))
    schema_arg = ["--schema", str(REPO / "schemas" / "schema.yaml")]
    predicted = CliRunner().invoke(
        main, ["predict", "crf", "--release", str(small_release), "--out", str(tmp_path / "p.jsonl"), *schema_arg]
    )
    assert predicted.exit_code == 0, predicted.output
    scored = CliRunner().invoke(
        main, ["score", str(small_release), str(tmp_path / "p.jsonl"), "--json", "--resamples", "50", *schema_arg]
    )
    assert scored.exit_code == 0, scored.output
    report = json.loads(scored.output)
    for mode in ("strict", "exact", "partial", "ent_type"):
        assert report["entities"][mode]["micro"]["f1"] == benched["test"][mode]["micro"]["f1"], mode
    assert report["entities"]["strict"]["ci95"] == benched["test"]["strict"]["ci95"]


def test_power_law_fit_recovers_a_known_curve() -> None:
    from toolkit.benchmarks.curves import fit_power_law

    sizes = [100, 250, 500, 750, 1000, 2000]
    f1 = [0.9 - 2.0 * n**-0.5 for n in sizes]
    fit = fit_power_law(sizes, f1)
    assert fit["fitted"] and abs(fit["a"] - 0.9) < 1e-6 and abs(fit["c"] - 0.5) < 1e-6
    # +0.01 over n=2000: 0.9 - 2 n^-0.5 = f(2000) + 0.01  ->  n = (2 / (2 / sqrt(2000) - 0.01))^2
    expected = (2 / (2 / 2000**0.5 - 0.01)) ** 2 - 2000
    assert abs(fit["plus_0.01"]["extra_documents"] - expected) < 1e-3
    assert fit_power_law(sizes[:3], f1[:3]) == {"fitted": False, "reason": "needs 4 or more training sizes"}


def test_learning_curve_on_nested_subsets(small_release: Path, schema: Schema, tmp_path: Path) -> None:
    import json

    from toolkit.benchmarks.curves import learning_curve

    path = learning_curve(
        small_release,
        schema,
        out_root=tmp_path,
        baselines=("gazetteer",),
        fractions=(0.25, 0.5, 1.0),
        repeats=2,
        resamples=50,
    )
    result = json.loads(path.read_text(encoding="utf-8"))
    points = result["curves"]["gazetteer"]["points"]
    assert [p["documents"] for p in points] == [60, 120, 240]
    assert all(len(p["runs"]) == 2 and p["runs"][0]["ci95"] for p in points)
    assert points[-1]["f1_min"] == points[-1]["f1_max"]  # the whole train split: every seed trains the same model
    assert path.with_suffix(".png").stat().st_size > 10_000
