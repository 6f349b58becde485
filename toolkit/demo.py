"""The main job, end to end on the embedded default (what ``make demo`` runs).

Today: seed pages -> article store -> schema check -> Label Studio config and task file.
Later stages (annotations -> dataset -> baselines -> scores) extend the same report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, dumps
from toolkit.annotations.agreement import agreement
from toolkit.annotations.gold import write_gold
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import read_layers
from toolkit.benchmarks import regenerate, run
from toolkit.dataset.release import release, verify
from toolkit.errors import ToolkitError
from toolkit.formats import import_files
from toolkit.labelstudio.tasks import write_tasks
from toolkit.schema import Schema, label_config, load_schema
from toolkit.seeds import ARTICLES_FILE, RAW_DIR, ingest, load_articles, load_profiles

DEMO_VERSION = "0.1.0"
DEMO_RATIOS = (0.0, 0.0, 1.0)  # one gold document: in test, so the baselines are scored on it
CORPUS_SCHEMA = Path("schemas", "idner-news-2k.yaml")  # idner-news-2k's own three types (its LOC includes countries)


@dataclass(frozen=True)
class Step:
    name: str
    lines: tuple[str, ...]
    outputs: tuple[Path, ...] = ()


@dataclass(frozen=True)
class DemoReport:
    out_dir: Path
    steps: tuple[Step, ...]


def run_demo(root: Path, out_dir: Path) -> DemoReport:
    """Run the pipeline on the committed seeds of the project at ``root``, writing under ``out_dir``."""
    root, out_dir = Path(root), Path(out_dir)
    steps: list[Step] = []

    schema = load_schema(root / "schemas" / "schema.yaml")
    steps.append(
        Step(
            "schema",
            (
                f"{schema.name} {schema.schema_version}: {len(schema.entities)} entity types "
                f"({', '.join(schema.entity_labels)}), {len(schema.relations)} relation types, "
                f"span overlap: {schema.span_overlap}",
            ),
            (root / "schemas" / "schema.yaml",),
        )
    )

    pages = sorted((root / "seeds" / RAW_DIR).glob("*.txt"))
    if not pages:
        raise ToolkitError(f"{root / 'seeds' / RAW_DIR}: no seed pages (*.txt) to ingest")
    seeds_out = out_dir / "seeds"
    report = ingest(pages, seeds_out, load_profiles(root / "seeds" / "outlets.yaml"))
    lines = [f"{len(pages)} page(s): " + ", ".join(f"{k} {v}" for k, v in report.counts.items())]
    for f in report.files:
        cut = ", ".join(f"{k} {v}" for k, v in f.cut.items())
        lines.append(f"{Path(f.path).name} -> article {f.article_id}: {f.chars} characters kept; cut: {cut}")
        lines += [f"warning: {w}" for w in f.warnings]
    committed = root / "seeds" / ARTICLES_FILE
    if committed.exists():
        same = committed.read_bytes() == report.store.read_bytes()
        lines.append(f"matches the committed {committed}: {'yes' if same else 'NO (re-run toolkit seeds ingest)'}")
    steps.append(Step("seeds", tuple(lines), (report.store,)))

    config_path = out_dir / "labelstudio" / "label_config.xml"
    config = label_config(schema)
    atomic_write_text(config_path, config)
    committed_config = root / "schemas" / "label_config.xml"
    in_sync = committed_config.exists() and committed_config.read_text(encoding="utf-8") == config
    steps.append(
        Step(
            "label studio config",
            (
                f"{len(schema.entities)} labels, {len(schema.relations)} relations; "
                f"committed schemas/label_config.xml in sync: {'yes' if in_sync else 'NO'}",
            ),
            (config_path,),
        )
    )

    tasks = write_tasks(load_articles(report.store), out_dir / "labelstudio" / "tasks.json")
    steps.append(
        Step(
            "label studio tasks",
            (f"{tasks.tasks} task(s), {tasks.characters} characters to annotate",),
            (tasks.path,),
        )
    )
    steps += _annotation_steps(root, out_dir, schema, report.store)
    return DemoReport(out_dir, tuple(steps))


def _annotation_steps(root: Path, out_dir: Path, schema: Schema, store: Path) -> list[Step]:
    """Import the committed seed snapshot, measure agreement, adjudicate gold."""
    snapshots = sorted((root / "annotations" / "snapshots").glob("*.json"))
    snapshots = [p for p in snapshots if p.name != "index.json"]
    if not snapshots:
        return [Step("annotations", ("no committed snapshot under annotations/snapshots/; skipped",))]
    seeds = {d.id: d for d in load_articles(store)}
    layers_dir = out_dir / "annotations" / "layers"
    lines: list[str] = []
    outputs: list[Path] = []
    layer_files = []
    for snap in snapshots:
        rep = import_export(snap, schema, out_dir=layers_dir, seeds=seeds)
        c = rep.counts
        lines.append(
            f"{snap.name}: {c['tasks']['written']}/{c['tasks']['in']} tasks, "
            f"{c['annotations']['written']} annotations ({c['annotations']['skipped']} skipped), "
            f"{c['regions']['written']} regions, {c['relations']['written']} relations, "
            f"{len(rep.errors)} errors, {len(rep.problems) - len(rep.errors)} warnings"
        )
        layer_files.append(Path(str(rep.output)))
        outputs.append(Path(str(rep.output)))
    steps = [Step("annotations import", tuple(lines), tuple(outputs))]

    agree_lines = []
    for lf in layer_files:
        ag = agreement(read_layers(lf), schema, resamples=200)
        if ag.documents:
            o = ag.overall
            agree_lines.append(
                f"{lf.name}: {ag.documents} documents with 2+ annotators: span F1 exact "
                f"{_f1(o['span_exact'])}, overlap {_f1(o['span_overlap'])}, relation {_f1(o['relation'])}"
            )
        else:
            agree_lines.append(
                f"{lf.name}: no document has two annotators (annotated by one annotator): no agreement figure"
            )
    steps.append(Step("agreement", tuple(agree_lines)))

    gold_lines = []
    gold_outputs = []
    for lf in layer_files:
        summary = write_gold(lf, out_dir / "annotations" / "gold", schema_path=root / "schemas" / "schema.yaml")
        gold_lines.append(
            f"{lf.name}: {summary.documents} gold documents "
            f"({', '.join(f'{k} {v}' for k, v in summary.policies.items())}): "
            f"{summary.spans} spans, {summary.relations} relations, {summary.disagreements} disagreements"
        )
        gold_outputs.append(Path(summary.output))
    steps.append(Step("gold", tuple(gold_lines), tuple(gold_outputs)))
    release_step = _release_step(root, out_dir, schema, store, gold_outputs, snapshots, layer_files)
    steps.append(release_step)
    steps.append(_bench_step(root, out_dir, schema, release_step.outputs[0].parent))
    steps.append(_quality_step(root, out_dir))
    return steps


def _bench_step(root: Path, out_dir: Path, schema: Schema, seed_release: Path) -> Step:
    """Benchmarks on the seed release and on idner-news-2k (imported, released and scored here)."""
    lines = []
    releases = [(seed_release, schema)]
    corpus = root / "benchmarks" / "data" / "idner-news-2k"
    if corpus.exists():
        corpus_schema = load_schema(root / CORPUS_SCHEMA)
        files = [corpus / f for f in ("train.txt", "dev.txt", "test.txt")]
        imported = out_dir / "corpora" / "idner-news-2k"
        # the published splits exactly (7 repeats within splits, 3 train/dev overlaps: listed in corpus.json)
        import_files(
            "conll",
            files,
            imported,
            duplicates="keep-all",
            cross_split="keep-all",
            schema=corpus_schema,
            about={
                "title": "IDNer-news-2k",
                "source_text": (corpus / "SOURCE.md").read_text(encoding="utf-8"),
                "citation": (corpus / "CITATION.bib").read_text(encoding="utf-8"),
                "license": "mit",
            },
        )
        res = release(
            name="idner-news-2k",
            version="1.0.0",
            schema=corpus_schema,
            seeds_path=imported / "articles.jsonl",
            gold_paths=[imported / "gold.jsonl"],
            guidelines_path=corpus / "README.md",
            releases_dir=out_dir / "releases",
            split_by="metadata",
            license_id="mit",
        )
        releases.append((res.path, corpus_schema))
        lines.append(f"idner-news-2k imported from {corpus} and released ({res.status}): {res.summary['documents']}")
    else:
        lines.append(f"{corpus} not found: idner-news-2k benchmark skipped")
    board_root = out_dir / "benchmarks"
    for rel, rel_schema in releases:
        run(rel, rel_schema, out_root=board_root)
    board = regenerate(board_root)
    lines += [line for line in board.read_text(encoding="utf-8").splitlines() if line.startswith(("## ", "| "))]
    return Step("benchmarks", tuple(lines), (board,))


def _quality_step(root: Path, out_dir: Path) -> Step:
    """``annotations qa`` on idner-news-2k's train and validation gold: the suspects a maintainer would review."""
    from toolkit.quality.find import find_suspects

    gold = out_dir / "corpora" / "idner-news-2k" / "gold.jsonl"
    if not gold.exists():
        return Step("quality", ("idner-news-2k was not imported: qa skipped",))
    report = find_suspects(gold, load_schema(root / CORPUS_SCHEMA), splits=("train", "validation"))
    out = out_dir / "quality" / "idner-news-2k-suspects.json"
    atomic_write_text(out, dumps([x.to_dict() for x in report.suspects], indent=1) + "\n")
    summary = report.summary()
    lines = [
        f"{summary['documents']} documents, {summary['spans']} spans: {summary['suspects']} suspects "
        f"({', '.join(f'{k} {v}' for k, v in summary['by_kind'].items())})"
    ]
    for x in report.suspects[:3]:
        lines.append(f"{x.score:.3f} {x.doc_id} {x.text!r} {x.label or '(none)'} -> {x.suggestion}: {x.reasons[0]}")
    return Step("quality", tuple(lines), (out,))


def _release_step(
    root: Path, out_dir: Path, schema: Schema, store: Path, gold: list[Path], snapshots: list[Path], layers: list[Path]
) -> Step:
    """Build and release a demo version into ``out_dir/releases`` and summarise its card."""
    result = release(
        name="id-news-er-demo",
        version=DEMO_VERSION,
        schema=schema,
        seeds_path=store,
        gold_paths=gold,
        snapshot_paths=snapshots,
        guidelines_path=root / "schemas" / "GUIDELINES.md",
        releases_dir=out_dir / "releases",
        layers_paths=layers,
        ratios=DEMO_RATIOS,
    )
    verified = verify(result.path)
    s = result.summary
    lines = (
        f"{'released' if result.status == 'created' else 'unchanged (identical content)'}: "
        f"id-news-er-demo {DEMO_VERSION}, {verified['files']} files verified against the manifest",
        "one gold document: released as test (--ratios 0,0,1) to score the baselines on; 0.8,0.1,0.1 needs more",
        "card: " + ", ".join(f"{k} {v}" for k, v in s["documents"].items()) + f" documents; {s['entities']} entities, "
        f"{s['relations']} relations; {s['nested_dropped_from_bio']} nested entities outside the BIO view; "
        f"{s['misaligned']} misaligned",
        f"card: {s['annotators']} annotator(s); "
        + ("agreement figures included" if s["agreement"] else "no document annotated twice, so no agreement figure"),
        f"load it with: datasets.load_dataset({str(result.path)!r})",
    )
    return Step("dataset release", lines, (result.path / "README.md", result.path / "manifest.json"))


def _f1(block: dict[str, Any]) -> str:
    return "n/a" if block.get("empty") else f"{block['f1_pooled']:.3f}"
