"""External corpora in CoNLL/BIO format -> the canonical model.

One token per line (tab or space separated; the first column is the token, the last the tag,
columns between - POS and the like - are ignored), blank lines between sentences, optional
``-DOCSTART-`` lines, CRLF or LF. Tags in IOB2 or IOB1 (``--scheme``), mapped to the schema's
labels by a label map. Each sentence becomes a document whose text is the tokens joined by single
spaces, so every token has character offsets and the usual build and scoring path serves it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.model import Annotation, Document, Provenance, Span

SCHEMES = ("iob2", "iob1")
_TAG = re.compile(r"^(O|[BI]-\S+)$")


class CorpusError(ToolkitError):
    """A CoNLL file is malformed."""


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    line: int  # line number of the first token


def read_conll(path: Path) -> Iterator[Sentence]:
    """Sentences of a CoNLL file; errors name the file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 (byte {exc.start}); convert it first") from None
    tokens: list[str] = []
    tags: list[str] = []
    first = 0
    columns: int | None = None
    for lineno, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("-DOCSTART-"):
            if tokens:
                yield Sentence(tuple(tokens), tuple(tags), first)
                tokens, tags = [], []
            continue
        parts = stripped.split("\t") if "\t" in stripped else stripped.split()
        if len(parts) < 2:
            raise CorpusError(f"{path}, line {lineno}: {len(parts)} column(s) in {stripped!r}; expected TOKEN ... TAG")
        if columns is None:
            columns = len(parts)
        elif len(parts) != columns:
            raise CorpusError(f"{path}, line {lineno}: {len(parts)} columns where earlier lines have {columns}")
        tag = parts[-1]
        if not _TAG.match(tag):
            raise CorpusError(f"{path}, line {lineno}: tag {tag!r} is not O, B-X or I-X")
        if not tokens:
            first = lineno
        tokens.append(parts[0])
        tags.append(tag)
    if tokens:
        yield Sentence(tuple(tokens), tuple(tags), first)


def tags_to_token_spans(tags: tuple[str, ...], scheme: str, where: str) -> list[tuple[int, int, str]]:
    """Token spans ``[i, j)`` with labels. IOB2: an ``I-X`` must continue an ``X`` (else an error).
    IOB1: ``I-X`` continues or starts an ``X``; ``B-X`` only separates two adjacent ``X``."""
    if scheme not in SCHEMES:
        raise CorpusError(f"unknown scheme {scheme!r}; use one of {SCHEMES}")
    spans: list[tuple[int, int, str]] = []
    cur: list[int | str] | None = None
    for k, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "O":
            cur = None
            continue
        continues = cur is not None and cur[2] == label and cur[1] == k
        if prefix == "I" and not continues and scheme == "iob2":
            raise CorpusError(
                f"{where}: token {k + 1} has {tag} without a preceding B-{label} or I-{label} (IOB2); "
                "use --scheme iob1 if the file is IOB1"
            )
        if prefix == "B" or not continues:
            cur = [k, k + 1, label]
            spans.append((k, k + 1, label))
        else:
            assert cur is not None
            cur[1] = k + 1
            spans[-1] = (int(cur[0]), k + 1, label)
    return spans


def sentence_document(
    sentence: Sentence,
    doc_id: str,
    scheme: str,
    label_map: Mapping[str, str],
    where: str,
    metadata: Mapping[str, object],
    dropped: Counter[str] | None = None,
) -> tuple[Document, Annotation]:
    text = " ".join(sentence.tokens)
    starts, pos = [], 0
    for tok in sentence.tokens:
        starts.append(pos)
        pos += len(tok) + 1
    spans = []
    for n, (i, j, label) in enumerate(tags_to_token_spans(sentence.tags, scheme, where), 1):
        mapped = label_map.get(label, label)
        if not mapped:  # OLD= drops the label, counted
            if dropped is not None:
                dropped[label] += 1
            continue
        spans.append(Span(f"s{n}", starts[i], starts[j - 1] + len(sentence.tokens[j - 1]), mapped))
    offsets = [[a, a + len(tok)] for a, tok in zip(starts, sentence.tokens, strict=True)]
    doc = Document(doc_id, text, {**metadata, "token_offsets": offsets})
    layer = Annotation(doc_id, "gold", "", tuple(spans), (), Provenance(str(metadata.get("source_file", ""))), "gold")
    return doc, layer


def read_corpus(
    path: Path,
    *,
    split: str,
    scheme: str = "iob2",
    label_map: Mapping[str, str] | None = None,
    prefix: str | None = None,
    dropped: Counter[str] | None = None,
) -> list[tuple[Document, Annotation]]:
    """Every sentence of a CoNLL file as a (document, gold layer) pair; ``split`` goes into the metadata."""
    path = Path(path)
    prefix = prefix or path.stem
    out = []
    for n, sentence in enumerate(read_conll(path), 1):
        where = f"{path}, line {sentence.line}"
        meta = {
            "outlet": None,
            "date": None,
            "source": {"file": path.name, "line": sentence.line},
            "split": split,
            "source_file": path.name,
        }
        out.append(sentence_document(sentence, f"{prefix}-{n:05d}", scheme, label_map or {}, where, meta, dropped))
    return out


def split_of(path: Path) -> str:
    """train / validation / test from a file name (train.txt, dev.txt, test.conll, ...)."""
    stem = Path(path).stem.lower()
    for key, split in (("train", "train"), ("dev", "validation"), ("valid", "validation"), ("test", "test")):
        if key in stem:
            return split
    raise CorpusError(f"{path}: cannot tell its split from the name; name it train/dev/test or pass --split")


def _labels(golds: list[dict[str, Any]]) -> set[str]:
    return {str(s["label"]) for g in golds for s in g["gold"]["spans"]}


def write_corpus(
    paths: list[Path],
    out_dir: Path,
    *,
    scheme: str = "iob2",
    label_map: Mapping[str, str] | None = None,
    split: str | None = None,
) -> dict[str, object]:
    """Import CoNLL files as seed articles (``articles.jsonl``) and gold layers (``gold.jsonl``) under ``out_dir``."""
    from toolkit._io import atomic_write_text, jsonl_text
    from toolkit.model import layer_to_dict
    from toolkit.seeds import document_to_record

    records, golds = [], []
    counts: dict[str, dict[str, int]] = {}
    for path in paths:
        which = split or split_of(path)
        dropped: Counter[str] = Counter()
        pairs = read_corpus(path, split=which, scheme=scheme, label_map=label_map, dropped=dropped)
        c = counts.setdefault(which, {"documents": 0, "tokens": 0, "entities": 0, "entities_dropped": 0})
        c["entities_dropped"] += sum(dropped.values())
        for doc, layer in pairs:
            records.append(document_to_record(doc))
            golds.append(
                {
                    "document": {"id": doc.id, "text": doc.text, "metadata": {"split": which}},
                    "gold": layer_to_dict(layer),
                    "policy": "corpus",
                    "support": {"spans": {s.id: ["corpus"] for s in layer.spans}, "relations": {}},
                    "disagreements": [],
                }
            )
            c["documents"] += 1
            c["tokens"] += len(doc.metadata["token_offsets"])
            c["entities"] += len(layer.spans)
    labels = sorted(_labels(golds))
    annotated = {"entities": labels, "relations": []}
    for g in golds:
        g["annotated"] = annotated  # the corpus annotates its own types, not the whole schema
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise CorpusError("two input files share a name stem, so their sentence ids collide; rename one")
    atomic_write_text(Path(out_dir) / "articles.jsonl", jsonl_text(sorted(records, key=lambda r: r["id"])))
    atomic_write_text(Path(out_dir) / "gold.jsonl", jsonl_text(sorted(golds, key=lambda r: r["document"]["id"])))
    return {"out": str(out_dir), "splits": counts}
