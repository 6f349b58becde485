from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from toolkit._io import dumps, jsonl_text
from toolkit.annotations.gold import write_gold
from toolkit.annotations.importer import import_export
from toolkit.dataset import build
from toolkit.dataset.build import build_workers, index_gold, seed_index
from toolkit.dataset.diff import diff_releases
from toolkit.dataset.features import dataset_features
from toolkit.dataset.hub import plan_push
from toolkit.dataset.minhash import near_duplicate_groups
from toolkit.dataset.release import ReleaseError, ReleaseResult, release, verify
from toolkit.dataset.splits import plan_splits
from toolkit.errors import ToolkitError
from toolkit.model import Document, Layer, Provenance, Relation, Span, layer_to_dict
from toolkit.schema import Schema
from toolkit.seeds import document_to_record

GUIDELINES = REPO / "schemas" / "GUIDELINES.md"


@pytest.fixture(scope="module")
def seed_gold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toolkit.schema import load_schema

    schema = load_schema(REPO / "schemas" / "schema.yaml")
    tmp = tmp_path_factory.mktemp("seedgold")
    snap = next(p for p in (REPO / "annotations" / "snapshots").glob("*.json") if p.name != "index.json")
    report = import_export(snap, schema, out_dir=tmp)
    write_gold(Path(str(report.output)), tmp / "gold", schema_path=REPO / "schemas" / "schema.yaml")
    return tmp / "gold" / f"{snap.stem}.jsonl"


def make_inputs(tmp: Path, docs: list[tuple[str, str, list[Span], list[Relation]]]) -> tuple[Path, Path]:
    seeds = tmp / "articles.jsonl"
    gold = tmp / "gold.jsonl"
    records, lines = [], []
    for doc_id, text, spans, rels in docs:
        doc = Document(doc_id, text, {"outlet": "test", "date": None, "source": {"file": f"{doc_id}.txt"}})
        records.append(document_to_record(doc))
        layer = Layer(doc_id, "gold", "", tuple(spans), tuple(rels), Provenance("x"), "gold")
        lines.append(
            {
                "document": {"id": doc_id, "text": text, "metadata": {}},
                "gold": layer_to_dict(layer),
                "support": {"spans": {s.id: ["user:1"] for s in spans}, "relations": {r.id: ["user:1"] for r in rels}},
            }
        )
    tmp.mkdir(parents=True, exist_ok=True)
    seeds.write_text(jsonl_text(sorted(records, key=lambda r: r["id"])), encoding="utf-8")
    gold.write_text(jsonl_text(lines), encoding="utf-8")
    return seeds, gold


TEXT = "Hasan Kleib bekerja di ILO, Jenewa. Haiyani datang ke Swiss."
P, O, G = Span("p", 0, 11, "PER"), Span("o", 23, 26, "ORG"), Span("g", 28, 34, "GPE")  # noqa: E741 - PER, ORG, GPE


def corpus(n: int = 12) -> list[tuple[str, str, list[Span], list[Relation]]]:
    return [
        (
            f"doc{i:02d}",
            TEXT + f" Berita nomor {i} tentang topik {i * 7}.",
            [P, O, G],
            [Relation("r", "p", "o", "works_for")],
        )
        for i in range(n)
    ]


def release_of(
    seeds: Path, golds: list[Path], schema: Schema, releases_dir: Path, version: str = "1.0.0", **kw: Any
) -> ReleaseResult:
    kw.setdefault("name", "test-ds")
    return release(
        version=version,
        schema=schema,
        seeds_path=seeds,
        gold_paths=golds,
        guidelines_path=GUIDELINES,
        releases_dir=releases_dir,
        **kw,
    )


def do_release(tmp: Path, version: str, seeds: Path, gold: Path, schema: Schema, **kw: Any) -> Path:
    return release_of(seeds, [gold], schema, tmp / "releases", version, **kw).path


def test_features_from_schema(schema: Schema) -> None:
    f = dataset_features(schema)
    assert f["ner_tags"].feature.names == list(schema.bio_names())
    assert f["entities"].feature["label"].names == list(schema.entity_labels)
    assert f["relations"].feature["label"].names == list(schema.relation_labels)


def test_release_of_the_seed(tmp_path: Path, schema: Schema, seed_gold: Path) -> None:
    path = release_of(
        REPO / "seeds" / "articles.jsonl", [seed_gold], schema, tmp_path, "1.0.0", name="seed", ratios=(1.0, 0.0, 0.0)
    ).path
    report = json.loads((path / "build_report.json").read_text(encoding="utf-8"))
    assert sum(report["documents"].values()) == 1
    assert report["entities"] == {"DATE": 4, "EVENT": 4, "GPE": 13, "ORG": 20, "PER": 5, "QUANTITY": 2, "ROLE": 2}
    assert report["nested_dropped_from_bio"] == 5 and report["misaligned"] == []
    card = (path / "README.md").read_text(encoding="utf-8")
    assert "no agreement figure can be given" in card


def test_byte_identical_rebuild_and_immutability(tmp_path: Path, schema: Schema) -> None:
    seeds, gold = make_inputs(tmp_path / "in", corpus())
    a = release_of(seeds, [gold], schema, tmp_path / "a", "1.0.0", name="x")
    b = release_of(seeds, [gold], schema, tmp_path / "b", "1.0.0", name="x")
    files = sorted(p.relative_to(a.path) for p in a.path.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b.path) for p in b.path.rglob("*") if p.is_file())
    assert all((a.path / f).read_bytes() == (b.path / f).read_bytes() for f in files)
    again = release_of(seeds, [gold], schema, tmp_path / "a", "1.0.0", name="x")
    assert again.status == "unchanged"
    with pytest.raises(ReleaseError, match=r"1\.0\.0 already exists with different content; releases are immutable"):
        release_of(seeds, [gold], schema, tmp_path / "a", "1.0.0", name="x", seed=99)
    assert not [p for p in (tmp_path / "a" / "x").iterdir() if p.name.startswith(".")]  # no temp folder left


def test_verify_catches_a_changed_byte(tmp_path: Path, schema: Schema) -> None:
    seeds, gold = make_inputs(tmp_path / "in", corpus())
    path = do_release(tmp_path, "1.0.0", seeds, gold, schema)
    assert verify(path)["files"] >= 4
    parquet = next((path / "data").glob("*.parquet"))
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 1
    parquet.write_bytes(bytes(data))
    with pytest.raises(ReleaseError, match=rf"data/{parquet.name}: sha256 differs from the manifest"):
        verify(path)


def test_card_yaml_parses_and_validates_offline(tmp_path: Path, schema: Schema) -> None:
    from huggingface_hub import DatasetCard, DatasetCardData

    seeds, gold = make_inputs(tmp_path / "in", corpus())
    path = do_release(tmp_path, "1.0.0", seeds, gold, schema)
    text = (path / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    DatasetCardData(**front)  # the Hub's metadata model accepts every field
    card = DatasetCard.load(path / "README.md")
    assert card.data.license == "cc-by-4.0" and card.data.language == ["id"]
    assert card.data.task_categories == ["token-classification"]
    default, sentences = card.data.configs
    assert (default["config_name"], default["default"], sentences["config_name"]) == ("default", True, "sentences")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    for config in (default, sentences):
        for entry in config["data_files"]:
            assert entry["path"] in manifest["files"]
    names = {f["name"] for f in front["dataset_info"][0]["features"]}
    assert {"tokens", "ner_tags", "entities", "relations"} <= names
    assert manifest["schema"] == {"name": "id-news-er", "version": "1.0.2"}
    assert manifest["inputs"][0]["file"] == "articles.jsonl"


LOADER = """
import json, sys
from datasets import load_dataset
assert "toolkit" not in sys.modules
path = sys.argv[1]
a = load_dataset(path)
b = load_dataset("parquet", data_dir=path + "/data")
out = {}
for name, ds in (("folder", a), ("parquet", b)):
    split = sorted(ds)[0]
    f = ds[split].features
    out[name] = {"splits": {k: len(v) for k, v in ds.items()}, "tags": f["ner_tags"].feature.names,
                 "ents": f["entities"].feature["label"].names, "first": f["ner_tags"].feature.int2str(ds[split][0]["ner_tags"][0])}
assert "toolkit" not in sys.modules
print(json.dumps(out))
"""


def test_plain_datasets_loads_the_release(tmp_path: Path, schema: Schema) -> None:
    seeds, gold = make_inputs(tmp_path / "in", corpus())
    path = do_release(tmp_path, "1.0.0", seeds, gold, schema)
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", LOADER, str(path)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    for view in out.values():
        assert view["tags"] == list(schema.bio_names()) and view["ents"] == list(schema.entity_labels)
        assert sum(view["splits"].values()) == 12
        assert view["first"] == "B-PER"


def test_splits_are_deterministic_and_duplicate_aware() -> None:
    docs = [Document(f"d{i:03d}", f"Berita {i}: " + " ".join(f"kata{i}x{j}" for j in range(40))) for i in range(60)]
    copy_text = docs[5].text.replace("kata5x39", "kata5x39 (sindikasi)")
    docs.append(Document("zzz-copy", copy_text))
    assert near_duplicate_groups(docs) == [["d005", "zzz-copy"]]
    a, b = plan_splits(docs, seed=1), plan_splits(docs, seed=1)
    assert a.assignment == b.assignment
    assert a.assignment["d005"] == a.assignment["zzz-copy"]
    counts = {s: sum(1 for v in a.assignment.values() if v == s) for s in ("train", "validation", "test")}
    assert counts["train"] > counts["validation"] and counts["train"] > counts["test"]
    assert plan_splits(docs, seed=2).assignment != a.assignment
    with pytest.raises(ToolkitError, match="must be three non-negative numbers that sum to 1"):
        plan_splits(docs, ratios=(0.5, 0.6, 0.1))


def test_diff_two_versions_and_changelog(tmp_path: Path, schema: Schema) -> None:
    base = corpus(4)
    seeds1, gold1 = make_inputs(tmp_path / "v1", base)
    v1 = do_release(tmp_path, "1.0.0", seeds1, gold1, schema, ratios=(1.0, 0.0, 0.0))
    changed = list(base)
    changed[0] = (base[0][0], base[0][1], [P, Span("o", 23, 26, "GPE"), G], [])  # ORG relabelled, relation removed
    changed[1] = (base[1][0], base[1][1], [P, O], [Relation("r", "p", "o", "works_for")])  # GPE removed
    changed[2] = (base[2][0], base[2][1], [P, O, G, Span("h", 36, 43, "PER")], [Relation("r", "p", "o", "works_for")])
    changed.append(("doc99", TEXT + " Baru.", [P], []))
    seeds2, gold2 = make_inputs(tmp_path / "v2", changed)
    v2 = do_release(tmp_path, "1.1.0", seeds2, gold2, schema, ratios=(1.0, 0.0, 0.0), previous=v1)
    diff = diff_releases(v1, v2)
    assert diff["documents_added"] == ["doc99"] and diff["documents_removed"] == []
    assert diff["totals"] == {
        "spans_added": 1,
        "spans_removed": 1,
        "spans_relabelled": 1,
        "relations_added": 0,
        "relations_removed": 1,
        "relations_relabelled": 0,
    }
    assert diff["documents"]["doc00"]["spans_relabelled"] == [[23, 26, "ORG", "GPE"]]
    assert diff["documents"]["doc02"]["spans_added"] == [[36, 43, "PER"]]
    changelog = (v2 / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("### 1.1.0 (changes from 1.0.0)")
    assert "- entities: 1 added, 1 removed, 1 relabelled" in changelog and "### 1.0.0\n\nFirst release." in changelog
    card = (v2 / "README.md").read_text(encoding="utf-8")
    assert "- entities: 1 added, 1 removed, 1 relabelled" in card
    assert '[`diff.json`](diff.json); the previous version on the Hub: `revision="v1.0.0"`' in card
    assert (v2 / "diff.json").is_file()


def test_build_errors(tmp_path: Path, schema: Schema) -> None:
    seeds, gold = make_inputs(tmp_path / "in", corpus(2))
    with pytest.raises(ReleaseError, match=r"version '1\.0' is not semantic"):
        do_release(tmp_path, "1.0", seeds, gold, schema)
    with pytest.raises(ReleaseError, match=r"dataset name '\.\./evil' must be"):
        release_of(seeds, [gold], schema, tmp_path, "1.0.0", name="../evil")
    other_seeds, _ = make_inputs(tmp_path / "other", [("doc00", "Teks yang lain sama sekali.", [], [])])
    with pytest.raises(
        ToolkitError, match=r"gold\.jsonl, line 1: the gold layers of document doc00 were made on a different text"
    ):
        do_release(tmp_path, "1.0.0", other_seeds, gold, schema)
    bad = gold.read_text(encoding="utf-8").replace('"label": "GPE"', '"label": "CITY"', 1)
    gold.write_text(bad, encoding="utf-8")
    with pytest.raises(
        ToolkitError,
        match=r"span g: label 'CITY' is not an entity type of schema id-news-er; re-import the corpus with --schema",
    ):
        do_release(tmp_path, "1.0.0", seeds, gold, schema, ratios=(0.5, 0.5, 0.0))
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    seeds, gold = make_inputs(tmp_path / "in2", corpus(2))
    with pytest.raises(ToolkitError, match=r"cannot write under"):
        release_of(seeds, [gold], schema, blocker, "1.0.0", name="x", ratios=(0.5, 0.5, 0.0))


def test_push_checks_everything_up_to_the_upload(
    tmp_path: Path, schema: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, gold = make_inputs(tmp_path / "in", corpus(3))
    path = do_release(tmp_path, "2.0.0", seeds, gold, schema, ratios=(1.0, 0.0, 0.0))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    assert not plan_push(path, "me/id-news-er").token_set  # a dry run checks everything else without a token
    from toolkit.dataset.hub import push

    with pytest.raises(ReleaseError, match=r"no Hugging Face token: set HF_TOKEN"):
        push(plan_push(path, "me/id-news-er"))
    with pytest.raises(ReleaseError, match=r"--repo-id must be OWNER/NAME"):
        plan_push(path, "no-owner")
    monkeypatch.setenv("HF_TOKEN", "hf_secret_token_for_tests_0123456789")
    plan = plan_push(path, "me/id-news-er")
    assert (plan.tag, plan.version, plan.token_set) == ("v2.0.0", "2.0.0", True)
    assert plan.files == len(json.loads((path / "manifest.json").read_text(encoding="utf-8"))["files"])


def test_a_published_version_is_never_uploaded_again(tmp_path: Path, schema: Schema) -> None:
    """What the Hub holds at the tag decides: no tag, upload; the same manifest, nothing to do; another, refused."""
    from toolkit.dataset.hub import needs_upload

    seeds, gold = make_inputs(tmp_path / "in", corpus(3))
    path = do_release(tmp_path, "2.0.0", seeds, gold, schema, ratios=(1.0, 0.0, 0.0))
    plan = plan_push(path, "me/id-news-er")
    assert needs_upload(plan, None)
    assert not needs_upload(plan, (path / "manifest.json").read_bytes())
    other = do_release(tmp_path / "b", "2.0.0", *make_inputs(tmp_path / "in2", corpus(4)), schema, ratios=(1.0, 0, 0))
    with pytest.raises(ReleaseError, match=r"me/id-news-er already has v2\.0\.0 with another manifest .*never changes"):
        needs_upload(plan, (other / "manifest.json").read_bytes())


def test_where_a_version_was_pushed_is_recorded_beside_it(tmp_path: Path, schema: Schema) -> None:
    from toolkit.dataset.hub import record_published

    seeds, gold = make_inputs(tmp_path / "in", corpus(3))
    path = do_release(tmp_path, "2.0.0", seeds, gold, schema, ratios=(1.0, 0.0, 0.0))
    before = (path / "manifest.json").read_bytes()
    record_published(plan_push(path, "me/x"), "https://huggingface.co/datasets/me/x/commit/abc")
    recorded = record_published(plan_push(path, "me/x"), "https://huggingface.co/datasets/me/x/commit/def")
    assert recorded == path.parent / "published.json"
    assert json.loads(recorded.read_text(encoding="utf-8")) == [
        {
            "version": "2.0.0",
            "repo_id": "me/x",
            "tag": "v2.0.0",
            "commit": "https://huggingface.co/datasets/me/x/commit/def",
        }
    ]
    assert verify(path)["files"] and (path / "manifest.json").read_bytes() == before  # the release is untouched


def test_push_without_network_fails_clearly(tmp_path: Path, schema: Schema) -> None:
    from toolkit.labelstudio.server import free_port

    seeds, gold = make_inputs(tmp_path / "in", corpus(3))
    path = do_release(tmp_path, "2.0.0", seeds, gold, schema, ratios=(1.0, 0.0, 0.0))
    token = "hf_secret_token_for_tests_0123456789"
    env = {
        **os.environ,
        "HF_TOKEN": token,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_OFFLINE": "0",
        "HF_ENDPOINT": f"http://127.0.0.1:{free_port()}",
        "HF_HUB_ETAG_TIMEOUT": "2",
        "HF_HUB_DOWNLOAD_TIMEOUT": "2",
    }
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "dataset", "push", str(path), "--repo-id", "me/x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1
    assert "Error: cannot reach the Hugging Face Hub to push me/x" in done.stderr
    assert "Traceback" not in done.stderr and token not in done.stdout + done.stderr


def test_dumps_is_used_for_reports() -> None:
    assert dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_rows_come_out_in_id_order_from_shuffled_split_gold_files(tmp_path: Path, schema: Schema) -> None:
    """The build re-reads gold records by byte offset: input order and file split do not change the release."""
    import pyarrow.parquet as pq

    docs = corpus(30)
    seeds, gold = make_inputs(tmp_path / "one", docs)
    reference = do_release(tmp_path / "one", "1.0.0", seeds, gold, schema)
    lines = gold.read_text(encoding="utf-8").splitlines(keepends=True)
    shuffled = lines[::-1]
    parts = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    parts[0].write_text("".join(shuffled[::2]), encoding="utf-8")  # every other record, reversed
    parts[1].write_text("".join(shuffled[1::2]), encoding="utf-8")
    split = release_of(seeds, parts, schema, tmp_path / "two", "1.0.0", name="test-ds").path
    for part in ("train", "validation", "test"):
        a, b = reference / "data" / f"{part}.parquet", split / "data" / f"{part}.parquet"
        assert a.exists() == b.exists()
        if a.exists():
            assert a.read_bytes() == b.read_bytes()
            ids = pq.read_table(a, columns=["id"]).column("id").to_pylist()
            assert ids == sorted(ids)


def test_worker_processes_change_nothing(tmp_path: Path, schema: Schema, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build with worker processes is byte-identical to one in-process, and reports errors the same way."""
    docs = corpus(30)
    seeds, gold = make_inputs(tmp_path / "in", docs)
    monkeypatch.setenv("TOOLKIT_WORKERS", "1")
    alone = do_release(tmp_path / "alone", "1.0.0", seeds, gold, schema)
    monkeypatch.setenv("TOOLKIT_WORKERS", "2")
    with build_workers([gold]) as pool:
        assert pool is not None  # the setting forces workers even for a small input
    pooled = do_release(tmp_path / "pooled", "1.0.0", seeds, gold, schema)
    files = sorted(p.relative_to(alone) for p in alone.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(pooled) for p in pooled.rglob("*") if p.is_file())
    assert all((alone / f).read_bytes() == (pooled / f).read_bytes() for f in files)
    lines = gold.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[17] = lines[17].replace('"label": "GPE"', '"label": "CITY"', 1)
    gold.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(
        ToolkitError, match=r"gold\.jsonl, line 18: document doc17, span g: label 'CITY' is not an entity type"
    ):
        do_release(tmp_path / "bad", "1.0.0", seeds, gold, schema)
    lines[20] = "{not json\n"
    gold.write_text("".join(lines), encoding="utf-8")
    for range_bytes in (1, 700, build.RANGE_BYTES):  # the error is found in a worker, in a later range of lines
        monkeypatch.setattr(build, "RANGE_BYTES", range_bytes)
        with pytest.raises(ToolkitError, match=r"gold\.jsonl, line 21: not a gold record"):
            do_release(tmp_path / "bad", "1.0.0", seeds, gold, schema)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ranges_of_lines_cover_the_inputs(
    tmp_path: Path, schema: Schema, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """Pass 1 cuts the gold files into ranges of whole lines: any range size gives the same index."""
    seeds, gold = make_inputs(tmp_path / "in", corpus(25))
    with gold.open("ab") as fh:
        fh.write(gold.read_bytes().splitlines(keepends=True)[0].replace(b"doc00", b"doc99").rstrip(b"\n"))
    seed_lines = seeds.read_text(encoding="utf-8").splitlines(keepends=True)
    seeds.write_text("".join(seed_lines) + seed_lines[0].replace("doc00", "doc99"), encoding="utf-8")
    monkeypatch.setenv("TOOLKIT_WORKERS", workers)
    found = []
    for range_bytes in (1, 333, 700, build.RANGE_BYTES):
        monkeypatch.setattr(build, "RANGE_BYTES", range_bytes)
        ranges = list(build._ranges([gold]))
        data = gold.read_bytes()
        assert b"".join(data[r.start : r.start + r.size] for r in ranges) == data
        assert [r.first_line for r in ranges] == [data[: r.start].count(b"\n") + 1 for r in ranges]
        with build_workers([gold]) as pool:
            found.append(index_gold([gold], seed_index(seeds), pool=pool))
    assert all(f == found[0] for f in found)
    assert found[0].where["doc99"] == (0, len(data) - len(data.splitlines()[-1]), 26)  # no final newline
    assert ["doc00", "doc99"] in found[0].near_duplicates  # an exact copy (the other texts differ in a few words)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 12])
def test_ratios_that_leave_a_split_empty_are_refused_with_ratios_that_work(
    n: int, tmp_path: Path, schema: Schema
) -> None:
    seeds, gold = make_inputs(tmp_path / "in", corpus(n))
    try:
        done = release_of(seeds, [gold], schema, tmp_path / "asked", ratios=(0.4, 0.3, 0.3))
    except ToolkitError as exc:
        refused = str(exc)
    else:  # enough documents: every split has some
        assert all(done.summary["documents"].get(s) for s in ("train", "validation", "test")), done.summary
        return
    assert re.match(rf"--ratios 0.4,0.3,0.3 over {n} documents give train \d+, validation \d+, test \d+: ", refused)
    assert not (tmp_path / "asked").exists() or not any((tmp_path / "asked").rglob("*.parquet"))
    proposed = re.search(r"With these documents --ratios ([0-9.]+),([0-9.]+),([0-9.]+) gives ([^;]+?)[;.]", refused)
    assert proposed, refused
    ratios = tuple(float(x) for x in proposed.groups()[:3])
    promised = {split: int(k) for split, k in (part.split() for part in proposed.group(4).split(", "))}
    got = release_of(seeds, [gold], schema, tmp_path / "proposed", ratios=ratios).summary["documents"]
    assert {s: k for s, k in got.items() if k} == promised
    assert len(promised) == min(n, 3)  # every split with a share gets a document, as far as there are documents


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", r"not a campaign status \(not JSON: Expecting value"),
        ("[1]", r"not a campaign status \(a JSON object with 'project' and 'annotators' expected\)"),
        (
            '{"project": {}, "annotators": []}',
            r"not a campaign status \(no field 'overlap_tasks' where one is needed\)",
        ),
        (
            '{"project": {"overlap_tasks": "many", "single_tasks": 1, "control_tasks": 0}, "annotators": []}',
            r"not a campaign status \(a field of the wrong kind: invalid literal for int",
        ),
        ("[" * 100_000, r"not a campaign status \(not JSON: JSON nested too deep"),
    ],
)
def test_a_campaign_status_that_is_not_one_is_refused_saying_how_to_write_one(
    tmp_path: Path, content: str, problem: str
) -> None:
    from toolkit.dataset.release import ReleaseError, load_campaign

    path = tmp_path / "status.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReleaseError, match=problem) as err:
        load_campaign(path)
    assert str(err.value).startswith(f"{path}: ") and "toolkit ls status --json > status.json" in str(err.value)
    assert "Error:" not in str(err.value) and "TypeError" not in str(err.value)


@pytest.mark.parametrize(
    "ratios",
    [(1.0, 1.0), (-1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (math.nan, 0.5, 0.5), (math.inf, 1.0, 1.0), (0.8, 0.1, 0.1, 0.0)],
)
def test_ratios_that_are_not_three_shares_of_one_are_refused(ratios: tuple[float, ...]) -> None:
    """NaN passed before: every comparison with it is false."""
    from toolkit.dataset.splits import check_ratios
    from toolkit.errors import ToolkitError

    with pytest.raises(ToolkitError, match=r"split ratios must be three non-negative numbers that sum to 1"):
        check_ratios(ratios)
    check_ratios((0.8, 0.1, 0.1))
