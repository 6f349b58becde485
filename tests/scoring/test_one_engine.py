"""One engine: for any two layers A and B, ``agree`` (A vs B) and ``score`` (A as gold, B as predictions)
give the same entity and relation figures, to the last digit, empty cases included; token kappa equals
scikit-learn's."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from tests.conftest import REPO
from toolkit.annotations.agreement import agreement
from toolkit.benchmarks.score import score_files
from toolkit.cli import main
from toolkit.model import Document, Layer, Provenance, Relation, Span, layer_to_dict
from toolkit.predictions import write_predictions
from toolkit.schema import Schema
from toolkit.scoring.entities import ents_of
from toolkit.scoring.kappa import confusion, kappa_of, token_label_ids
from toolkit.text.tokens import token_columns

TEXT = "Menteri Retno Marsudi bertemu Presiden Joko Widodo di Istana Merdeka Jakarta pada Senin pagi ini."
WORDS = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", TEXT)]
LABELS = ["PER", "ORG", "GPE", "ROLE", "DATE"]
RELATIONS = {("PER", "ROLE"): "has_role", ("PER", "ORG"): "works_for", ("ORG", "GPE"): "located_in"}


@st.composite
def layers(draw: st.DrawFn, who: str, doc: str) -> Layer:
    """Non-overlapping spans on word boundaries, and schema-valid relations between them."""
    n = draw(st.integers(0, 6))
    cuts = sorted(draw(st.sets(st.integers(0, len(WORDS) - 1), min_size=0, max_size=2 * n)))
    spans = []
    for i in range(0, len(cuts) - 1, 2):
        a, b = WORDS[cuts[i]][0], WORDS[cuts[i + 1]][1]
        spans.append(Span(f"{who}{i}", a, b, draw(st.sampled_from(LABELS))))
    rels = []
    for h in spans:
        for t in spans:
            label = RELATIONS.get((h.label, t.label))
            if label and h.id != t.id and draw(st.booleans()):
                rels.append(Relation(f"r{len(rels)}", h.id, t.id, label))
    return Layer(doc, who, "", tuple(spans), tuple(rels), Provenance("test"))


def _gold_file(path: Path, layers_by_doc: list[Layer]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for layer in layers_by_doc:
            rec = {
                "document": {"id": layer.document_id, "text": TEXT, "metadata": {}},
                "gold": layer_to_dict(layer),
                "policy": "test",
                "support": {},
                "disagreements": [],
            }
            fh.write(json.dumps(rec) + "\n")


def _compare(agree: dict[str, Any], score: dict[str, Any]) -> None:
    for measure, (kind, mode) in {
        "span_exact": ("entities", "strict"),
        "span_overlap": ("entities", "ent_type"),
        "relation": ("relations", "strict"),
    }.items():
        block = score[kind][mode]
        assert agree["overall"][measure]["f1_pooled"] == block["micro"]["f1"], measure
        assert agree["overall"][measure]["precision_pooled"] == block["micro"]["precision"], measure
        assert agree["overall"][measure]["recall_pooled"] == block["micro"]["recall"], measure
        assert agree["overall"][measure]["ci95"] == block["ci95"], measure
        for label, row in block["per_label"].items():
            assert agree["per_label"][label][f"{measure}_f1"] == row["f1"], (measure, label)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), n_docs=st.integers(1, 4))
def test_agree_equals_score_for_any_two_layers(
    data: st.DataObject, n_docs: int, schema: Schema, tmp_path: Path
) -> None:
    docs = [f"d{i}" for i in range(n_docs)]
    a = [data.draw(layers("user:1", d)) for d in docs]
    b = [data.draw(layers("user:2", d)) for d in docs]
    report = agreement([(Document(d, TEXT), [x, y]) for d, x, y in zip(docs, a, b, strict=True)], schema, resamples=50)
    _gold_file(tmp_path / "a.jsonl", a)
    write_predictions(
        [Layer(x.document_id, "b", "", x.spans, x.relations, x.provenance, "prediction") for x in b],
        tmp_path / "b.jsonl",
    )
    scored = score_files(tmp_path / "a.jsonl", tmp_path / "b.jsonl", schema, resamples=50).to_json_dict()
    _compare(report.to_dict(), scored)


def test_no_relations_anywhere_is_the_same_empty_score_in_both(schema: Schema, tmp_path: Path) -> None:
    """The old disagreement: agree said relation F1 1.0 and score 0.0 when nobody drew a relation."""
    a = Layer("d0", "user:1", "", (Span("s", 0, 7, "ROLE"),), (), Provenance("t"))
    b = Layer("d0", "user:2", "", (Span("s", 0, 7, "ROLE"),), (), Provenance("t"))
    report = agreement([(Document("d0", TEXT), [a, b])], schema).to_dict()
    _gold_file(tmp_path / "a.jsonl", [a])
    write_predictions([Layer("d0", "b", "", b.spans, (), b.provenance, "prediction")], tmp_path / "b.jsonl")
    scored = score_files(tmp_path / "a.jsonl", tmp_path / "b.jsonl", schema).to_json_dict()
    assert report["overall"]["relation"]["f1_pooled"] == scored["relations"]["strict"]["micro"]["f1"] == 0.0
    assert scored["relations"]["strict"]["micro"]["empty"] is True
    assert report["overall"]["relation"]["empty"] is True  # flagged as score flags it, and shown as n/a
    _compare(report, scored)


def test_two_annotators_who_marked_nothing_read_n_a_not_zero(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    with (tmp_path / "layers.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(3):
            empty = [layer_to_dict(Layer(f"d{i}", f"user:{u}", "", (), (), Provenance("t"))) for u in (1, 2)]
            fh.write(json.dumps({"document": {"id": f"d{i}", "text": TEXT, "metadata": {}}, "layers": empty}) + "\n")
    schema_file = str(Path(__file__).resolve().parents[2] / "schemas" / "schema.yaml")
    result = CliRunner().invoke(main, ["annotations", "agree", str(tmp_path / "layers.jsonl"), "--schema", schema_file])
    assert result.exit_code == 0, result.output
    exact = next(line for line in result.output.splitlines() if line.startswith("span_exact"))
    assert "n/a" in exact and "neither annotator marked any" in exact and "0.000" not in exact
    zero = CliRunner().invoke(
        main, ["annotations", "agree", str(tmp_path / "layers.jsonl"), "--schema", schema_file, "--resamples", "0"]
    )
    assert "needs 2+ documents" not in zero.output


def test_agree_and_score_commands_agree(schema: Schema, tmp_path: Path) -> None:
    """The same through the CLI: a layers file for agree, its two annotators as gold and predictions for score."""
    rng = random.Random(5)
    docs, a_layers, b_layers = [], [], []
    for i in range(8):
        spans_a, spans_b = [], []
        for k, (s, e) in enumerate(WORDS):
            if rng.random() < 0.3:
                label = rng.choice(LABELS)
                spans_a.append(Span(f"a{k}", s, e, label))
                if rng.random() < 0.8:
                    spans_b.append(Span(f"b{k}", s, e, label if rng.random() < 0.8 else rng.choice(LABELS)))
        a = Layer(f"d{i}", "user:1", "", tuple(spans_a), (), Provenance("t", task_id=i, annotation_id=1))
        b = Layer(f"d{i}", "user:2", "", tuple(spans_b), (), Provenance("t", task_id=i, annotation_id=2))
        docs.append(Document(f"d{i}", TEXT))
        a_layers.append(a)
        b_layers.append(b)
    with (tmp_path / "layers.jsonl").open("w", encoding="utf-8") as fh:
        for d, a, b in zip(docs, a_layers, b_layers, strict=True):
            fh.write(
                json.dumps(
                    {
                        "document": {"id": d.id, "text": TEXT, "metadata": {}},
                        "layers": [layer_to_dict(a), layer_to_dict(b)],
                    }
                )
                + "\n"
            )
    _gold_file(tmp_path / "a.jsonl", a_layers)
    _gold_file(tmp_path / "b.jsonl", b_layers)
    schema_arg = ["--schema", str(REPO / "schemas" / "schema.yaml")]
    agree = CliRunner().invoke(main, ["annotations", "agree", str(tmp_path / "layers.jsonl"), "--json", *schema_arg])
    score = CliRunner().invoke(
        main, ["score", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--json", *schema_arg]
    )
    assert agree.exit_code == 0, agree.output
    assert score.exit_code == 0, score.output
    _compare(json.loads(agree.output), json.loads(score.output))


def test_kappa_equals_scikit_learn_on_real_text(repo: Path) -> None:
    """Token kappa from confusion matrices equals cohen_kappa_score over the same tokens, to the last digit."""
    from toolkit.formats.conll import read_corpus

    pairs = read_corpus(repo / "benchmarks" / "data" / "idner-news-2k" / "dev.txt", split="validation")
    rng = random.Random(0)
    label_ids = {"PER": 1, "ORG": 2, "LOC": 3}
    a_all: list[int] = []
    b_all: list[int] = []
    total = np.zeros(16, dtype=np.int64)
    for doc, gold in pairs:
        other = [
            Span(s.id, s.start, s.end, rng.choice(list(label_ids)) if rng.random() < 0.2 else s.label)
            for s in gold.spans
            if rng.random() < 0.9
        ]
        _, starts, ends = token_columns(doc.text)
        ta = token_label_ids(starts, ends, ents_of(gold.spans), label_ids)
        tb = token_label_ids(starts, ends, ents_of(other), label_ids)
        total += confusion(ta, tb, 4)
        a_all += ta.tolist()
        b_all += tb.tolist()
    assert float(kappa_of(total, 4)) == float(cohen_kappa_score(a_all, b_all))


def test_scoring_is_a_pure_engine_at_the_bottom() -> None:
    """``import toolkit.scoring`` loads only the model, the schema and numpy of what lies outside it; agreement
    and score files (above it) load neither Label Studio nor ``datasets``."""
    import subprocess
    import sys

    code = (
        "import sys, toolkit.scoring; print(sorted(m for m in sys.modules if m.startswith('toolkit.') and "
        "not m.startswith('toolkit.scoring')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['toolkit._gc', 'toolkit.errors', 'toolkit.model', 'toolkit.schema']"
    code = (
        "import sys, toolkit.annotations.agreement, toolkit.benchmarks.score; print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('datasets', 'label_studio_sdk')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_alpha_equals_the_krippendorff_package_with_two_and_three_annotators(repo: Path) -> None:
    """Nominal alpha over tokens from coincidence matrices equals krippendorff.alpha on the same reliability data;
    documents annotated by two of three annotators included (missing values)."""
    import krippendorff

    from toolkit.formats.conll import read_corpus
    from toolkit.scoring.kappa import alpha_of, coincidences, one_label

    pairs = read_corpus(repo / "benchmarks" / "data" / "idner-news-2k" / "dev.txt", split="validation")[:150]
    rng = random.Random(1)
    label_ids = {"PER": 1, "ORG": 2, "LOC": 3}
    rows: list[list[float]] = [[], [], []]
    sums, counts = [], []
    for n, (doc, gold) in enumerate(pairs):
        _, starts, ends = token_columns(doc.text)
        layers = []
        for _ in range(3):
            spans = [
                Span(s.id, s.start, s.end, rng.choice(list(label_ids)) if rng.random() < 0.2 else s.label)
                for s in gold.spans
                if rng.random() < 0.9
            ]
            layers.append(token_label_ids(starts, ends, ents_of(spans), label_ids))
        who = [0, 1, 2] if n % 3 else [0, 1]  # every third document by two annotators only
        total = np.zeros(16)
        for a in range(len(who)):
            for b in range(a + 1, len(who)):
                total += confusion(layers[who[a]], layers[who[b]], 4)
        sums.append(total)
        counts.append(len(who))
        for r in range(3):
            rows[r] += layers[r].tolist() if r in who else [np.nan] * len(starts)
    coinc = coincidences(np.array(sums), np.array(counts), 4).sum(axis=0)
    expected = krippendorff.alpha(reliability_data=np.array(rows), level_of_measurement="nominal")
    assert float(alpha_of(coinc, 4)) == pytest.approx(expected, abs=1e-12)
    binary = [[np.nan if np.isnan(v) else float(v == 1) for v in row] for row in rows]  # PER against the rest
    per = krippendorff.alpha(reliability_data=np.array(binary), level_of_measurement="nominal")
    assert float(alpha_of(one_label(coinc, 4, 1), 2)) == pytest.approx(per, abs=1e-12)
