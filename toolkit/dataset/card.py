"""The dataset card (README.md with Hub YAML metadata), generated from the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import yaml
from datasets import Features

from toolkit.dataset.annotator_rows import CONFIG, CONTROL_SPLIT, FOLDER, AnnotatorRows, annotation_features
from toolkit.dataset.splits import SPLITS
from toolkit.schema import Schema

if TYPE_CHECKING:
    from toolkit.dataset.release import CampaignFacts


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "n>1M"


def card_metadata(
    name: str,
    schema: Schema,
    features: Features,
    splits: Mapping[str, int],
    license_id: str,
    split_bytes: Mapping[str, int] | None = None,
    sentences: Mapping[str, Any] | None = None,
    annotator_rows: AnnotatorRows | None = None,
    relations_annotated: bool | None = None,
) -> dict[str, Any]:
    from toolkit.dataset.features import sentence_features

    present = [s for s, n in splits.items() if n]
    schema_has_relations = relations_annotated if relations_annotated is not None else bool(schema.relations)
    configs: list[dict[str, Any]] = [
        {
            "config_name": "default",
            "data_files": [{"split": s, "path": f"data/{s}.parquet"} for s in present],
            "default": True,
        }
    ]
    infos: list[dict[str, Any]] = [
        {
            "config_name": "default",
            "features": features._to_yaml_list(),
            "splits": [
                {"name": s, "num_bytes": int((split_bytes or {}).get(s, 0)), "num_examples": splits[s]} for s in present
            ],
        }
    ]
    if sentences:
        counts = sentences.get("sentences", {})
        configs.append(
            {
                "config_name": "sentences",
                "data_files": [{"split": s, "path": f"sentences/{s}.parquet"} for s in present],
            }
        )
        infos.append(
            {
                "config_name": "sentences",
                "features": sentence_features(schema)._to_yaml_list(),
                "splits": [
                    {
                        "name": s,
                        "num_bytes": int(sentences.get("bytes", {}).get(s, 0)),
                        "num_examples": int(counts.get(s, 0)),
                    }
                    for s in present
                ],
            }
        )
    if annotator_rows is not None and annotator_rows.total:
        order = [s for s in (*SPLITS, CONTROL_SPLIT) if annotator_rows.rows.get(s)]
        configs.append(
            {"config_name": CONFIG, "data_files": [{"split": s, "path": f"{FOLDER}/{s}.parquet"} for s in order]}
        )
        infos.append(
            {
                "config_name": CONFIG,
                "features": annotation_features(schema)._to_yaml_list(),
                "splits": [
                    {"name": s, "num_bytes": annotator_rows.bytes[s], "num_examples": annotator_rows.rows[s]}
                    for s in order
                ],
            }
        )
    return {
        "pretty_name": f"{name} (entities and relations)" if schema_has_relations else f"{name} (entities)",
        "language": [schema.language],
        "license": license_id,
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "annotations_creators": ["expert-generated"],
        "language_creators": ["found"],
        "multilinguality": ["monolingual"],
        "source_datasets": ["original"],
        "size_categories": [size_category(sum(splits.values()))],
        "configs": configs,
        "dataset_info": infos if len(infos) > 1 else infos[0],
    }


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_card(
    *,
    name: str,
    version: str,
    schema: Schema,
    features: Features,
    report: Mapping[str, Any],
    per_split_labels: Mapping[str, Mapping[str, int]],
    per_split_relations: Mapping[str, Mapping[str, int]],
    guidelines_sha256: str,
    agreement: Mapping[str, Any] | None,
    annotators: int,
    license_id: str,
    changelog: str,
    split_bytes: Mapping[str, int] | None = None,
    split_by: str = "hash",
    corpus: Mapping[str, Any] | None = None,
    guidelines_name: str = "GUIDELINES.md",
    sentences: Mapping[str, Any] | None = None,
    campaign: CampaignFacts | None = None,
    annotator_rows: AnnotatorRows | None = None,
    figures: Sequence[tuple[str, str]] = (),
) -> str:
    splits = report["documents"]
    meta = card_metadata(
        name,
        schema,
        features,
        splits,
        license_id,
        split_bytes,
        sentences,
        annotator_rows,
        bool((report.get("annotated_types") or {}).get("relations")),
    )
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    present = [s for s in splits if splits[s]]
    split_rows = [
        (s, splits[s], sum(per_split_labels.get(s, {}).values()), sum(per_split_relations.get(s, {}).values()))
        for s in splits
    ]
    labels = sorted({lab for s in per_split_labels.values() for lab in s})
    rels = sorted({lab for s in per_split_relations.values() for lab in s})
    if agreement and agreement.get("documents"):
        o = agreement["overall"]

        def fig(m: str) -> str:
            ci, f1 = o[m]["ci95"], o[m]["f1_pooled"]
            if o[m].get("empty"):
                return "n/a (neither annotator marked any)"
            return f"{f1:.3f}" + (f" (95% CI {ci['low']:.3f}-{ci['high']:.3f})" if ci else "")

        where = " (the overlapping documents of the campaign; control tasks left out)" if campaign else ""
        agree = (
            f"Inter-annotator agreement on {agreement['documents']} doubly annotated documents{where}: span F1 exact "
            f"{fig('span_exact')}, overlap {fig('span_overlap')}, relation F1 {fig('relation')}; token Cohen's kappa "
            f"{_num(o['kappa'].get('mean_over_pairs'))}, Krippendorff's alpha (nominal) {_alpha(o)}."
        )
    else:
        agree = _annotation_sentence(report, annotators, agreement)
    agree += _campaign_sentence(campaign, int(report.get("documents_reviewed") or 0))
    rel_table = (
        "## Relation types\n\n"
        + _table(
            ["label", *present], [(lab, *(per_split_relations.get(s, {}).get(lab, 0) for s in present)) for lab in rels]
        )
        + "\n\n"
        if rels
        else ""
    )
    body = f"""
# {name} {version}

{intro(name, schema, corpus)}
Character offsets are Python code points, half-open `[start, end)`: `text[start:end]` is the
entity text. The token/BIO view (`tokens`, `token_starts`, `token_ends`, `ner_tags`) is derived
from the entities; nested entities are all in `entities` but only the outermost is in `ner_tags`.

```python
from datasets import load_dataset
ds = load_dataset("path/or/hub-id")          # or load_dataset("parquet", data_dir=".../data")
ds["{present[0] if present else "train"}"].features["ner_tags"].feature.names
sentences = load_dataset("path/or/hub-id", "sentences")   # one row per sentence
exact = load_dataset("OWNER/NAME", revision="v{version}")  # on the Hub: exactly this version (its tag)
```

{_sentences_text(sentences, corpus)}

## Splits

{_table(["split", "documents", "entities", "relations"], split_rows)}

{_splits_text(report, split_by, corpus)}

## Entity types

Types annotated: {", ".join(report.get("annotated_types", {}).get("entities", [])) or "-"} (a type not listed was
not annotated, so a model's predictions of it are not scored as errors).

{_table(["label", *present], [(lab, *(per_split_labels.get(s, {}).get(lab, 0) for s in present)) for lab in labels])}

{rel_table}## Annotation

{_annotation_text(corpus, agree, schema, guidelines_name, guidelines_sha256, report.get("schema_types_left_out") or {})}
{_provenance(report) if not corpus else "Texts: the corpus's own (a sentence's tokens joined by single spaces)."}
Tokens: {report["tokens"]}; entities whose boundaries fall inside a token: {len(report["misaligned"])}
(widened to token boundaries in the BIO view only); nested entities left out of the BIO view:
{report["nested_dropped_from_bio"]}.
{_annotator_rows_text(annotator_rows, corpus)}{_import_section(corpus)}{_figures_section(figures)}\
{_source_section(corpus)}
## Licence

{_licence_text(license_id, corpus)}

## Citation

{_citation(name, version, schema, corpus)}

## Changelog

{changelog}
"""
    return f"---\n{front}---\n{body}"


def _provenance(report: Mapping[str, Any]) -> str:
    """Where the documents' texts come from."""
    n = int(report.get("documents_from_gold_records") or 0)
    total = sum(report["documents"].values())
    if not n:
        return "Texts: the seed article store (cleaned pages with their provenance)."
    if n == total:
        return (
            f"Texts: all {n} documents come from the annotated records themselves (Label Studio tasks or corpus "
            "files, not ingested pages): text and task data as exported."
        )
    return (
        f"Texts: {total - n} documents from the seed article store; {n} from the annotated records themselves "
        "(text and task data as exported)."
    )


def _campaign_sentence(campaign: CampaignFacts | None, reviewed: int) -> str:
    """How the campaign was run, in the card: overlap, control scores as a range, the review round."""
    out = []
    if campaign is not None:
        k = f"{campaign.k} annotators each" if campaign.k else "several annotators each"
        out.append(
            f"Annotated in a Label Studio campaign by {campaign.annotators} annotators (pseudonymous): "
            f"{campaign.overlap_tasks} documents, a seeded random sample, by {k} and {campaign.single_tasks} by one."
        )
        if campaign.control_span_f1 is not None:
            lo, hi = campaign.control_span_f1
            out.append(
                f"Each annotator was also scored on {campaign.control_tasks} control tasks whose gold was known: "
                f"strict span F1 from {lo:.3f} to {hi:.3f} across the {campaign.annotators_scored} annotators "
                "scored; control tasks are not part of this release."
            )
    if reviewed:
        out.append(
            f"{reviewed} document{'s were' if reviewed != 1 else ' was'} decided in a review round (each such gold "
            "record names its reviewer, who agreed with the decision and what was overruled)."
        )
    return (" " + " ".join(out)) if out else ""


_COUNT_WORDS = {"0": "no annotator", "1": "one annotator", "2": "two annotators", "3": "three annotators"}


def _annotation_sentence(report: Mapping[str, Any], annotators: int, agreement: Mapping[str, Any] | None) -> str:
    """Who annotated what, from the data (``annotators_per_document`` of the build report)."""
    per_doc = report.get("annotators_per_document") or {}
    parts = [
        f"{n} document{'s' if n != 1 else ''} by {_COUNT_WORDS.get(k, f'{k} annotators')}"
        for k, n in sorted(per_doc.items(), key=lambda kv: kv[0])
        if k != "unknown"
    ]
    if per_doc.get("unknown"):
        parts.append(f"{per_doc['unknown']} documents with no record of their annotators (corpus or older gold files)")
    who = f"{annotators} annotator{'s' if annotators != 1 else ''} (pseudonymous Label Studio ids)"
    several = sum(n for k, n in per_doc.items() if k.isdigit() and int(k) >= 2)
    if several:
        tail = (
            f"{several} document{'s' if several != 1 else ''} had two or more annotators, but no agreement figures "
            "were given for this version (`toolkit annotations agree --json` and `dataset release --agreement`)."
        )
    else:
        tail = "No document was annotated twice, so **no agreement figure can be given** for this version."
    return f"Annotated by {who}: {'; '.join(parts) or 'counts not recorded'}. {tail}"


def intro(name: str, schema: Schema, corpus: Mapping[str, Any] | None) -> str:
    """The card's first paragraph: what the release is (also Croissant's ``description``)."""
    what = schema.description.rstrip(".") or f"Entities and relations ({schema.language})"
    if corpus:
        files = ", ".join(f"`{f['file']}`" for f in corpus.get("files", []))
        title = corpus.get("title") or name
        annotated = corpus.get("annotated_types") or {}
        entities = ", ".join(annotated.get("entities") or []) or "no"
        relations = ", ".join(annotated.get("relations") or [])
        what = f"{entities} entities" + (f" and {relations} relations" if relations else " (no relations)")
        what += f" in {schema.language} text"
        return (
            f"{title}: {what}. Imported from the corpus files {files} with "
            f"`toolkit corpus import-{corpus.get('format')}`; annotated by the corpus's creators"
            f"{' (see Source)' if corpus.get('source_text') else ''}, "
            "not in Label Studio."
        )
    return (
        f"{what}. Annotated in Label Studio with the `{schema.name}` schema {schema.schema_version} and "
        "adjudicated into one gold layer per document."
    )


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * float(x):.1f}%"


def _splits_text(report: Mapping[str, Any], split_by: str, corpus: Mapping[str, Any] | None) -> str:
    overlap = report.get("surface_overlap_with_train") or {}
    seen = ", ".join(f"{split} {_percent(v)}" for split, v in overlap.items() if v is not None) or "-"
    if split_by == "metadata":
        text = "The corpus's own splits, as its files name them"
        if corpus:
            two = corpus.get("in_two_splits", {}).get("units", [])
            dup = corpus.get("duplicates", {})
            text += (
                f"; {len(two)} texts occur in two splits (kept: {corpus.get('in_two_splits', {}).get('policy')}), "
                f"{len(dup.get('kept', []))} repeats within a split kept and {dup.get('merged', 0)} merged"
            )
        text += "."
    else:
        text = (
            "Splits are assigned per document by a seeded hash; near-duplicate documents (MinHash over word "
            f"3-shingles) share a split ({len(report['near_duplicate_groups'])} near-duplicate groups)."
        )
    return f"{text} Share of validation/test entity mentions whose text and type also occur in train: {seen}."


def _annotation_text(
    corpus: Mapping[str, Any] | None,
    agree: str,
    schema: Schema,
    guidelines_name: str,
    guidelines_sha256: str,
    left_out: Mapping[str, Sequence[str]],
) -> str:
    if corpus:
        text = (
            "Annotated by the corpus's creators; this release gives no inter-annotator agreement. "
            f"Conventions: `{guidelines_name}` (sha256 `{guidelines_sha256}`); "
            f"schema {schema.name} {schema.schema_version}"
        )
        if left_out:
            gone = "; ".join(f"{kind} {', '.join(types)}" for kind, types in left_out.items())
            text += f", restricted to the types this corpus annotates (left out of the ClassLabels: {gone})"
        return text + "."
    return (
        f"{agree}\nGuidelines: `{guidelines_name}` (sha256 `{guidelines_sha256}`); schema version "
        f"{schema.schema_version}.\nGold policy: an annotation marked ground truth wins, else the majority of "
        "annotators; every gold entity and relation lists the annotators who made it (`annotators`)."
    )


def _annotator_rows_text(rows: AnnotatorRows | None, corpus: Mapping[str, Any] | None) -> str:
    if corpus:
        return (
            "\nThe corpus publishes its gold only: this release has no per-annotator (`annotations`) configuration.\n"
        )
    if rows is None or not rows.total:
        return (
            "\nThis release carries the gold only: it was made without the annotators' layers (`dataset release "
            "--layers`), so it has no `annotations` configuration.\n"
        )
    splits = ", ".join(f"{s} {n}" for s, n in rows.rows.items())
    left = "; ".join(f"{n} {why}" for why, n in rows.left_out.items())
    return f"""
### Every annotator's layer

`load_dataset("path/or/hub-id", "annotations")` gives one row per document and annotator: {rows.total} row(s)
({splits}) by {rows.annotators} annotator(s) on {rows.documents} document(s), {rows.from_prediction} of them
started from a model's pre-annotation (`from_prediction`; each span's `origin` says whether it was kept,
changed or drawn by hand where Label Studio recorded it). Annotators are named `user:<Label Studio id>` only.
Rows of control tasks (documents with known gold used to score annotators, not released as gold) are in the
`control` split. The gold of the default configuration was adjudicated from these rows as said above; every
gold item lists the annotators who made it.{f" Left out: {left}." if left else ""}
"""


def _figures_section(figures: Sequence[tuple[str, str]]) -> str:
    if not figures:
        return ""
    return "\n## Figures\n\n" + "\n\n".join(f"![{caption}]({path})" for path, caption in figures) + "\n"


def _source_section(corpus: Mapping[str, Any] | None) -> str:
    if not corpus or not corpus.get("source_text"):
        return ""
    lines = str(corpus["source_text"]).strip().splitlines()
    if lines and lines[0].startswith("# "):  # the file's own title: the section has one
        lines = lines[1:]
    return "\n## Source\n\n" + "\n".join(lines).strip() + "\n"


def _import_section(corpus: Mapping[str, Any] | None) -> str:
    """What the corpus import changed: label maps, what it dropped, skipped, kept or ignored (from corpus.json)."""
    if not corpus:
        return ""
    items: list[str] = []
    for key, what in (("label_map", "Entity labels mapped"), ("relation_map", "Relation labels mapped")):
        mapping = corpus.get(key) or {}
        if mapping:
            shown = ", ".join(f"{old} -> {new or '(dropped)'}" for old, new in sorted(mapping.items()))
            items.append(f"{what}: {shown}.")
    dropped = corpus.get("dropped") or {}
    if dropped:
        items.append("Dropped by the label map: " + ", ".join(f"{n} {k}" for k, n in sorted(dropped.items())) + ".")
    skipped = (corpus.get("skipped") or {}).get("counts") or {}
    if skipped:
        shown = ", ".join(f"{n} {k}" for k, n in skipped.items())
        items.append(f"Left out as breaking the gold rules (--skip-invalid): {shown}.")
    ignored = corpus.get("ignored_lines") or {}
    if ignored:
        items.append("Lines of the source files ignored: " + ", ".join(f"{n} {k}" for k, n in ignored.items()) + ".")
    duplicates = corpus.get("duplicates") or {}
    kept, merged = len(duplicates.get("kept") or []), int(duplicates.get("merged") or 0)
    if kept or merged:
        items.append(f"Repeated texts within a split: {merged} merged, {kept} kept as published.")
    two = (corpus.get("in_two_splits") or {}).get("units") or []
    if two:
        items.append(f"Texts in two splits: {len(two)} ({(corpus.get('in_two_splits') or {}).get('policy')}).")
    if not items:
        return "\n## What the import changed\n\nNothing: every entity and relation of the corpus files is here.\n"
    listed = "\n".join(f"- {x}" for x in items)
    return (
        f"\n## What the import changed\n\n{listed}\n\nEach case is listed with its file and line in the import's "
        "`corpus.json`.\n"
    )


def _licence_text(license_id: str, corpus: Mapping[str, Any] | None) -> str:
    if corpus:
        stated = corpus.get("license")
        if not stated:
            return (
                "Not stated: the corpus import recorded no licence (`corpus import --license`). Find the corpus's own "
                "terms before using or redistributing it."
            )
        see = " (see Source)" if corpus.get("source_text") else ""
        return f"{stated}: the corpus's own licence{see}."
    return f"Annotations: {license_id}. Article texts remain the property of their publishers."


def release_bibtex(name: str, version: str, schema: Schema) -> str:
    """The BibTeX entry of a release (the card's and Croissant's ``citeAs``)."""
    return (
        f"@misc{{{name.replace('-', '_')}_{version.replace('.', '_')},\n"
        f"  title  = {{{name}, version {version}}},\n  year   = {{2026}},\n"
        f"  note   = {{Dataset version {version}, schema {schema.name} {schema.schema_version}}}\n}}"
    )


def _citation(name: str, version: str, schema: Schema, corpus: Mapping[str, Any] | None) -> str:
    ours = release_bibtex(name, version, schema)
    cited = str(corpus.get("citation") or "").strip() if corpus else ""
    if cited:
        return f"Cite the corpus:\n\n```bibtex\n{cited}\n```\n\nand this release:\n\n```bibtex\n{ours}\n```"
    return f"```bibtex\n{ours}\n```"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{float(x):.3f}"


def _alpha(overall: Mapping[str, Any]) -> str:
    a = overall.get("alpha") or {}
    ci = a.get("ci95")
    return _num(a.get("value")) + (f" (95% CI {ci['low']:.3f}-{ci['high']:.3f})" if ci else "")


def _sentences_text(sentences: Mapping[str, Any] | None, corpus: Mapping[str, Any] | None) -> str:
    if not sentences:
        return ""
    counts = ", ".join(f"{split} {n}" for split, n in sentences.get("sentences", {}).items())
    how = (
        "one per document (the corpus was annotated sentence by sentence)"
        if corpus and corpus.get("format") in ("conll", "spans")
        else "split by `toolkit.text.sentences` (never inside an entity)"
    )
    return (
        f"Configurations: `default`, one row per document; `sentences`, one row per sentence ({how}; {counts}), with "
        "`document_id`, `sentence_index`, `start`/`end` in the document, offsets relative to the sentence, and the "
        f"relations whose two arguments lie in it ({sentences.get('cross_sentence_relations', 0)} relations across "
        "sentences are in the document rows only)."
    )
