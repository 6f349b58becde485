from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.conftest import REPO, SEED_RAW, project_copy
from toolkit.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, cmd in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(cmd, click.Group):
            found += _commands(cmd, (*prefix, name))
    return found


ALL_COMMANDS = _commands(main)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's data folders, the working directory (see :func:`project_copy`)."""
    return project_copy(tmp_path, monkeypatch)


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output
    assert {"schema", "seeds", "ls", "demo"} <= set(main.commands)


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    cmd: click.Command = main
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    assert cmd.help and cmd.get_short_help_str(), f"{' '.join(path)} has no help text"


def test_schema_check(project: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "check"])
    assert result.exit_code == 0
    assert "id-news-er 1.0.2" in result.output and "9 entity types" in result.output
    as_json = CliRunner().invoke(main, ["schema", "check", "--json"])
    assert json.loads(as_json.output)["schema_version"] == "1.0.2"
    assert "hard to read" not in result.output
    faint = Path("faint.yaml")
    faint.write_text(
        Path("schemas/schema.yaml").read_text(encoding="utf-8").replace('"#9933ff"', '"#ddcc77"', 1), encoding="utf-8"
    )
    noted = CliRunner().invoke(main, ["schema", "check", "--schema", str(faint)])
    assert noted.exit_code == 0 and "note: hard to read as text on white" in noted.output
    assert "GPE #ddcc77 1.6:1; choose darker colours" in noted.output


def test_schema_error_is_one_line_without_traceback(project: Path) -> None:
    path = project / "schemas" / "schema.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('hotkey: "2"', 'hotkey: "1"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["schema", "check"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: schemas/schema.yaml: invalid schema: hotkey '1' is used by ['PER', 'ORG']")
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_schema_config_prints_and_writes(project: Path) -> None:
    printed = CliRunner().invoke(main, ["schema", "config"])
    assert printed.exit_code == 0
    assert printed.output == (REPO / "schemas" / "label_config.xml").read_text(encoding="utf-8")
    written = CliRunner().invoke(main, ["schema", "config", "--out", "out/config.xml"])
    assert written.exit_code == 0
    assert (project / "out" / "config.xml").read_text(encoding="utf-8") == printed.output


def test_seeds_ingest_and_list(project: Path) -> None:
    (project / "seeds" / "articles.jsonl").unlink()
    result = CliRunner().invoke(main, ["seeds", "ingest", str(SEED_RAW)])
    assert result.exit_code == 0, result.output
    assert "added article 17365b39809f3515 (2416 characters" in result.output
    assert "seeds/articles.jsonl: 1 article(s) (added 1" in result.output
    assert "warning:" in result.output  # the Kamis/Wednesday dateline mismatch
    again = CliRunner().invoke(main, ["seeds", "ingest", str(SEED_RAW), "--json"])
    report = json.loads(again.output)
    assert report["counts"]["unchanged"] == 1 and report["files"][0]["status"] == "unchanged"
    listed = CliRunner().invoke(main, ["seeds", "list"])
    assert listed.exit_code == 0 and "17365b39809f3515  2017-11-08" in listed.output


def test_seeds_ingest_bad_file(project: Path) -> None:
    (project / "empty.txt").write_bytes(b"")
    before = (project / "seeds" / "articles.jsonl").read_bytes()
    result = CliRunner().invoke(main, ["seeds", "ingest", "empty.txt"])
    assert result.exit_code == 1
    assert result.output == "Error: empty.txt: the file is empty; scrape the page again\n"
    assert (project / "seeds" / "articles.jsonl").read_bytes() == before


def test_ls_tasks(project: Path) -> None:
    result = CliRunner().invoke(main, ["ls", "tasks", "--out", "t/tasks.json"])
    assert result.exit_code == 0
    assert result.output == "wrote 1 task(s) (2416 characters) to t/tasks.json\n"
    assert (project / "t" / "tasks.json").read_bytes() == (REPO / "tests" / "golden" / "seed_tasks.json").read_bytes()
    (project / "seeds" / "articles.jsonl").unlink()
    empty = CliRunner().invoke(main, ["ls", "tasks"])
    assert empty.exit_code == 1 and "no articles; run `toolkit seeds ingest PAGE...` first" in empty.output


def test_demo_runs_end_to_end(project: Path) -> None:
    committed = {p: p.read_bytes() for p in (project / "seeds").rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["demo", "--out", "build/demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[1/10] schema" in out and "9 entity types" in out
    assert "matches the committed seeds/articles.jsonl: yes" in out
    assert "committed schemas/label_config.xml in sync: yes" in out
    assert "1 task(s), 2416 characters to annotate" in out
    assert (project / "build" / "demo" / "labelstudio" / "tasks.json").exists()
    assert "1/1 tasks, 1 annotations (0 skipped), 50 regions, 21 relations, 0 errors" in out
    assert "no document has two annotators (annotated by one annotator): no agreement figure" in out
    assert "1 gold documents (single annotator 1): 50 spans, 21 relations, 0 disagreements" in out
    assert "released: id-news-er-demo 0.1.0" in out and "files verified against the manifest" in out
    assert "50 entities, 21 relations; 5 nested entities outside the BIO view" in out
    assert "1 annotator(s); no document annotated twice, so no agreement figure" in out
    assert "[9/10] benchmarks" in out and "| rules |" in out
    assert "[10/10] quality" in out and "idner-news-2k was not imported: qa skipped" in out
    assert "skipped: the CRF needs training documents; the train split is empty" in out
    again = CliRunner().invoke(main, ["demo", "--out", "build/demo"])
    assert again.exit_code == 0 and "unchanged (identical content): id-news-er-demo 0.1.0" in again.output
    assert {p: p.read_bytes() for p in (project / "seeds").rglob("*") if p.is_file()} == committed


@pytest.mark.slow
def test_demo_with_the_vendored_corpus_gives_the_readme_headline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `make demo` prints in a clone: idner-news-2k imported, released, benched (the CRF's test F1 the README
    quotes) and its gold ranked by `annotations qa`."""
    project_copy(tmp_path, monkeypatch, ("schemas", "seeds", "annotations"))
    shutil.copytree(REPO / "benchmarks" / "data" / "idner-news-2k", tmp_path / "benchmarks" / "data" / "idner-news-2k")
    result = CliRunner().invoke(main, ["demo", "--out", "build/demo"])
    assert result.exit_code == 0, result.output
    idner = result.output.split("## idner-news-2k", 1)[1]
    crf = next(line for line in idner.splitlines() if line.strip().startswith("| crf |"))
    assert "0.8613 [0.840, 0.880]" in crf, crf  # the README's headline: the CRF's test strict micro F1 and CI
    assert "idner-news-2k imported from" in result.output
    quality = result.output.split("[10/10] quality", 1)[1]
    assert "suspects" in quality and "qa skipped" not in quality
    assert "'Golkar' PER -> ORG" in quality  # a real error of the corpus, ranked among the first


GOLDEN_EXPORT = REPO / "tests" / "golden" / "export_two_annotators.json"


def test_annotations_import_agree_gold(project: Path) -> None:
    runner = CliRunner()
    imported = runner.invoke(main, ["annotations", "import", str(GOLDEN_EXPORT), "--out", "layers"])
    assert imported.exit_code == 0, imported.output
    assert (
        "annotations        6 in       5 written       1 skipped (cancelled (skipped by the annotator): 1)"
        in imported.output
    )
    assert "repairs: UTF-16 offsets converted: 4" in imported.output
    assert "warning: " in imported.output and "region a1: offsets [21, 29) count UTF-16 units" in imported.output
    layers = "layers/export_two_annotators.jsonl"
    agreed = runner.invoke(main, ["annotations", "agree", layers])
    assert agreed.exit_code == 0, agreed.output
    assert "2 documents with 2+ annotators (1 skipped)" in agreed.output
    assert "span_exact         0.625     0.625" in agreed.output
    as_json = json.loads(runner.invoke(main, ["annotations", "agree", layers, "--json"]).output)
    assert as_json["overall"]["span_overlap"]["f1_pooled"] == 0.75
    gold = runner.invoke(main, ["annotations", "gold", layers, "--out", "gold", "--review-tasks", "review.json"])
    assert gold.exit_code == 0, gold.output
    assert (
        "3 documents adjudicated (0 without annotations): ground_truth 1, majority 1, single annotator 1" in gold.output
    )
    assert "wrote 2 review task(s) to review.json" in gold.output


def test_annotations_import_fails_on_errors_and_writes_nothing(project: Path) -> None:
    data = json.loads(GOLDEN_EXPORT.read_text(encoding="utf-8"))
    data[0]["annotations"][1]["result"][0]["value"]["labels"] = ["PERSON"]
    Path("bad.json").write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["annotations", "import", "bad.json", "--out", "layers"])
    assert result.exit_code == 1
    assert "error: bad.json: task 1, annotation 12, region b1: label 'PERSON' is not in the schema" in result.output
    assert "Error: bad.json: 1 error(s), nothing written; first: task 1, annotation 12, region b1" in result.output
    assert "Traceback" not in result.output
    assert not Path("layers").exists()  # not even an empty folder
    skipped = CliRunner().invoke(main, ["annotations", "import", "bad.json", "--out", "layers", "--skip-invalid"])
    assert skipped.exit_code == 0
    assert "regions           21 in      20 written       1 skipped (invalid region: 1)" in skipped.output


def test_agree_on_single_annotator_layers(project: Path) -> None:
    snap = next(p for p in Path("annotations/snapshots").glob("*.json") if p.name != "index.json")
    assert CliRunner().invoke(main, ["annotations", "import", str(snap), "--out", "l"]).exit_code == 0
    result = CliRunner().invoke(main, ["annotations", "agree", f"l/{snap.stem}.jsonl"])
    assert result.exit_code == 0
    assert "no document has two or more annotators (1 with fewer); no agreement figure can be given" in result.output


def test_dataset_commands(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    snap = next(p for p in Path("annotations/snapshots").glob("*.json") if p.name != "index.json")
    assert runner.invoke(main, ["annotations", "import", str(snap)]).exit_code == 0
    assert runner.invoke(main, ["annotations", "gold", f"annotations/layers/{snap.stem}.jsonl"]).exit_code == 0
    built = runner.invoke(main, ["dataset", "build", "--out", "ds", "--ratios", "0,0,1"])
    assert built.exit_code == 0, built.output
    assert "entities: 50 (DATE 4, EVENT 4, GPE 13, ORG 20, PER 5, QUANTITY 2, ROLE 2)" in built.output
    assert "nested entities kept out of the BIO view: 5; entities misaligned with tokens: 0" in built.output
    assert (project / "ds" / "build_report.json").exists()
    released = runner.invoke(
        main, ["dataset", "release", "--version", "1.0.0", "--releases-dir", "rel", "--ratios", "1,0,0"]
    )
    assert released.exit_code == 0, released.output
    assert "released rel/id-news-er/1.0.0" in released.output
    bad = runner.invoke(main, ["dataset", "release", "--version", "v1", "--releases-dir", "rel"])
    assert bad.exit_code == 1 and "Error: version 'v1' is not semantic (MAJOR.MINOR.PATCH, e.g. 1.0.0)" in bad.output
    second = runner.invoke(
        main,
        [
            "dataset",
            "release",
            "--version",
            "1.0.1",
            "--releases-dir",
            "rel",
            "--previous",
            "rel/id-news-er/1.0.0",
            "--ratios",
            "1,0,0",
        ],
    )
    assert second.exit_code == 0, second.output
    diff = runner.invoke(main, ["dataset", "diff", "rel/id-news-er/1.0.0", "rel/id-news-er/1.0.1"])
    assert diff.exit_code == 0
    assert "- entities: 0 added, 0 removed, 0 relabelled" in diff.output
    verified = runner.invoke(main, ["dataset", "verify", "rel/id-news-er/1.0.0"])
    assert verified.exit_code == 0 and "files match the manifest" in verified.output
    no_token = runner.invoke(main, ["dataset", "push", "rel/id-news-er/1.0.0", "--repo-id", "me/x", "--dry-run"])
    assert no_token.exit_code == 0 and "HF_TOKEN is not set: a real push needs it" in no_token.output
    real = runner.invoke(main, ["dataset", "push", "rel/id-news-er/1.0.0", "--repo-id", "me/x"])
    assert real.exit_code == 1 and "no Hugging Face token: set HF_TOKEN" in real.output
    monkeypatch.setenv("HF_TOKEN", "hf_cli_secret_000000000000000")
    dry = runner.invoke(main, ["dataset", "push", "rel/id-news-er/1.0.0", "--repo-id", "me/x", "--dry-run"])
    assert dry.exit_code == 0 and "would push to me/x and tag v1.0.0" in dry.output
    assert "hf_cli_secret" not in dry.output


def test_corpus_bench_predict_score(project: Path) -> None:
    runner = CliRunner()
    Path("train.txt").write_text(
        "Hasan B-PER\nKleib I-PER\ndi O\nILO B-ORG\n\nAni B-PER\nke O\nSolo B-LOC\n", encoding="utf-8"
    )
    Path("test.txt").write_text("Hasan B-PER\nKleib I-PER\nke O\nSolo B-LOC\n\nILO B-ORG\nbaru O\n", encoding="utf-8")
    imported = runner.invoke(main, ["corpus", "import-conll", "train.txt", "test.txt", "--out", "c"])
    assert imported.exit_code == 0, imported.output
    assert "train: 2 documents, 7 tokens, 4 entities, 0 relations" in imported.output
    bad_map = runner.invoke(main, ["corpus", "import-conll", "train.txt", "--out", "c2", "--label-map", "LOC"])
    assert bad_map.exit_code == 1 and "--label-map takes OLD=NEW" in bad_map.output
    released = runner.invoke(
        main,
        [
            "dataset",
            "release",
            "--name",
            "tiny",
            "--version",
            "1.0.0",
            "--seeds-dir",
            "c",
            "--gold",
            "c/gold.jsonl",
            "--split-by",
            "metadata",
            "--releases-dir",
            "rel",
        ],
    )
    assert released.exit_code == 0, released.output
    benched = runner.invoke(
        main,
        [
            "bench",
            "rel/tiny/1.0.0",
            "--baseline",
            "gazetteer",
            "--baseline",
            "rules",
            "--out",
            "b",
            "--resamples",
            "50",
        ],
    )
    assert benched.exit_code == 0, benched.output
    assert "## tiny 1.0.0" in benched.output and "| gazetteer | 1.0000 | - | 1.0000" in benched.output
    unknown = runner.invoke(main, ["bench", "rel/tiny/1.0.0", "--baseline", "bert"])
    assert unknown.exit_code == 1 and "unknown baseline(s) ['bert']" in unknown.output
    predicted = runner.invoke(
        main, ["predict", "gazetteer", "--release", "rel/tiny/1.0.0", "--out", "p.jsonl", "--save-model", "m"]
    )
    assert predicted.exit_code == 0, predicted.output
    assert "wrote 2 document(s) of predictions by gazetteer@tiny-1.0.0 to p.jsonl" in predicted.output
    trained_on = json.loads(Path("m/config.json").read_text(encoding="utf-8"))["trained_on"]
    assert (trained_on["dataset"], trained_on["version"], len(trained_on["manifest_sha256"])) == ("tiny", "1.0.0", 64)
    scored = runner.invoke(main, ["score", "rel/tiny/1.0.0", "p.jsonl", "--resamples", "50"])
    assert scored.exit_code == 0, scored.output
    assert "strict    1.0000 / 1.0000 / 1.0000" in scored.output
    as_json = json.loads(runner.invoke(main, ["score", "rel/tiny/1.0.0", "p.jsonl", "--json"]).output)
    assert as_json["entities"]["strict"]["micro"]["f1"] == 1.0
    Path("junk.jsonl").write_text("{not json}\n", encoding="utf-8")
    broken = runner.invoke(main, ["score", "rel/tiny/1.0.0", "junk.jsonl"])
    assert broken.exit_code == 1 and "junk.jsonl, line 1: not JSON" in broken.output
