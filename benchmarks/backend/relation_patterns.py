"""Relations by structure (the cold start's relation source), measured where they were not written.

The patterns (:mod:`toolkit.baselines.structure`) relate two mentions nested in each other or next to each other
when the schema allows exactly one relation type between their types. They hold no word of any language, so their
precision can be measured on a corpus in another schema and language: CoNLL04 (English news; Work_For, Live_In,
OrgBased_In, Located_In, Kill), with its gold mentions, every split. The seed article's gold (id-news-er) is scored
too, with its gold mentions and with the mentions the cold start proposes (what an annotator is shown).

Scored by the toolkit's relation scorer (strict: both arguments with their types, the label, the direction).

Needs the CoNLL04 and idner-news-2k releases the Baselines section of docs/researchers.md makes
(releases/conll04/1.0.0, from ``../shared/data/conll04/``; releases/idner-news-2k/1.1.0) and the seed's gold
(annotations/gold/). Writes RELATION_PATTERNS.md and
relation_patterns.json beside this file.
Usage: python benchmarks/backend/relation_patterns.py
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.annotations.gold_records import read_gold_records
from toolkit.backend.served import ServeOptions, build_model, cold_start_model
from toolkit.baselines.structure import proposable, structural_relations
from toolkit.dataset.load import load_release
from toolkit.model import Example, Relation, Span
from toolkit.schema import Schema, load_schema
from toolkit.scoring.prf import COR, MIS, SPU
from toolkit.scoring.relations import score_relations

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CONLL04 = REPO / "releases" / "conll04" / "1.0.0"
IDNER = REPO / "releases" / "idner-news-2k" / "1.1.0"
GOLD = REPO / "annotations" / "gold" / "id-news-er-seed-p2-20261128T143348.429Z.jsonl"


def measure(
    name: str,
    gold: Sequence[tuple[Sequence[Span], Sequence[Relation]]],
    pred: Sequence[tuple[Sequence[Span], Sequence[Relation]]],
    schema: Schema,
) -> dict[str, Any]:
    """Per relation type and in all: gold relations, proposed, right (strict)."""
    symmetric = [r.label for r in schema.relations if not r.directed]
    scores = score_relations(gold, pred, symmetric, modes=("strict",))
    per_type = {}
    for label, c in sorted(scores.per_label["strict"].items()):
        per_type[label] = {"gold": int(c[COR] + c[MIS]), "proposed": int(c[COR] + c[SPU]), "right": int(c[COR])}
    total = {k: sum(v[k] for v in per_type.values()) for k in ("gold", "proposed", "right")}
    # the proposals whose two mentions are both gold mentions: the wrong others go with a mention fixed or deleted
    on_gold = 0
    for (gs, _), (ps, pr) in zip(gold, pred, strict=True):
        mentions = {(s.start, s.end, s.label) for s in gs}
        by_id = {s.id: s for s in ps}
        on_gold += sum(
            all((by_id[a].start, by_id[a].end, by_id[a].label) in mentions for a in (r.head, r.tail)) for r in pr
        )
    return {"data": name, "documents": len(gold), **total, "arguments_right": on_gold, "per_type": per_type}


def main() -> None:
    rows = []
    conll_schema = load_schema(REPO / "benchmarks" / "data" / "conll04" / "schema.yaml")
    rel = load_release(CONLL04)
    for split in ("train", "validation", "test"):
        examples: list[Example] = list(rel.splits[split])
        gold = [(g.spans, g.relations) for _, g in examples]
        pred = [(g.spans, structural_relations(d.text, g.spans, conll_schema.relations)) for d, g in examples]
        rows.append(measure(f"CoNLL04 {split}, gold mentions", gold, pred, conll_schema))
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    (record,) = list(read_gold_records(GOLD))
    doc, seed = record.document, record.gold
    seed_pred = structural_relations(doc.text, seed.spans, schema.relations)
    rows.append(
        measure("seed article, gold mentions", [(seed.spans, seed.relations)], [(seed.spans, seed_pred)], schema)
    )
    idner = load_release(IDNER)
    options = ServeOptions(("LOC=GPE|LOC", "PER=PER", "ORG=ORG"), cold_start=True)
    trained = build_model(
        idner.splits["train"], idner.splits["validation"], schema, idner.label_rule, "crf@bench", {}, options
    )
    for name, model in (
        ("no --release", cold_start_model(schema)),
        ("idner-news-2k 1.1.0 --label-map ... --cold-start", trained),
    ):
        served = model.layer(doc)[0]
        rows.append(
            measure(
                f"seed article, the mentions served ({name})",
                [(seed.spans, seed.relations)],
                [(served.spans, served.relations)],
                schema,
            )
        )
    about = {
        "CoNLL04": list(proposable(conll_schema.relations, conll_schema.entity_labels)),
        "id-news-er": list(proposable(schema.relations, schema.entity_labels)),
    }
    (HERE / "relation_patterns.json").write_text(
        json.dumps({"proposable": about, "rows": rows}, indent=1) + "\n", encoding="utf-8"
    )
    (HERE / "RELATION_PATTERNS.md").write_text(render(rows, about), encoding="utf-8")
    print(render(rows, about))


def _share(right: int, of: int) -> str:
    return f"{right / of:.0%} ({right}/{of})" if of else "-"


def render(rows: list[dict[str, Any]], about: dict[str, list[str]]) -> str:
    lines = [
        "# Relations by structure: how often they are right",
        "",
        "Generated by `python benchmarks/backend/relation_patterns.py`; do not edit by hand. The cold start's relation",
        "source (no relation gold yet) relates two mentions nested in each other or next to each other (only spaces,",
        "a comma or an opening bracket between) when the schema allows exactly one relation type between their types,",
        "in one direction. Strict: both arguments with their types, the label and the direction (the toolkit's",
        "relation scorer). CoNLL04 is English and has its own schema; the patterns hold no word of either language",
        "and were not written from it.",
        "",
        "Types the patterns can propose: "
        + "; ".join(f"{schema}: {', '.join(types) or 'none'}" for schema, types in about.items())
        + ".",
        "",
        "| data | documents | gold relations | proposed | precision | recall | proposed on two gold mentions |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['data']} | {r['documents']} | {r['gold']} | {r['proposed']} | "
            f"{_share(r['right'], r['proposed'])} | {_share(r['right'], r['gold'])} | {r['arguments_right']} |"
        )
    lines += ["", "Per type (proposed: precision):", ""]
    for r in rows:
        parts = [
            f"{label} {v['proposed']}: {_share(v['right'], v['proposed'])}"
            for label, v in r["per_type"].items()
            if v["proposed"]
        ]
        lines.append(f"- {r['data']}: {'; '.join(parts) or 'nothing proposed'}")
    lines += [
        "",
        "With the mentions served, a relation whose mention is wrong goes when the annotator deletes or fixes that",
        "mention (Label Studio keeps a region's relations when it is resized); the last column counts the proposals",
        "both of whose mentions are already right.",
        "",
        "Caveat: the seed rows are one article, read while the schema was written; CoNLL04 is the measurement that",
        "says how far to trust the patterns. A type the patterns get wrong in a project shows in",
        "`toolkit annotations acceptance` (relation types' kept share) once annotators have worked through the",
        "proposals; the first retraining with relation gold replaces the patterns with the pair classifier.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
