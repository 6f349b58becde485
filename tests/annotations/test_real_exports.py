"""Exports made by a real Label Studio 1.23.2 through each export path (``tests/golden/real_exports/make.py``):
the project export API, the export snapshot API and ``label-studio export`` (whose ``completed_by`` is a
user object with e-mail and names). Two annotators with e-mails and names; one submits twice; one cancels;
one accepted a pre-annotation in a real browser (regions with ``origin``, ``parent_prediction``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import read_layers
from toolkit.cli import main
from toolkit.schema import Schema
from toolkit.seeds import ARTICLES_FILE, load_articles

REAL = REPO / "tests" / "golden" / "real_exports"
EXPORTS = ["export-api.json", "export-snapshot.json", "export-cli.json"]
PEOPLE = json.loads((REAL / "people.json").read_text(encoding="utf-8"))


def _personal_patterns() -> list[re.Pattern[str]]:
    """E-mails and surnames anywhere; first names and usernames as whole words."""
    out = []
    for p in PEOPLE:
        out.append(re.compile(re.escape(p["email"])))
        if "last_name" in p:
            out.append(re.compile(re.escape(p["last_name"])))
            out.append(re.compile(rf"\b{re.escape(p['first_name'])}\b"))
            out.append(re.compile(rf"\b{re.escape(p['username'])}\b"))
    return out


def _leaks(text: str) -> list[str]:
    return [m.group(0) for pattern in _personal_patterns() for m in [pattern.search(text)] if m]


def test_the_cli_export_really_carries_personal_data() -> None:
    """The premise of the privacy tests: the inputs do hold e-mails and names."""
    raw = (REAL / "export-cli.json").read_text(encoding="utf-8")
    assert "ann@example.org" in raw and "Santoso" in raw
    task = json.loads(raw)[0]
    assert set(task["annotations"][0]["completed_by"]) == {"id", "email", "first_name", "last_name"}


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_path_imports_pseudonymous_one_vote_layers(name: str, schema: Schema, tmp_path: Path) -> None:
    seeds = {d.id: d for d in load_articles(REPO / "seeds" / ARTICLES_FILE)}
    report = import_export(REAL / name, schema, out_dir=tmp_path, seeds=seeds)
    docs = list(read_layers(Path(report.output or "")))
    annotators = sorted({x.annotator for _, layers in docs for x in layers if x.kind == "annotation"})
    assert annotators == ["user:2", "user:3"]
    # ann (user:3) submitted twice on task 2: the later annotation (id 4) is her one vote
    assert report.superseded == [{"task_id": 2, "annotator": "user:3", "kept": 4, "superseded": [3]}]
    assert report.counts["annotations"] == {"in": 6, "written": 4, "skipped": 2}
    assert report.skipped["annotations"] == {
        "cancelled (skipped by the annotator)": 1,
        "superseded by a later annotation of the same annotator": 1,
    }
    # task.predictions lists ids only; with the project's model version set (to show pre-annotations) the
    # export embeds each prediction in annotation.prediction: imported from there, once each
    assert report.counts["predictions"] == {"in": 3, "written": 3, "skipped": 0}
    assert not [p for p in report.problems if p.code == "prediction-by-id"]
    counts = report.counts
    for kind in ("tasks", "annotations", "predictions", "regions", "relations"):
        assert counts[kind]["in"] == counts[kind]["written"] + counts[kind]["skipped"], kind
    seed_doc, seed_layers = next((d, layers) for d, layers in docs if d.id in seeds)
    accepted = next(x for x in seed_layers if x.annotator == "user:3")
    assert accepted.provenance.parent_prediction == 1  # accepted in the browser
    raw = json.loads(Path(report.output or "").read_text(encoding="utf-8").splitlines()[0])
    origins = next(x for x in raw["layers"] if x["annotator"] == "user:3")["region_origins"]
    assert set(origins.values()) == {"prediction"} and len(origins) == len(accepted.spans)
    (prediction,) = [x for x in seed_layers if x.kind == "prediction"]
    assert prediction.annotator == "rules@0.1" and prediction.provenance.annotation_id == 1
    assert {(s.start, s.end, s.label) for s in prediction.spans} == {(s.start, s.end, s.label) for s in accepted.spans}
    kept = next(x for d, layers in docs for x in layers if d.text.startswith("Menteri Ketenagakerjaan"))
    assert [seed_doc.text and s.label for s in kept.spans] == ["PER", "ORG", "PER", "GPE"]


def test_the_three_export_paths_give_the_same_layers(schema: Schema, tmp_path: Path) -> None:
    seen = []
    for name in EXPORTS:
        report = import_export(REAL / name, schema, out_dir=tmp_path / name)
        seen.append(
            [
                (d.id, x.annotator, x.spans, x.relations, x.provenance.parent_prediction)
                for d, layers in read_layers(Path(report.output or ""))
                for x in layers
            ]
        )
    assert seen[0] == seen[1] == seen[2]


@pytest.mark.parametrize("name", EXPORTS)
def test_the_whole_cli_path_names_no_person(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """import -> agree -> gold -> release -> bench -> push --dry-run on a project the toolkit never pushed:
    no output file and no printed line holds an e-mail, a name or a username."""
    monkeypatch.setenv("HF_TOKEN", "hf_dummy_token_for_the_dry_run")
    schema = ["--schema", str(REPO / "schemas" / "schema.yaml")]
    stem = Path(name).stem
    steps = [
        [
            "annotations",
            "import",
            str(REAL / name),
            "--out",
            str(tmp_path / "layers"),
            "--seeds-dir",
            str(REPO / "seeds"),
            *schema,
        ],
        ["annotations", "agree", str(tmp_path / "layers" / f"{stem}.jsonl"), "--json", *schema],
        ["annotations", "gold", str(tmp_path / "layers" / f"{stem}.jsonl"), "--out", str(tmp_path / "gold"), *schema],
        [
            "dataset",
            "release",
            "--version",
            "1.0.0",
            "--name",
            "real",
            "--ratios",
            "1,0,0",
            "--gold",
            str(tmp_path / "gold" / f"{stem}.jsonl"),
            "--seeds-dir",
            str(REPO / "seeds"),
            "--releases-dir",
            str(tmp_path / "releases"),
            "--agreement",
            str(tmp_path / "agree.json"),
            *schema,
        ],
        [
            "bench",
            str(tmp_path / "releases" / "real" / "1.0.0"),
            "--out",
            str(tmp_path / "bench"),
            "--resamples",
            "50",
            *schema,
        ],
        ["dataset", "push", str(tmp_path / "releases" / "real" / "1.0.0"), "--repo-id", "owner/real", "--dry-run"],
    ]
    printed = []
    for args in steps:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        printed.append(result.output)
        if args[:2] == ["annotations", "agree"]:
            (tmp_path / "agree.json").write_text(result.output, encoding="utf-8")
    assert "1 documents from the seed article store; 2 from the annotated records" in (
        tmp_path / "releases" / "real" / "1.0.0" / "README.md"
    ).read_text(encoding="utf-8")
    assert not _leaks("\n".join(printed))
    for f in tmp_path.rglob("*"):
        if f.is_file() and f.suffix in (".json", ".jsonl", ".md", ".txt"):
            assert not _leaks(f.read_text(encoding="utf-8")), f
        elif f.is_file() and f.suffix == ".parquet":
            assert not _leaks(f.read_bytes().decode("latin-1")), f
