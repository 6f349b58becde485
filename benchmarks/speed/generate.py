"""Seeded generators of synthetic benchmark data (written under benchmarks/speed/generated/, git-ignored).

- ``export``: a Label Studio full JSON export: tasks with ~2,000-character Indonesian-like texts,
  1-2 annotators per task (~5% cancelled), ~15 labelled regions and ~5 schema-valid relations per
  annotation, and an embedded prediction on a third of the tasks. Written as a stream.
- ``tags``: gold and predicted BIO tag sequences (30 tokens per sentence, 5 entity types), the
  prediction perturbed like a tagger's errors.

Usage: python benchmarks/speed/generate.py export N OUT.json [--seed S]
       python benchmarks/speed/generate.py tags N OUT.json [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

WORDS = [
    "pemerintah",
    "menyampaikan",
    "bahwa",
    "kebijakan",
    "baru",
    "akan",
    "segera",
    "diterapkan",
    "untuk",
    "meningkatkan",
    "perlindungan",
    "pekerja",
    "migran",
    "di",
    "berbagai",
    "wilayah",
    "dengan",
    "dukungan",
    "organisasi",
    "internasional",
    "dan",
    "masyarakat",
    "sipil",
    "yang",
    "terus",
    "mendorong",
    "tata",
    "kelola",
    "yang",
    "adil",
    "serta",
    "efektif",
    "bagi",
    "semua",
    "pihak",
    "dalam",
    "pertemuan",
    "sidang",
    "tahunan",
    "yang",
    "dihadiri",
    "banyak",
    "delegasi",
]
ENTITIES = {
    "PER": ["Haiyani Rumondang", "Hasan Kleib", "Retno Marsudi", "Joko Widodo", "Ida Fauziyah", "Budi Santoso"],
    "ORG": ["ILO", "PBB", "Kementerian Ketenagakerjaan RI", "WTO", "ASEAN", "Bank Indonesia"],
    "GPE": ["Indonesia", "Jenewa", "Swiss", "Jakarta", "Malaysia", "Jawa Barat"],
    "DATE": ["Kamis (8/11/2017)", "Juni 2017", "30 Oktober 2017", "Senin (2/3/2020)"],
    "EVENT": ["sidang sesi ke-331", "International Labour Conference", "KTT ASEAN"],
    "ROLE": ["Direktur Jenderal", "Menteri Luar Negeri", "Wakil Tetap RI untuk PBB", "Gubernur"],
    "QUANTITY": ["281 pusat pelatihan", "56 negara", "20 persen", "352 ribu lowongan"],
}
# (relation, head type, tail type, directed) - all allowed by schemas/schema.yaml
RELATIONS = [
    ("works_for", "PER", "ORG"),
    ("has_role", "PER", "ROLE"),
    ("role_of", "ROLE", "ORG"),
    ("member_of", "GPE", "ORG"),
    ("part_of", "ORG", "ORG"),
    ("located_in", "ORG", "GPE"),
    ("located_in", "GPE", "GPE"),
    ("held_on", "EVENT", "DATE"),
    ("participant_in", "PER", "EVENT"),
    ("organized_by", "EVENT", "ORG"),
]


def make_task(tid: int, rng: random.Random) -> dict[str, Any]:
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    length = 0
    while length < 2000:
        if rng.random() < 0.12:
            label = rng.choice(list(ENTITIES))
            surface = rng.choice(ENTITIES[label])
            start = length + (1 if parts else 0)
            spans.append((start, start + len(surface), label))
            parts.append(surface)
        else:
            parts.append(rng.choice(WORDS) + ("." if rng.random() < 0.07 else ""))
        length = len(" ".join(parts))
    text = " ".join(parts)
    annotations = []
    for k in range(1 if rng.random() < 0.5 else 2):
        aid = tid * 10 + k
        if rng.random() < 0.05:
            annotations.append(
                {"id": aid, "completed_by": k + 1, "result": [], "was_cancelled": True, "ground_truth": False}
            )
            continue
        chosen = sorted(rng.sample(spans, min(len(spans), rng.randint(12, 18))))
        result: list[dict[str, Any]] = [
            {
                "id": f"t{tid}a{k}r{i}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {"start": a, "end": b, "text": text[a:b], "labels": [lab]},
            }
            for i, (a, b, lab) in enumerate(chosen)
        ]
        by_type: dict[str, list[str]] = {}
        for i, (_, _, lab) in enumerate(chosen):
            by_type.setdefault(lab, []).append(f"t{tid}a{k}r{i}")
        seen = set()
        for _ in range(12):
            rel, h, t = rng.choice(RELATIONS)
            if by_type.get(h) and by_type.get(t):
                head, tail = rng.choice(by_type[h]), rng.choice(by_type[t])
                if head != tail and (head, tail, rel) not in seen:
                    seen.add((head, tail, rel))
                    result.append(
                        {"type": "relation", "from_id": head, "to_id": tail, "direction": "right", "labels": [rel]}
                    )
            if len(seen) >= 5:
                break
        annotations.append(
            {
                "id": aid,
                "completed_by": k + 1,
                "result": result,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2026-11-28T10:00:00Z",
            }
        )
    predictions = []
    if tid % 3 == 0:
        predictions.append(
            {
                "id": tid,
                "model_version": "synthetic",
                "result": [
                    {
                        "id": f"p{tid}r{i}",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": a, "end": b, "text": text[a:b], "labels": [lab]},
                    }
                    for i, (a, b, lab) in enumerate(spans[:10])
                ],
            }
        )
    return {
        "id": tid,
        "data": {"text": text, "article_id": f"syn-{tid:07d}"},
        "annotations": annotations,
        "predictions": predictions,
        "drafts": [],
    }


def write_export(n: int, out: Path, seed: int = 0) -> Path:
    rng = random.Random(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for tid in range(1, n + 1):
            if tid > 1:
                fh.write(",\n")
            fh.write(json.dumps(make_task(tid, rng), ensure_ascii=False))
        fh.write("]\n")
    tmp.replace(out)
    return out


def write_tags(n: int, out: Path, seed: int = 0) -> Path:
    rng = random.Random(seed)
    labels = ["PER", "ORG", "LOC", "DATE", "MISC"]
    gold, pred = [], []
    for _ in range(n):
        tags: list[str] = []
        while len(tags) < 30:
            if rng.random() < 0.15:
                lab = rng.choice(labels)
                tags += [f"B-{lab}"] + [f"I-{lab}"] * rng.randint(0, 2)
            else:
                tags.append("O")
        tags = tags[:30]
        p = list(tags)
        for k in range(30):
            r = rng.random()
            if p[k] != "O" and r < 0.06:
                p[k] = p[k][:2] + rng.choice(labels)
            elif p[k] != "O" and r < 0.1:
                p[k] = "O"
            elif p[k] == "O" and r < 0.02:
                p[k] = "B-" + rng.choice(labels)
        gold.append(tags)
        pred.append(p)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"gold": gold, "pred": pred}), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["export", "tags"])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    (write_export if args.kind == "export" else write_tags)(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
