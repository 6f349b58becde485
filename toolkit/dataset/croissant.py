"""``croissant.json``: the release described in MLCommons Croissant (JSON-LD), from the same facts as the card.

One record set per configuration (``default``, ``sentences``, ``annotations`` where present), each reading its
folder's parquet files, with the split taken from the file name; entity and relation labels are indices into
the ``entity_types`` and ``relation_types`` record sets (inline, from the schema). The Responsible-AI fields that
apply are filled from what the toolkit knows: how the texts were collected, the annotation protocol and platform,
annotators in aggregate (pseudonymous, no demographics collected), pre-annotation tools, personal information.
Nothing here varies between two runs on the same inputs (no dates, no local paths). The tests validate the file
with ``mlcroissant`` and read every record set back through it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from toolkit.dataset.annotator_rows import CONFIG, FOLDER, AnnotatorRows
from toolkit.schema import Schema

FILE = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The Croissant 1.0 context, as the specification (and ``mlcroissant``) writes it."""

TEXT, INTEGER, BOOLEAN = "sc:Text", "sc:Integer", "sc:Boolean"
_DOC_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("id", TEXT, False),
    ("text", TEXT, False),
    ("outlet", TEXT, False),
    ("date", TEXT, False),
    ("source_file", TEXT, False),
    ("tokens", TEXT, True),
    ("token_starts", INTEGER, True),
    ("token_ends", INTEGER, True),
    ("ner_tags", INTEGER, True),
)
_SENTENCE_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("document_id", TEXT, False),
    ("sentence_index", INTEGER, False),
    ("start", INTEGER, False),
    ("end", INTEGER, False),
    ("text", TEXT, False),
    ("tokens", TEXT, True),
    ("ner_tags", INTEGER, True),
)
_ANNOTATION_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("document_id", TEXT, False),
    ("text", TEXT, False),
    ("annotator", TEXT, False),
    ("from_prediction", BOOLEAN, False),
    ("ground_truth", BOOLEAN, False),
    ("control", BOOLEAN, False),
)
_ENTITY_SUB = (("id", TEXT), ("start", INTEGER), ("end", INTEGER), ("label", INTEGER), ("text", TEXT))
_RELATION_SUB = (("id", TEXT), ("head", TEXT), ("tail", TEXT), ("label", INTEGER))
_DESCRIPTIONS = {
    "ner_tags": "BIO tags of the tokens, as indices into the schema's BIO names (see the card)",
    "label": "index into the types of the schema (the entity_types or relation_types record set)",
    "start": "character offset (Python code points, half-open)",
    "end": "character offset (Python code points, half-open: text[start:end])",
    "split": "train, validation, test (or control: the annotations of control tasks)",
    "annotator": "pseudonymous Label Studio user id (user:<id>)",
}


def _source(file_set: str, column: str, json_path: str | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if json_path is not None:
        source["transform"] = {"jsonPath": json_path}
    return source


def _field(record_set: str, name: str, data_type: str, file_set: str, array: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"@type": "cr:Field", "@id": f"{record_set}/{name}", "name": name}
    if name in _DESCRIPTIONS:
        field["description"] = _DESCRIPTIONS[name]
    if array:
        field["cr:arrayShape"] = "-1"
        field["cr:isArray"] = True
    field["dataType"] = data_type
    field["source"] = _source(file_set, name)
    return field


def _nested(record_set: str, name: str, subs: Sequence[tuple[str, str]], file_set: str) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{record_set}/{name}",
        "name": name,
        "cr:arrayShape": "-1",
        "cr:isArray": True,
        "subField": [
            {
                "@type": "cr:Field",
                "@id": f"{record_set}/{name}/{sub}",
                "name": sub,
                **({"description": _DESCRIPTIONS[sub]} if sub in _DESCRIPTIONS else {}),
                "dataType": data_type,
                "source": _source(file_set, name, sub),
            }
            for sub, data_type in subs
        ],
    }


def _split_field(record_set: str, file_set: str) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{record_set}/split",
        "name": "split",
        "description": _DESCRIPTIONS["split"],
        "dataType": TEXT,
        "source": {
            "fileSet": {"@id": file_set},
            "extract": {"fileProperty": "filename"},
            "transform": {"regex": "^(.*)\\.parquet$"},
        },
    }


def _record_set(
    name: str, description: str, folder: str, fields: Sequence[tuple[str, str, bool]], relations: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    file_set = f"{name}-files"
    files = {
        "@type": "cr:FileSet",
        "@id": file_set,
        "name": file_set,
        "description": f"the parquet files of the {name} configuration, one per split",
        "encodingFormat": "application/x-parquet",
        "includes": f"{folder}/*.parquet",
    }
    columns = [_split_field(name, file_set)]
    columns += [_field(name, f, t, file_set, array) for f, t, array in fields]
    entity_column = "spans" if name == CONFIG else "entities"
    entity_subs = (*_ENTITY_SUB, ("origin", TEXT)) if name == CONFIG else _ENTITY_SUB
    columns.append(_nested(name, entity_column, entity_subs, file_set))
    if relations:
        columns.append(_nested(name, "relations", _RELATION_SUB, file_set))
    record_set = {"@type": "cr:RecordSet", "@id": name, "name": name, "description": description, "field": columns}
    return files, record_set


def _types(name: str, labels: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": "the schema's types; a label field holds the index of one of them",
        "key": {"@id": f"{name}/index"},
        "field": [
            {"@type": "cr:Field", "@id": f"{name}/index", "name": "index", "dataType": INTEGER},
            {"@type": "cr:Field", "@id": f"{name}/label", "name": "label", "dataType": TEXT},
            {"@type": "cr:Field", "@id": f"{name}/definition", "name": "definition", "dataType": TEXT},
        ],
        "data": [
            {f"{name}/index": k, f"{name}/label": label, f"{name}/definition": definition}
            for k, (label, definition) in enumerate(labels)
        ],
    }


def croissant_metadata(
    *,
    name: str,
    version: str,
    description: str,
    schema: Schema,
    license_id: str,
    citation: str,
    corpus: Mapping[str, Any] | None,
    guidelines_name: str,
    guidelines_sha256: str,
    documents: Mapping[str, int],
    annotators: int,
    annotator_rows: AnnotatorRows | None,
    agreement_documents: int,
    has_sentences: bool,
) -> dict[str, Any]:
    """The Croissant JSON-LD of a release (see the module docstring)."""
    total = sum(documents.values())
    files: list[dict[str, Any]] = []
    record_sets: list[dict[str, Any]] = [
        _types("entity_types", [(e.label, e.definition) for e in schema.entities]),
        _types("relation_types", [(r.label, r.definition) for r in schema.relations]),
    ]
    configs = [("default", "one row per document: text, tokens, BIO tags, entities and relations", "data", _DOC_FIELDS)]
    if has_sentences:
        configs.append(
            ("sentences", "one row per sentence, offsets relative to the sentence", "sentences", _SENTENCE_FIELDS)
        )
    if annotator_rows is not None and annotator_rows.total:
        configs.append(
            (CONFIG, "one row per document and annotator: that annotator's own layer", FOLDER, _ANNOTATION_FIELDS)
        )
    for config, text, folder, fields in configs:
        file_set, record_set = _record_set(config, text, folder, fields, relations=True)
        files.append(file_set)
        record_sets.append(record_set)
    if corpus:
        collection = (
            f"Imported from the published corpus {corpus.get('title') or name} "
            f"({', '.join(str(f['file']) for f in corpus.get('files', []))}) with `toolkit corpus import-"
            f"{corpus.get('format')}`; texts are the corpus's own."
        )
        protocol = f"Annotated by the corpus's creators; conventions in {guidelines_name} (sha256 {guidelines_sha256})."
        platform = "The corpus's own (not Label Studio)."
        demographics = "Not known: the corpus does not describe its annotators."
    else:
        collection = (
            "News articles from public news sites, scraped as pages and cleaned by the toolkit (HTML extraction with "
            "trafilatura, outlet profiles cutting page chrome); each article keeps its source file and checksum."
        )
        gold = "gold adjudicated per document: an annotation marked ground truth wins, else the majority of annotators"
        protocol = (
            f"Entities and relations marked on character offsets following {guidelines_name} (sha256 "
            f"{guidelines_sha256}), schema {schema.name} {schema.schema_version}; {gold}"
            + (f"; {agreement_documents} documents annotated twice for agreement." if agreement_documents else ".")
        )
        platform = "Label Studio (Community edition), driven through its API by the toolkit."
        demographics = (
            f"Not collected. {annotators} annotator(s), named only by pseudonymous Label Studio ids (user:<id>)."
        )
    meta: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": name,
        "description": description,
        "conformsTo": CONFORMS_TO,
        "citeAs": citation,
        "license": license_id,
        "version": version,
        "inLanguage": schema.language,
        "keywords": ["named entity recognition", "relation extraction", "news", schema.language],
        "rai:dataCollection": collection,
        "rai:dataAnnotationProtocol": protocol,
        "rai:dataAnnotationPlatform": platform,
        "rai:annotatorDemographics": demographics,
        "rai:personalSensitiveInformation": (
            "The texts are published news: they name public figures, organisations and places, as the news did. "
            "No annotator is named (pseudonymous ids only); task fields other than the text and the toolkit's own "
            "were not published."
        ),
        "rai:dataUseCases": "Training and evaluating entity and relation extractors; studying annotator agreement.",
        "rai:dataLimitations": (
            f"{total} document(s) in {schema.language}; the entity and relation types of schema {schema.name} only "
            "(types not annotated are listed in the card)."
        ),
        "distribution": files,
        "recordSet": record_sets,
    }
    if annotator_rows is not None and annotator_rows.documents:
        meta["rai:annotationsPerItem"] = (
            f"{annotator_rows.total / annotator_rows.documents:.2f} annotator layers per document on average "
            f"({annotator_rows.total} layers, {annotator_rows.documents} documents)"
        )
        if annotator_rows.from_prediction:
            meta["rai:machineAnnotationTools"] = (
                f"{annotator_rows.from_prediction} annotation(s) started from a model's pre-annotations, which the "
                "annotator kept, changed or deleted (each span's origin in the annotations configuration)."
            )
    return meta
