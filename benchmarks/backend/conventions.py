"""A new project whose conventions differ from its corpus's: what the backend serves as the project's gold grows.

The corpus (idner-news-2k) labels political parties ORG. The simulated project separates them: its schema is
id-news-er's with one more entity type, PARTY ("Partai Golkar", "PDI-P", "Demokrat"), and its gold marks every
party PARTY and every other organisation ORG. The project's gold and the held-out documents are built as in
``project_gold.py`` (idner-news-2k's **test** split, mapped with ``LOC=GPE|LOC``, shuffled with seed 0; first 100
documents the project's gold, added in order; last 200 held out), with one change: the corpus's ORG mentions that
name a party (the list in :data:`PARTY`, matched on the whole mention) become PARTY. The served model is
``build_model`` with ``project=`` as ``toolkit ls backend`` retrains it (``--label-map LOC=GPE|LOC --label-map
PER=PER --label-map ORG=ORG --cold-start``): the corpus through the mapping says ORG for the names the project
calls PARTY.

Per number of gold documents (0, 10, 25, 50, 100): per-type strict precision and recall of the served
pre-annotations on the held-out documents (toolkit.scoring, = seqeval), the share of proposals an annotator keeps
unchanged, and the edits saved against annotating from nothing (as in ``project_gold.py``).

Caveat, stated in the output: the convention is simulated by a list of party names, so the project's gold is
consistent in a way people's gold is not, and a tagger can learn it from the names alone.

Needs releases/idner-news-2k/1.1.0 (docs/researchers.md, Baselines). Writes CONVENTIONS.md and conventions.json
beside this file. Usage: python benchmarks/backend/conventions.py [--render: the page again from the JSON]
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from toolkit.backend.labelmap import map_examples, parse_label_map
from toolkit.backend.served import build_model
from toolkit.dataset.load import load_release
from toolkit.model import Example, Span
from toolkit.schema import Schema, load_schema

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from project_gold import HELD_OUT, OPTIONS, RELEASE, REPO, SIZES, served_scores  # noqa: E402

PARTY = re.compile(
    r"(partai\b.+|pdi-?p|golkar|gerindra|pks|pkb|pan|demokrat|nasdem|hanura|ppp|perindo|psi|berkarya|garuda)",
    re.IGNORECASE,
)
"""Indonesian political parties, by name or acronym (a whole mention: "Partai Golkar", "Golkar", "PDI-P")."""
TYPES = ("GPE", "LOC", "ORG", "PARTY", "PER")


def project_schema(folder: Path) -> Schema:
    """id-news-er's schema with PARTY, as a project that separates parties would write it."""
    data = yaml.safe_load((REPO / "schemas" / "schema.yaml").read_text(encoding="utf-8"))
    data["name"] = "id-news-party"
    data["entities"].append(
        {
            "label": "PARTY",
            "definition": "A political party, by name or acronym (not ORG).",
            "color": "#7a5a00",
            "hotkey": "0",
        }
    )
    path = folder / "schema.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_schema(path)


def with_parties(examples: Sequence[Example]) -> tuple[list[Example], int]:
    """The examples with every ORG mention that names a party relabelled PARTY (the project's convention)."""
    out, changed = [], 0
    for doc, gold in examples:
        spans = []
        for s in gold.spans:
            if s.label == "ORG" and PARTY.fullmatch(doc.text[s.start : s.end]):
                spans.append(Span(s.id, s.start, s.end, "PARTY"))
                changed += 1
            else:
                spans.append(s)
        out.append((doc, replace(gold, spans=tuple(spans))))
    return out, changed


def main() -> None:
    rel = load_release(RELEASE)
    with tempfile.TemporaryDirectory() as tmp:
        schema = project_schema(Path(tmp))
    corpus_labels = sorted({s.label for _, g in rel.splits["train"] for s in g.spans})
    label_map = parse_label_map(OPTIONS.label_map, corpus_labels, schema)
    mapped, _ = map_examples(rel.splits["test"], label_map)
    pool, relabelled = with_parties(mapped)
    random.Random(0).shuffle(pool)
    project, held_out = pool[: max(SIZES)], pool[-HELD_OUT:]
    parties = {
        "project": sum(1 for _, g in project for s in g.spans if s.label == "PARTY"),
        "held_out": sum(1 for _, g in held_out for s in g.spans if s.label == "PARTY"),
    }
    rows = []
    for adopt in (False, True):
        for n in SIZES:
            if n == 0 and not adopt:
                continue  # no project gold: nothing to adopt, the same model
            t0 = time.time()
            model = build_model(
                rel.splits["train"],
                rel.splits["validation"],
                schema,
                rel.label_rule,
                "crf@bench",
                {},
                OPTIONS,
                project[:n],
                adopt_names=adopt,
            )
            rows.append(
                {
                    "adopt_names": adopt,
                    "gold_documents": n,
                    "party_mentions_in_gold": sum(1 for _, g in project[:n] for s in g.spans if s.label == "PARTY"),
                    "version": model.version,
                    "relabelled": model.trained_on.get("relabelled_as_the_project_names_them", {}),
                    "held_out": served_scores(model, held_out, TYPES),
                    "seconds": round(time.time() - t0, 1),
                }
            )
            h = rows[-1]["held_out"]
            print(adopt, n, h["per_type"].get("PARTY"), h["kept_share"], h["edits_saved"], flush=True)
    result = {"relabelled_in_test_split": relabelled, "parties": parties, "rows": rows}
    (HERE / "conventions.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (HERE / "CONVENTIONS.md").write_text(render(result), encoding="utf-8")
    print(render(result))


def render(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = [
        "# Model help when the project's conventions differ from the corpus's",
        "",
        "Generated by `python benchmarks/backend/conventions.py`; do not edit by hand. The corpus (idner-news-2k)",
        "labels political parties ORG; the simulated project separates them as PARTY (id-news-er's schema plus",
        "PARTY). Project gold: idner-news-2k test documents mapped onto the schema with every party mention PARTY",
        f"({result['relabelled_in_test_split']} mentions in the split; {result['parties']['project']} in the 100 gold "
        f"documents, {result['parties']['held_out']} in the {HELD_OUT} held-out ones). The served model:",
        "idner-news-2k 1.1.0 through `--label-map LOC=GPE|LOC`, `--cold-start`, retrained with N of the project's",
        "gold documents, scored on the held-out ones.",
        "",
        "Two trainings per size: the corpus keeping its own type for every name (ORG for the parties: before",
        "2026-12-05), and the corpus taking the project's type for a name the project's gold types one way",
        "(`build_model`'s default, what `toolkit ls backend` retrains with; the corpus mentions it relabelled in",
        "the last column).",
        "",
        "| corpus names | gold documents | party mentions in them | PARTY P / R | ORG P / R | kept share | edits saved "
        "| corpus mentions relabelled |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(rows, key=lambda r: (r["gold_documents"], r["adopt_names"])):
        per = r["held_out"]["per_type"]
        cell = {t: f"{per[t]['precision']:.2f} / {per[t]['recall']:.2f}" if t in per else "-" for t in TYPES}
        h = r["held_out"]
        how = "project's type" if r["adopt_names"] else "corpus's type"
        moved = ", ".join(f"{k} {v}" for k, v in r["relabelled"].items()) or "-"
        lines.append(
            f"| {how} | {r['gold_documents']} | {r['party_mentions_in_gold']} | {cell['PARTY']} | {cell['ORG']} | "
            f"{h['kept_share']:.1%} | {h['edits_saved']:.1%} | {moved} |"
        )
    lines += [
        "",
        "Caveat: the convention is simulated by a list of party names, so the project's gold is consistent in a way",
        "people's gold is not, and a tagger can learn it from the names alone.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # the page again from conventions.json, without training
        saved = json.loads((HERE / "conventions.json").read_text(encoding="utf-8"))
        (HERE / "CONVENTIONS.md").write_text(render(saved), encoding="utf-8")
    else:
        main()
