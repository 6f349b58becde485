"""Immutable, versioned dataset releases: build, write, verify.

A release folder ``<releases>/<name>/<version>/`` holds ``data/<split>.parquet``, the card
``README.md``, ``CHANGELOG.md``, ``build_report.json`` and ``manifest.json`` (sha256 of every
other file, toolkit and schema versions, input checksums). It is built in a temporary folder and
renamed into place; an existing version is never changed: releasing it again with identical
content is a no-op, with different content an error. The same inputs give byte-identical files.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import (
    TEMP_SUFFIX,
    dumps,
    folders_removed_on_failure,
    loads,
    recover,
    sha256_bytes,
    sha256_file,
    store_lock,
    temp_prefix,
    write_failure,
)
from toolkit.dataset.annotator_rows import write_annotator_rows
from toolkit.dataset.build import (
    BuildReport,
    GoldIndex,
    SeedInfo,
    build_workers,
    index_gold,
    input_checksums,
    iter_batches,
    plan_for,
    seed_index,
)
from toolkit.dataset.card import intro, release_bibtex, render_card
from toolkit.dataset.croissant import FILE as CROISSANT
from toolkit.dataset.croissant import croissant_metadata
from toolkit.dataset.diff import changelog_entry, diff_releases
from toolkit.dataset.features import dataset_features
from toolkit.dataset.figures import write_figures
from toolkit.dataset.sentence_rows import write_sentence_splits
from toolkit.dataset.splits import SPLITS
from toolkit.errors import OutputError, ToolkitError
from toolkit.schema import Schema

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MANIFEST = "manifest.json"


DEFAULT_LICENSE = "cc-by-4.0"
"""The licence of a Label Studio project's annotations when the release names none."""


class ReleaseError(ToolkitError):
    """A release cannot be made or does not verify."""


@dataclass(frozen=True)
class ReleaseResult:
    path: Path
    status: str  # created | unchanged
    summary: dict[str, Any]


AGREEMENT_KEYS = ("span_exact", "span_overlap", "relation", "kappa")


@dataclass(frozen=True)
class CampaignFacts:
    """What a release card says of the campaign its gold came from (``toolkit ls status --json``)."""

    annotators: int
    k: int | None
    overlap_tasks: int
    single_tasks: int
    control_tasks: int
    control_span_f1: tuple[float, float] | None
    """The lowest and highest control span F1 over the annotators scored on control tasks."""
    annotators_scored: int


def load_campaign(path: Path) -> CampaignFacts:
    """The campaign facts of a ``toolkit ls status --json`` file; anything else is refused, naming what it is."""
    path = Path(path)
    how = "write it with `toolkit ls status --json > status.json`"
    try:
        data = loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReleaseError(f"{path}: cannot read the campaign status ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ReleaseError(f"{path}: not a campaign status (not UTF-8: {exc.reason}); {how}") from None
    except ValueError as exc:
        raise ReleaseError(f"{path}: not a campaign status (not JSON: {exc}); {how}") from None
    if not (
        isinstance(data, dict) and isinstance(data.get("project"), dict) and isinstance(data.get("annotators"), list)
    ):
        raise ReleaseError(
            f"{path}: not a campaign status (a JSON object with 'project' and 'annotators' expected); {how}"
        )
    try:
        project, annotators = data["project"], data["annotators"]
        scores = [a["control"]["span_f1"] for a in annotators if a["control"]["span_f1"] is not None]
        return CampaignFacts(
            len(annotators),
            project.get("k"),
            int(project["overlap_tasks"]),
            int(project["single_tasks"]),
            int(project["control_tasks"]),
            (float(min(scores)), float(max(scores))) if scores else None,
            len(scores),
        )
    except KeyError as exc:
        raise ReleaseError(f"{path}: not a campaign status (no field {exc} where one is needed); {how}") from None
    except (ValueError, TypeError) as exc:
        raise ReleaseError(f"{path}: not a campaign status (a field of the wrong kind: {exc}); {how}") from None


def load_agreement(path: Path) -> dict[str, Any]:
    """The output of ``toolkit annotations agree --json``, checked: anything else is refused, naming what it is."""
    path = Path(path)
    how = "write it with `toolkit annotations agree LAYERS --json > agreement.json`"
    try:
        data = loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReleaseError(f"{path}: cannot read the agreement file ({exc.strerror})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{path}: not JSON ({exc}); --agreement takes agreement figures: {how}") from None
    if isinstance(data, dict) and "counts" in data and "source_sha256" in data:
        raise ReleaseError(f"{path}: an import report (`annotations import`), not agreement figures; {how}")
    overall = data.get("overall") if isinstance(data, dict) else None
    if not isinstance(overall, dict) or not all(isinstance(overall.get(k), dict) for k in AGREEMENT_KEYS):
        raise ReleaseError(
            f"{path}: not agreement figures (expected 'documents' and 'overall' with "
            f"{', '.join(AGREEMENT_KEYS)}); {how}"
        )
    if not isinstance(data.get("documents"), int):
        raise ReleaseError(f"{path}: 'documents' must be the number of doubly annotated documents; {how}")
    return dict(data)


def check_name_version(name: str, version: str) -> None:
    if not NAME.match(name) or ".." in name:
        raise ReleaseError(f"dataset name {name!r} must be lower-case letters, digits, '.', '_' or '-' (no paths)")
    if not SEMVER.match(version):
        raise ReleaseError(f"version {version!r} is not semantic (MAJOR.MINOR.PATCH, e.g. 1.0.0)")


@dataclass(frozen=True)
class _Built:
    index: GoldIndex
    seeds: Mapping[str, SeedInfo]
    plan: Any
    report: BuildReport
    features: Any
    schema: Schema
    corpus: Mapping[str, Any] | None = None  # corpus.json beside the gold file of an imported corpus


def _build(
    schema: Schema,
    seeds_path: Path,
    gold_paths: Sequence[Path],
    inputs: Sequence[Path],
    ratios: Sequence[float],
    seed: int,
    split_by: str = "hash",
    pool: Any = None,
) -> _Built:
    seeds = seed_index(seeds_path)
    index = index_gold(gold_paths, seeds, pool=pool)
    if not index.where:
        given = ", ".join(str(p) for p in gold_paths) or "annotations/gold/ (no *.jsonl there)"
        raise ReleaseError(f"no gold documents in {given}; run `toolkit annotations gold` first")
    seeds = {**seeds, **index.from_gold}
    report = BuildReport()
    # the seed store is an input only if a document came from it
    used = [
        p
        for p in inputs
        if Path(p).exists() and (Path(p) != Path(seeds_path) or len(index.where) > len(index.from_gold))
    ]
    report.inputs = input_checksums(used)
    report.documents_from_gold_records = len(index.from_gold)
    corpus = _corpus_info(gold_paths)
    if corpus is not None:  # the corpus files, with their checksums, are inputs too
        report.inputs = [{"file": f["file"], "sha256": f["sha256"]} for f in corpus.get("files", [])] + report.inputs
        schema = _corpus_schema(schema, corpus, report)
    return _Built(
        index, seeds, plan_for(index, seeds, ratios, seed, split_by), report, dataset_features(schema), schema, corpus
    )


def _corpus_schema(schema: Schema, corpus: Mapping[str, Any], report: BuildReport) -> Schema:
    """The schema a corpus's release declares: the given one restricted to the types the corpus annotates (as its
    import recorded them), so its ClassLabels never list a type the corpus has none of; what is left out is
    recorded in the build report and named in the card."""
    annotated = corpus.get("annotated_types")
    if not isinstance(annotated, dict) or not annotated.get("entities"):
        return schema
    narrowed = schema.restricted_to(annotated.get("entities") or (), annotated.get("relations") or ())
    left = {
        "entities": [t for t in schema.entity_labels if t not in narrowed.entity_labels],
        "relations": [t for t in schema.relation_labels if t not in narrowed.relation_labels],
    }
    report.schema_types_left_out = {kind: types for kind, types in left.items() if types}
    return narrowed


def _corpus_info(gold_paths: Sequence[Path]) -> dict[str, Any] | None:
    """``corpus.json`` beside the (first) gold file, as ``corpus import-*`` writes it."""
    if not gold_paths:
        return None
    path = Path(gold_paths[0]).parent / "corpus.json"
    if not path.is_file():
        return None
    try:
        data = loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{path}: not a corpus description ({exc}); import the corpus again") from None
    return data if isinstance(data, dict) else None


def _temp_dir_beside(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), suffix=TEMP_SUFFIX, dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot write under {target.parent}: {exc.strerror}; choose another folder") from exc


def _write_splits(tmp: Path, built: _Built, pool: Any = None, batch: int = 1000) -> tuple[set[str], dict[str, int]]:
    """Stream the rows into one parquet file per split, ``batch`` rows at a time (memory stays flat).

    Returns the annotators who support any gold span, and the Arrow size of each split in bytes (the
    ``num_bytes`` of the card's split info).
    """
    import pyarrow.parquet as pq

    (tmp / "data").mkdir()
    schema = built.features.arrow_schema
    writers: dict[str, Any] = {}
    annotators: set[str] = set()
    sizes: dict[str, int] = {}
    try:
        batches = iter_batches(built.index, built.seeds, built.schema, built.plan, built.report, schema, batch, pool)
        for split, record_batch in batches:
            if split not in writers:
                writers[split] = pq.ParquetWriter(
                    tmp / "data" / f"{split}.parquet", schema, compression="zstd", write_statistics=False
                )
            writers[split].write_batch(record_batch)
            sizes[split] = sizes.get(split, 0) + int(record_batch.nbytes)
            annotators.update(
                record_batch.column("entities").flatten().field("annotators").flatten().unique().to_pylist()
            )
    finally:
        for writer in writers.values():
            writer.close()
    return annotators, sizes


def release(
    *,
    name: str,
    version: str,
    schema: Schema,
    seeds_path: Path,
    gold_paths: Sequence[Path],
    snapshot_paths: Sequence[Path] = (),
    guidelines_path: Path,
    releases_dir: Path = Path("releases"),
    ratios: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    license_id: str | None = None,
    previous: Path | None = None,
    agreement: Mapping[str, Any] | None = None,
    split_by: str = "hash",
    campaign: CampaignFacts | None = None,
    layers_paths: Sequence[Path] = (),
) -> ReleaseResult:
    """Build and write a release (see the module docstring). ``layers_paths``: the layers files the gold was
    adjudicated from, published as the ``annotations`` configuration (every annotator's own layer)."""
    check_name_version(name, version)
    if not Path(guidelines_path).is_file():
        raise ReleaseError(
            f"{guidelines_path}: no annotation guidelines there (the card names them and records their sha256); "
            "pass --guidelines PATH"
        )
    with build_workers(gold_paths) as pool:
        built = _build(
            schema,
            seeds_path,
            gold_paths,
            [seeds_path, *gold_paths, *snapshot_paths, *layers_paths],
            ratios,
            seed,
            split_by,
            pool,
        )
        target = Path(releases_dir) / name / version
        # one release of a name at a time; what a killed release of this version left is removed first
        with folders_removed_on_failure(target.parent), store_lock(target.parent):
            recover(target.parent, f".{version}.")
            return _write_release(
                built,
                target,
                name,
                version,
                previous,
                agreement,
                guidelines_path,
                license_id,
                ratios,
                seed,
                split_by,
                pool,
                campaign,
                layers_paths,
            )


def _write_release(
    built: _Built,
    target: Path,
    name: str,
    version: str,
    previous: Path | None,
    agreement: Mapping[str, Any] | None,
    guidelines_path: Path,
    license_id: str | None,
    ratios: Sequence[float],
    seed: int,
    split_by: str,
    pool: Any,
    campaign: CampaignFacts | None = None,
    layers_paths: Sequence[Path] = (),
) -> ReleaseResult:
    from toolkit import __version__

    report, features, schema = built.report, built.features, built.schema
    # the Hub's licence field: what the user declared; else the annotations' default for a Label Studio project,
    # and "unknown" for a corpus (its own licence, if the import recorded one, is stated in the card's text)
    license_id = license_id or ("unknown" if built.corpus else DEFAULT_LICENSE)
    tmp = _temp_dir_beside(target)
    try:
        annotators, sizes = _write_splits(tmp, built, pool)
        rows = write_annotator_rows(tmp, layers_paths, built.plan.assignment, schema) if layers_paths else None
        one_per_document = bool(built.corpus and built.corpus.get("format") in ("conll", "spans"))
        sentence_stats = write_sentence_splits(tmp, schema, one_per_document)
        (tmp / "sentences").chmod(0o755)
        per_split_labels: dict[str, dict[str, int]] = {}
        per_split_rels: dict[str, dict[str, int]] = {}
        for split in SPLITS:
            per_split_labels[split] = dict(sorted(report.per_split_entities.get(split, {}).items()))
            per_split_rels[split] = dict(sorted(report.per_split_relations.get(split, {}).items()))
        diff = diff_releases(previous, tmp) if previous else None
        entry = changelog_entry(version, diff, f"{previous.name}" if previous else None)
        older = (previous / "CHANGELOG.md").read_text(encoding="utf-8") if previous else ""
        changelog = entry + ("\n" + older if older else "")
        (tmp / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
        if diff is not None:
            (tmp / "diff.json").write_text(dumps(diff, indent=1) + "\n", encoding="utf-8")
        report_dict = report.to_dict()
        (tmp / "build_report.json").write_text(dumps(report_dict, indent=1) + "\n", encoding="utf-8")
        guidelines_sha = sha256_file(guidelines_path)
        figures = write_figures(
            tmp,
            per_split_labels=per_split_labels,
            per_split_relations=per_split_rels,
            agreement=agreement,
            entity_labels=schema.entity_labels,
        )
        card = render_card(
            name=name,
            version=version,
            schema=schema,
            features=features,
            report=report_dict,
            per_split_labels=per_split_labels,
            per_split_relations=per_split_rels,
            guidelines_sha256=guidelines_sha,
            agreement=agreement,
            annotators=len(annotators),
            license_id=license_id,
            split_bytes=sizes,
            changelog=changelog,
            split_by=split_by,
            corpus=built.corpus,
            sentences=sentence_stats,
            guidelines_name=Path(guidelines_path).name,
            campaign=campaign,
            annotator_rows=rows,
            figures=figures,
        )
        (tmp / "README.md").write_text(card, encoding="utf-8")
        croissant = croissant_metadata(
            name=name,
            version=version,
            description=intro(name, schema, built.corpus),
            schema=schema,
            license_id=license_id,
            citation=release_bibtex(name, version, schema),
            corpus=built.corpus,
            guidelines_name=Path(guidelines_path).name,
            guidelines_sha256=guidelines_sha,
            documents=report.documents,
            annotators=len(annotators),
            annotator_rows=rows,
            agreement_documents=int(agreement.get("documents") or 0) if agreement else 0,
            has_sentences=bool(sentence_stats),
        )
        (tmp / CROISSANT).write_text(dumps(croissant, indent=1) + "\n", encoding="utf-8")
        manifest = {
            "name": name,
            "version": version,
            "toolkit_version": __version__,
            "schema": {"name": schema.name, "version": schema.schema_version},
            "guidelines_sha256": guidelines_sha,
            "split": {"by": split_by, "ratios": list(ratios), "seed": seed},
            "inputs": report.inputs,
            "annotated_types": report.annotated_types,
            "files": {str(p.relative_to(tmp)): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()},
        }
        (tmp / MANIFEST).write_text(dumps(manifest, indent=1) + "\n", encoding="utf-8")
        summary = {
            "documents": report.documents,
            "entities": sum(report.entities.values()),
            "relations": sum(report.relations.values()),
            "misaligned": len(report.misaligned),
            "nested_dropped_from_bio": report.nested_dropped_from_bio,
            "annotators": len(annotators),
            "agreement": bool(agreement and agreement.get("documents")),
            "annotator_rows": rows.total if rows else 0,
            "figures": len(figures),
        }
        if target.exists():
            if _same_tree(tmp, target):
                return ReleaseResult(target, "unchanged", summary)
            raise ReleaseError(
                f"{target} already exists with different content; releases are immutable: release a new version"
            )
        for folder in (tmp, *(p for p in tmp.iterdir() if p.is_dir())):
            folder.chmod(0o755)  # mkdtemp makes 0700 folders; a release is for everyone to read
        tmp.rename(target)
        return ReleaseResult(target, "created", summary)
    except OSError as exc:
        raise write_failure(target, exc) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def _same_tree(a: Path, b: Path) -> bool:
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    return files_a == files_b and all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def verify(path: Path) -> dict[str, Any]:
    """Check a release folder against its manifest; raises :class:`ReleaseError` listing every mismatch."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        listed: dict[str, str] = manifest["files"]
    except (OSError, ValueError, KeyError) as exc:
        raise ReleaseError(f"{path}: no readable {MANIFEST} ({exc}); is this a release folder?") from None
    problems = []
    for rel, digest in sorted(listed.items()):
        f = path / rel
        if not f.is_file():
            problems.append(f"{rel}: missing")
        elif sha256_file(f) != digest:
            problems.append(f"{rel}: sha256 differs from the manifest")
    present = {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()} - {MANIFEST}
    problems += [f"{extra}: not in the manifest" for extra in sorted(present - set(listed))]
    if problems:
        raise ReleaseError(f"{path}: does not match its manifest: " + "; ".join(problems))
    return {"path": str(path), "files": len(listed), "manifest_sha256": sha256_bytes((path / MANIFEST).read_bytes())}


def build_draft(
    *,
    schema: Schema,
    seeds_path: Path,
    gold_paths: Sequence[Path],
    out_dir: Path,
    ratios: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    split_by: str = "hash",
) -> dict[str, Any]:
    """``toolkit dataset build``: the splits as parquet plus the build report, replacing ``out_dir``."""
    with build_workers(gold_paths) as pool:
        built = _build(schema, seeds_path, gold_paths, [seeds_path, *gold_paths], ratios, seed, split_by, pool)
        report = built.report
        out_dir = Path(out_dir)
        with store_lock(out_dir):
            recover(out_dir.parent, f".{out_dir.name}.")
            tmp = _temp_dir_beside(out_dir)
            try:
                _write_splits(tmp, built, pool)
                (tmp / "build_report.json").write_text(dumps(report.to_dict(), indent=1) + "\n", encoding="utf-8")
                if out_dir.exists():  # the old build moves aside first: the folder is the old one or the new one
                    old = out_dir.parent / f"{temp_prefix(out_dir.name)}replaced{TEMP_SUFFIX}"
                    out_dir.rename(old)
                    tmp.rename(out_dir)
                    shutil.rmtree(old)
                else:
                    tmp.rename(out_dir)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp)
        return report.to_dict()
