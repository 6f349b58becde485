"""Side-by-side speed and memory benchmark: the toolkit against the tools users would otherwise use.

Each measurement runs in a fresh Python subprocess that reports its wall time and its own peak
RSS (resource.getrusage), so numbers do not leak between tools. Writes RESULTS.md beside this file.

Usage: python benchmarks/speed/run.py [--sizes 1000,10000] [--runs 3] [--runs-large 1] [--with-slow] [--groups import,build,score,relations]
  --with-slow also runs label-studio-sdk's CONLL2003 converter and the naive datasets build at
  every size (minutes at 100k).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEN = HERE / "generated"
PY = sys.executable

PRELUDE = """
import json, time, resource, sys, gc, tempfile
from pathlib import Path
ARG = sys.argv[1]
def peak_mb():
    # VmHWM is this process's own peak RSS; ru_maxrss would include the parent's size at fork (Linux keeps it across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def done(t0, **extra):
    print(json.dumps({"seconds": time.perf_counter() - t0, "rss_mb": peak_mb(), **extra}))
t0 = time.perf_counter()
"""

# name -> (group, code); ARG is the export, the tags file, or (PREPARED) the prepared folder. Declared, not branched.
TOOLS: dict[str, tuple[str, str]] = {
    "ijson pass (reference floor)": (
        "import",
        """
import ijson
n = sum(1 for _ in ijson.items(open(ARG, "rb"), "item"))
done(t0, tasks=n)""",
    ),
    "json.load, gc paused": (
        "import",
        """
gc.disable(); data = json.load(open(ARG, "rb")); done(t0, tasks=len(data))""",
    ),
    "toolkit annotations import (validating)": (
        "import",
        """
from toolkit.annotations.importer import import_export
from toolkit.schema import load_schema
with tempfile.TemporaryDirectory() as out:
    r = import_export(Path(ARG), load_schema(Path("schemas/schema.yaml")), out_dir=Path(out))
done(t0, regions=r.counts["regions"]["written"], relations=r.counts["relations"]["written"], errors=len(r.errors))""",
    ),
    "toolkit ls status --export (import, agreement and control scores, 1000-resample CIs)": (
        "import",
        """
from toolkit.campaign.status import campaign_status
from toolkit.schema import load_schema
s = campaign_status(Path(ARG), load_schema(Path("schemas/schema.yaml")))
done(t0, annotators=len(s.annotators), pairs=len(s.pairs), agreement_documents=s.agreement_documents)""",
    ),
    "label-studio-sdk converter -> CONLL2003 (slow)": (
        "import",
        """
import logging; logging.disable(logging.CRITICAL)
from label_studio_sdk.converter import Converter
with tempfile.TemporaryDirectory() as out:
    c = Converter(config=open("schemas/label_config.xml").read(), project_dir=out, download_resources=False)
    c.convert_to_conll2003(ARG, out, is_dir=False)
done(t0)""",
    ),
    "datasets from a Python list (naive, slow)": (
        "build",
        """
gc.disable()
from datasets import Dataset
tasks = json.load(open(ARG, "rb"))
rows = [{"id": t["data"]["article_id"], "text": t["data"]["text"],
         "entities": [r["value"] | {"id": r["id"]} for a in t["annotations"] for r in a["result"] if r.get("type") == "labels"]}
        for t in tasks]
with tempfile.TemporaryDirectory() as out:
    Dataset.from_list(rows).save_to_disk(out)
done(t0)""",
    ),
    "datasets from an ijson generator over the export (id, text, spans only)": (
        "build",
        """
import ijson
from datasets import Dataset
def gen():
    for t in ijson.items(open(ARG, "rb"), "item", use_float=True):
        yield {"id": t["data"]["article_id"], "text": t["data"]["text"],
               "entities": [{"id": r["id"], "start": r["value"]["start"], "end": r["value"]["end"],
                             "label": r["value"]["labels"][0]} for a in t["annotations"] for r in a["result"] if r.get("type") == "labels"]}
with tempfile.TemporaryDirectory() as out:
    Dataset.from_generator(gen, fingerprint="bench", cache_dir=out).save_to_disk(out + "/ds")
done(t0)""",
    ),
    "datasets from_generator over the gold file (same columns; reference)": (
        "build",
        """
from datasets import Dataset
from toolkit.text.bio import spans_to_bio
from toolkit.dataset.features import dataset_features
from toolkit.model import Span
from toolkit.schema import load_schema
from toolkit.text.tokens import tokenize
schema = load_schema(Path("schemas/schema.yaml"))
tag_ids = {n: i for i, n in enumerate(schema.bio_names())}
ent_ids = {n: i for i, n in enumerate(schema.entity_labels)}
rel_ids = {n: i for i, n in enumerate(schema.relation_labels)}
def gen():
    for line in open(Path(ARG) / "gold" / "layers.jsonl", "rb"):
        rec = json.loads(line); text = rec["document"]["text"]; gold = rec["gold"]; support = rec.get("support", {})
        toks = tokenize(text)
        bio = spans_to_bio(toks, [Span(s["id"], s["start"], s["end"], s["label"]) for s in gold["spans"]])
        yield {"id": rec["document"]["id"], "text": text, "outlet": None, "date": None, "source_file": None,
               "tokens": [text[a:b] for a, b in toks], "token_starts": [a for a, _ in toks],
               "token_ends": [b for _, b in toks], "ner_tags": [tag_ids[t] for t in bio.tags],
               "entities": [{"id": s["id"], "start": s["start"], "end": s["end"], "label": ent_ids[s["label"]],
                             "text": text[s["start"]:s["end"]], "annotators": support.get("spans", {}).get(s["id"], [])}
                            for s in gold["spans"]],
               "relations": [{"id": r["id"], "head": r["head"], "tail": r["tail"], "label": rel_ids[r["label"]],
                              "annotators": support.get("relations", {}).get(r["id"], [])} for r in gold["relations"]]}
with tempfile.TemporaryDirectory() as out:
    Dataset.from_generator(gen, features=dataset_features(schema), fingerprint="bench", cache_dir=out).save_to_disk(out + "/ds")
done(t0)""",
    ),
    "datasets from an ijson generator over the export (same columns; first completed annotation)": (
        "build",
        """
import ijson
from datasets import Dataset
from toolkit.text.bio import spans_to_bio
from toolkit.dataset.features import dataset_features
from toolkit.model import Span
from toolkit.schema import load_schema
from toolkit.text.tokens import tokenize
schema = load_schema(Path("schemas/schema.yaml"))
tag_ids = {n: i for i, n in enumerate(schema.bio_names())}
ent_ids = {n: i for i, n in enumerate(schema.entity_labels)}
rel_ids = {n: i for i, n in enumerate(schema.relation_labels)}
def gen():
    for t in ijson.items(open(ARG, "rb"), "item", use_float=True):
        done = [a for a in t["annotations"] if not a.get("was_cancelled")]
        if not done:
            continue
        a, text = done[0], t["data"]["text"]
        regions = [r for r in a["result"] if r.get("type") == "labels"]
        links = [r for r in a["result"] if r.get("type") == "relation"]
        toks = tokenize(text)
        bio = spans_to_bio(toks, [Span(r["id"], r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in regions])
        who = [str(a["completed_by"])]
        yield {"id": t["data"]["article_id"], "text": text, "outlet": None, "date": None, "source_file": None,
               "tokens": [text[x:y] for x, y in toks], "token_starts": [x for x, _ in toks],
               "token_ends": [y for _, y in toks], "ner_tags": [tag_ids[g] for g in bio.tags],
               "entities": [{"id": r["id"], "start": r["value"]["start"], "end": r["value"]["end"],
                             "label": ent_ids[r["value"]["labels"][0]], "text": text[r["value"]["start"]:r["value"]["end"]],
                             "annotators": who} for r in regions],
               "relations": [{"id": f"{r['from_id']}->{r['to_id']}", "head": r["from_id"], "tail": r["to_id"],
                              "label": rel_ids[r["labels"][0]], "annotators": who} for r in links]}
with tempfile.TemporaryDirectory() as out:
    Dataset.from_generator(gen, features=dataset_features(schema), fingerprint="bench", cache_dir=out).save_to_disk(out + "/ds")
done(t0)""",
    ),
    "toolkit dataset build (gold -> tokens, BIO, spans, relations, splits -> parquet)": (
        "build",
        """
from toolkit.dataset.release import build_draft
from toolkit.schema import load_schema
with tempfile.TemporaryDirectory() as out:
    rep = build_draft(schema=load_schema(Path("schemas/schema.yaml")), seeds_path=Path(ARG) / "articles.jsonl",
                      gold_paths=[Path(ARG) / "gold" / "layers.jsonl"], out_dir=Path(out) / "ds")
# workers are forked children: report the largest one's peak too (an upper bound: it counts pages shared with the parent)
done(t0, documents=sum(rep["documents"].values()), worker_peak_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))""",
    ),
    "toolkit annotations gold (layers -> adjudicated gold)": (
        "build",
        """
from toolkit.annotations.gold import write_gold
with tempfile.TemporaryDirectory() as out:
    g = write_gold(Path(ARG) / "layers.jsonl", Path(out), schema_path=Path("schemas/schema.yaml"))
done(t0, documents=g.documents)""",
    ),
    "toolkit annotations agree (layers -> span/relation F1, kappa, 1000-resample CIs)": (
        "import",
        """
from toolkit.annotations.agreement import agreement_file
from toolkit.schema import load_schema
r = agreement_file(Path(ARG) / "layers.jsonl", load_schema(Path("schemas/schema.yaml")))
done(t0, documents=r.documents, pairs=len(r.pairs), f1=r.overall["span_exact"]["f1_pooled"])""",
    ),
    "seqeval f1_score": (
        "score",
        """
from seqeval.metrics import f1_score
d = json.load(open(ARG)); t0 = time.perf_counter(); f = f1_score(d["gold"], d["pred"]); done(t0, f1=f)""",
    ),
    "seqeval classification_report": (
        "score",
        """
from seqeval.metrics import classification_report
d = json.load(open(ARG)); t0 = time.perf_counter()
r = classification_report(d["gold"], d["pred"], output_dict=True); done(t0, f1=r["micro avg"]["f1-score"])""",
    ),
    "seqeval classification_report strict IOB2": (
        "score",
        """
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2
d = json.load(open(ARG)); t0 = time.perf_counter()
r = classification_report(d["gold"], d["pred"], output_dict=True, mode="strict", scheme=IOB2); done(t0, f1=r["micro avg"]["f1-score"])""",
    ),
    "nervaluate (4 modes)": (
        "score",
        """
from nervaluate import Evaluator
d = json.load(open(ARG)); t0 = time.perf_counter()
r = Evaluator(d["gold"], d["pred"], tags=["PER", "ORG", "LOC", "DATE", "MISC"], loader="list").evaluate()
done(t0, f1=r["overall"]["strict"].f1)""",
    ),
    "toolkit score_entities (4 modes, per type, micro/macro) on spans": (
        "score",
        """
from toolkit.text.bio import bio_to_spans
from toolkit.scoring.entities import score_entities
d = json.load(open(ARG)); toks = [(i, i + 1) for i in range(30)]
g = [bio_to_spans(toks, x) for x in d["gold"]]; p = [bio_to_spans(toks, x) for x in d["pred"]]
t0 = time.perf_counter(); s = score_entities(g, p); done(t0, f1=s.overall("strict")["f1"])""",
    ),
    "toolkit score_entities incl. decoding BIO tags": (
        "score",
        """
from toolkit.text.bio import bio_to_spans
from toolkit.scoring.entities import score_entities
d = json.load(open(ARG)); toks = [(i, i + 1) for i in range(30)]; t0 = time.perf_counter()
g = [bio_to_spans(toks, x) for x in d["gold"]]; p = [bio_to_spans(toks, x) for x in d["pred"]]
s = score_entities(g, p); done(t0, f1=s.overall("strict")["f1"])""",
    ),
    "toolkit bootstrap, 1000 resamples": (
        "score",
        """
from toolkit.text.bio import bio_to_spans
from toolkit.scoring.entities import score_entities
from toolkit.scoring.intervals import bootstrap
d = json.load(open(ARG)); toks = [(i, i + 1) for i in range(30)]
s = score_entities([bio_to_spans(toks, x) for x in d["gold"]], [bio_to_spans(toks, x) for x in d["pred"]])
t0 = time.perf_counter(); ci = bootstrap(s.per_doc["strict"], resamples=1000); done(t0, low=ci["low"], high=ci["high"])""",
    ),
    "toolkit score_relations (2 modes)": (
        "relations",
        """
from toolkit.annotations.layers import read_layers
from toolkit.annotations.importer import import_export
from toolkit.scoring.relations import score_relations
from toolkit.schema import load_schema
with tempfile.TemporaryDirectory() as out:
    r = import_export(Path(ARG), load_schema(Path("schemas/schema.yaml")), out_dir=Path(out))
    pairs = []
    for doc, layers in read_layers(Path(r.output)):
        humans = [x for x in layers if x.kind == "annotation"]
        if humans:
            pairs.append(((humans[0].spans, humans[0].relations), (humans[-1].spans, humans[-1].relations)))
t0 = time.perf_counter()
out = score_relations([a for a, _ in pairs], [b for _, b in pairs], ["alias_of"]).to_dict()
done(t0, documents=len(pairs), f1=out["strict"]["micro"]["f1"])""",
    ),
}
PREPARED = {
    "datasets from_generator over the gold file (same columns; reference)",
    "toolkit dataset build (gold -> tokens, BIO, spans, relations, splits -> parquet)",
    "toolkit annotations gold (layers -> adjudicated gold)",
    "toolkit annotations agree (layers -> span/relation F1, kappa, 1000-resample CIs)",
}
"""Tools that read the prepared folder (layers, gold and seed files made from the export once), not the export."""
SLOW = {"label-studio-sdk converter -> CONLL2003 (slow)", "datasets from a Python list (naive, slow)"}


def measure(code: str, arg: Path) -> dict[str, float]:
    done = subprocess.run(
        [PY, "-c", PRELUDE + code, str(arg)],
        capture_output=True,
        text=True,
        cwd=HERE.parents[1],
        env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(export: Path, folder: Path) -> Path:
    """Layers, gold and a seed store made from an export once, for the tools that start from them."""
    if (folder / "gold" / "layers.jsonl").exists():
        return folder
    code = """
from toolkit.annotations.importer import import_export
from toolkit.annotations.gold import write_gold
from toolkit.schema import load_schema
out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
r = import_export(Path(ARG), load_schema(Path("schemas/schema.yaml")), out_dir=out / "tmp")
Path(r.output).replace(out / "layers.jsonl")
write_gold(out / "layers.jsonl", out / "gold", schema_path=Path("schemas/schema.yaml"))
with open(out / "layers.jsonl", encoding="utf-8") as src, open(out / "articles.jsonl", "w", encoding="utf-8") as dst:
    for line in src:
        d = json.loads(line)["document"]
        dst.write(json.dumps({"id": d["id"], "text": d["text"], "metadata": {}}, ensure_ascii=False) + "\\n")
done(t0)"""
    done = subprocess.run(
        [PY, "-c", PRELUDE + code, str(export), str(folder)], cwd=HERE.parents[1], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-large", type=int, default=1, help="runs of each tool at 100,000 and more")
    parser.add_argument("--with-slow", action="store_true")
    parser.add_argument("--groups", default="import,build,score,relations", help="comma-separated groups to run")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from generate import write_export, write_tags

    results: list[dict[str, object]] = []
    for size in [int(x) for x in args.sizes.split(",")]:
        export = GEN / f"export-{size}.json"
        tags = GEN / f"tags-{size}.json"
        if not export.exists():
            write_export(size, export)
        if not tags.exists():
            write_tags(size, tags)
        prepared = prepare(export, GEN / f"prepared-{size}")
        chosen = {
            name: (group, code, 1 if name in SLOW else args.runs_large if size >= 100_000 else args.runs)
            for name, (group, code) in TOOLS.items()
            if group in args.groups.split(",") and not (name in SLOW and not args.with_slow and size > 10_000)
        }
        # round robin (run 1 of every tool, then run 2, ...): a slow spell of the machine hits all tools alike
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in chosen}
        for turn in range(max((runs for _, _, runs in chosen.values()), default=0)):
            for name, (group, code, runs) in chosen.items():
                if turn < runs:
                    arg = prepared if name in PREPARED else tags if group == "score" else export
                    samples[name].append(measure(code, arg))
                    got = samples[name][-1]
                    print(
                        f"{size:>7} {group:<9} {name:<70} {got['seconds']:8.2f} s {got['rss_mb']:8.0f} MB", flush=True
                    )
        for name, (group, _, runs) in chosen.items():
            results.append(
                {
                    "size": size,
                    "group": group,
                    "tool": name,
                    "runs": runs,
                    "seconds": statistics.median(s["seconds"] for s in samples[name]),
                    "rss_mb": max(s["rss_mb"] for s in samples[name]),
                    "extra": {k: v for k, v in samples[name][0].items() if k not in ("seconds", "rss_mb")},
                }
            )
    previous = json.loads((HERE / "results.json").read_text()) if (HERE / "results.json").exists() else []
    fresh = {(x["size"], x["tool"]) for x in results}
    keep = [r for r in previous if (r["size"], r["tool"]) not in fresh and r["tool"] in TOOLS]
    allres = sorted(keep + results, key=lambda r: (r["size"], r["group"]))
    (HERE / "results.json").write_text(json.dumps(allres, indent=1) + "\n")
    (HERE / "RESULTS.md").write_text(render(allres))


def render(results: list[dict]) -> str:  # type: ignore[type-arg]
    lines = [
        "# Speed and memory: the toolkit side by side with the reference tools",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; "
        f"measured {dt.date.today().isoformat()} by `python benchmarks/speed/run.py` (medians; each run in a fresh "
        "subprocess; peak RSS = that process's own VmHWM). Synthetic data from `benchmarks/speed/generate.py` (seeded): "
        "exports of N tasks (~2,000-character texts, 1-2 annotations, ~15 regions and ~5 relations each); "
        "N sentences of 30 BIO tags with 5 types for scoring.",
        "",
    ]
    for size in sorted({r["size"] for r in results}):
        rows = [r for r in results if r["size"] == size]
        lines += [
            f"## {size:,} tasks / sentences",
            "",
            "| group | tool | seconds | peak RSS MB | runs | notes |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['group']} | {r['tool']} | {r['seconds']:.2f} | {r['rss_mb']:.0f} | {r['runs']} | "
                f"{', '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}' for k, v in r['extra'].items())} |"
            )
        t = {r["tool"]: r["seconds"] for r in rows}
        ratios = []

        def ratio(a: str, b: str, label: str, t: dict[str, float] = t, ratios: list[str] = ratios) -> None:
            if a in t and b in t:
                ratios.append(f"- {label}: {t[a] / t[b]:.2f}x")

        ratio(
            "toolkit annotations import (validating)",
            "ijson pass (reference floor)",
            "import time / bare ijson pass (target <= 2.5)",
        )
        ratio(
            "toolkit annotations agree (layers -> span/relation F1, kappa, 1000-resample CIs)",
            "toolkit annotations import (validating)",
            "agree time / import time on the same export (target <= 2)",
        )
        ratio(
            "label-studio-sdk converter -> CONLL2003 (slow)",
            "toolkit annotations import (validating)",
            "SDK converter time / toolkit import (target >= 10)",
        )
        ratio(
            "datasets from_generator over the gold file (same columns; reference)",
            "toolkit dataset build (gold -> tokens, BIO, spans, relations, splits -> parquet)",
            "same-columns from_generator build over the gold file / toolkit build (target >= 1.5)",
        )
        ratio(
            "datasets from an ijson generator over the export (same columns; first completed annotation)",
            "toolkit dataset build (gold -> tokens, BIO, spans, relations, splits -> parquet)",
            "same-columns ijson+generator build from the export / toolkit build (target >= 1.5)",
        )
        ratio(
            "datasets from an ijson generator over the export (id, text, spans only)",
            "toolkit dataset build (gold -> tokens, BIO, spans, relations, splits -> parquet)",
            "minimal ijson+generator build (id, text, spans only) / toolkit build",
        )
        ratio(
            "seqeval classification_report",
            "toolkit score_entities (4 modes, per type, micro/macro) on spans",
            "seqeval report / toolkit scoring on spans (target >= 5)",
        )
        ratio(
            "seqeval classification_report",
            "toolkit score_entities incl. decoding BIO tags",
            "seqeval report / toolkit scoring incl. tag decoding",
        )
        lines += ["", *ratios, ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
