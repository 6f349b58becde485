"""Dataset features, declared once from the schema."""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from toolkit.schema import Schema


def dataset_features(schema: Schema) -> Features:
    """One row per document: text, metadata, tokens with offsets, BIO tags, entities and relations."""
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "outlet": Value("string"),
            "date": Value("string"),
            "source_file": Value("string"),
            "tokens": List(Value("string")),
            "token_starts": List(Value("int32")),
            "token_ends": List(Value("int32")),
            "ner_tags": List(ClassLabel(names=list(schema.bio_names()))),
            "entities": List(
                {
                    "id": Value("string"),
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "label": ClassLabel(names=list(schema.entity_labels)),
                    "text": Value("string"),
                    "annotators": List(Value("string")),
                }
            ),
            "relations": List(
                {
                    "id": Value("string"),
                    "head": Value("string"),
                    "tail": Value("string"),
                    "label": ClassLabel(names=list(schema.relation_labels)),
                    "annotators": List(Value("string")),
                }
            ),
        }
    )


def sentence_features(schema: Schema) -> Features:
    """One row per sentence (the ``sentences`` configuration): offsets relative to the sentence."""
    doc = dataset_features(schema)
    return Features(
        {
            "document_id": Value("string"),
            "sentence_index": Value("int32"),
            "start": Value("int32"),
            "end": Value("int32"),
            "text": Value("string"),
            "tokens": doc["tokens"],
            "token_starts": doc["token_starts"],
            "token_ends": doc["token_ends"],
            "ner_tags": doc["ner_tags"],
            "entities": doc["entities"],
            "relations": doc["relations"],
        }
    )
