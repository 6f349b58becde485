"""The card's figures: PNGs inside the release (``figures/``), drawn with matplotlib from the release's own data.

Entity and relation counts per type and split, mention length per type, agreement per type (when the release has
agreement figures) and each annotator's share of the ``annotations`` rows (when it has them). Byte-identical for
the same data: no timestamp or software version in the files, fonts and sizes fixed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FOLDER = "figures"
DPI = 100


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "svg.hashsalt": "toolkit", "figure.max_open_warning": 0})
    return plt


def _save(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)


def _grouped_bars(path: Path, title: str, counts: Mapping[str, Mapping[str, int]], splits: Sequence[str]) -> None:
    plt = _pyplot()
    labels = sorted({label for s in splits for label in counts.get(s, {})})
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(labels), 3) + 1.2))
    height = 0.8 / max(len(splits), 1)
    for k, split in enumerate(splits):
        ys = [i + k * height for i in range(len(labels))]
        ax.barh(ys, [counts.get(split, {}).get(label, 0) for label in labels], height=height, label=split)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(labels))], labels)
    ax.invert_yaxis()
    ax.set_xlabel("count")
    ax.set_title(title)
    ax.legend(loc="lower right")
    _save(fig, path)


def _mention_lengths(path: Path, lengths: Mapping[str, Sequence[int]]) -> None:
    plt = _pyplot()
    labels = sorted(lengths)
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(labels), 3) + 1.2))
    ax.boxplot([lengths[label] for label in labels], orientation="horizontal", tick_labels=labels, showfliers=True)
    ax.invert_yaxis()
    ax.set_xlabel("mention length (words)")
    ax.set_title("Mention length per entity type")
    _save(fig, path)


def _agreement(path: Path, per_label: Mapping[str, Mapping[str, float | None]], overall: Mapping[str, Any]) -> None:
    plt = _pyplot()
    labels = sorted(label for label, v in per_label.items() if v.get("span_exact_f1") is not None)
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(labels), 3) + 1.4))
    ax.barh(range(len(labels)), [float(per_label[label]["span_exact_f1"] or 0.0) for label in labels])
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    exact = overall.get("span_exact", {})
    ci = exact.get("ci95")
    if exact.get("f1_pooled") is not None:
        ax.axvline(float(exact["f1_pooled"]), color="black", linewidth=1, label="all types (pooled)")
        if ci:
            ax.axvspan(float(ci["low"]), float(ci["high"]), color="grey", alpha=0.25, label="95% CI, all types")
        ax.legend(loc="lower right")
    ax.set_xlim(0, 1)
    ax.set_xlabel("span F1, exact (one annotator as reference)")
    ax.set_title("Inter-annotator agreement per entity type")
    _save(fig, path)


def _contributions(path: Path, rows: Mapping[str, int]) -> None:
    plt = _pyplot()
    names = sorted(rows, key=lambda a: (-rows[a], a))
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(names), 3) + 1.2))
    ax.barh(range(len(names)), [rows[a] for a in names])
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("documents annotated")
    ax.set_title("Annotators' contribution (the annotations configuration)")
    _save(fig, path)


def write_figures(
    out: Path,
    *,
    per_split_labels: Mapping[str, Mapping[str, int]],
    per_split_relations: Mapping[str, Mapping[str, int]],
    agreement: Mapping[str, Any] | None,
    entity_labels: Sequence[str],
) -> list[tuple[str, str]]:
    """Draw the figures under ``out/figures``; (relative path, caption) of each, in the card's order. Mention
    lengths and contributions are read from the release's parquet files in ``out``."""
    import pyarrow.parquet as pq

    splits = [s for s in ("train", "validation", "test") if per_split_labels.get(s) or per_split_relations.get(s)]
    figures: list[tuple[str, str]] = []

    def add(name: str, caption: str) -> Path:
        figures.append((f"{FOLDER}/{name}", caption))
        return out / FOLDER / name

    if any(per_split_labels.values()):
        _grouped_bars(add("entities.png", "Entities per type and split"), "Entities", per_split_labels, splits)
    if any(per_split_relations.values()):
        _grouped_bars(add("relations.png", "Relations per type and split"), "Relations", per_split_relations, splits)
    lengths: dict[str, list[int]] = {}
    for path in sorted((out / "data").glob("*.parquet")):
        for doc in pq.read_table(path, columns=["entities"]).column("entities").to_pylist():
            for e in doc:  # labels are ClassLabel indices into the schema's entity types
                lengths.setdefault(entity_labels[e["label"]], []).append(len(e["text"].split()))
    if lengths:
        _mention_lengths(add("mention-length.png", "Mention length per entity type (words)"), lengths)
    if agreement and agreement.get("documents") and agreement.get("per_label"):
        _agreement(
            add("agreement.png", "Agreement per entity type (span F1, exact)"),
            agreement["per_label"],
            agreement.get("overall", {}),
        )
    rows: Counter[str] = Counter()
    for path in sorted((out / "annotations").glob("*.parquet")):
        rows.update(pq.read_table(path, columns=["annotator"]).column("annotator").to_pylist())
    if rows:
        _contributions(add("annotators.png", "Documents per annotator"), rows)
    return figures
