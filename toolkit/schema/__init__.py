"""The entity/relation schema: load and validate it, derive Label Studio's config and BIO names.

The schema file (``schemas/schema.yaml``) is declared once and every stage reads
it: the Label Studio config, import validation, dataset features and scoring.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, ValidationError, model_validator

from toolkit.errors import SchemaError

DEFAULT_SCHEMA_PATH = Path("schemas/schema.yaml")

# Names of the control and object tags in the generated Label Studio config.
# Import validation checks ``from_name``/``to_name`` of every region against them.
LABELS_NAME = "label"
TEXT_NAME = "text"
TEXT_FIELD = "text"

SpanOverlap = Literal["forbid", "nested", "allow"]
"""``forbid``: no two spans share a character; ``nested``: one span may lie wholly inside
another; ``allow``: any overlap."""

_Label = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")]
_Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
_Hotkey = Annotated[str, StringConstraints(pattern=r"^[0-9a-z]$")]
_SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EntityType(_Strict):
    """An entity type: what annotators mark as a span."""

    label: _Label
    definition: Annotated[str, StringConstraints(min_length=1)]
    color: _Colour
    hotkey: _Hotkey | None = None
    """One key (``0-9``, ``a-z``); a schema with more than 36 entity types leaves the rest without (select them)."""


class RelationType(_Strict):
    """A relation type with the entity types allowed at its head and tail.

    Label Studio's ``<Relation>`` tag has no hotkey attribute, so relations carry a
    colour and a definition only.
    """

    label: _Label
    definition: Annotated[str, StringConstraints(min_length=1)]
    color: _Colour
    head: Annotated[tuple[_Label, ...], Field(min_length=1)]
    tail: Annotated[tuple[_Label, ...], Field(min_length=1)]
    directed: StrictBool

    def allows(self, head_label: str, tail_label: str) -> bool:
        """Whether a relation of this type may link these two entity types (either way if symmetric)."""
        if head_label in self.head and tail_label in self.tail:
            return True
        return not self.directed and tail_label in self.head and head_label in self.tail


class LabelStudioNames(_Strict):
    """How the labelling config names things: the ``<Labels>`` control, the ``<Text>`` object and the task data
    field holding the text. The toolkit's generated config uses the defaults; a schema made from an existing
    project's config (``toolkit schema from-ls-config``) records that project's names, and the controls it
    left out (their results are skipped at import, and counted)."""

    labels_name: _Label = LABELS_NAME
    text_name: _Label = TEXT_NAME
    text_field: _Label = TEXT_FIELD
    ignored_controls: tuple[_Label, ...] = ()
    # what a drag selects (the <Text> tag's granularity): whole words by default, so a drag that stops inside
    # a word takes all of it; "symbol" (Label Studio's own default) keeps the characters selected
    granularity: Literal["word", "symbol", "sentence", "paragraph"] = "word"


class Schema(_Strict):
    """The whole annotation schema."""

    schema_version: _SemVer
    name: _Label
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
    description: str = ""
    span_overlap: SpanOverlap
    spans_cross_lines: StrictBool = False
    """Whether a span may contain a line break (``\n``); off by default: a mention never crosses a paragraph."""
    entities: Annotated[tuple[EntityType, ...], Field(min_length=1)]
    relations: tuple[RelationType, ...] = ()
    label_studio: LabelStudioNames = LabelStudioNames()

    @model_validator(mode="after")
    def _check_consistency(self) -> Schema:
        problems: list[str] = []
        ent_labels = [e.label for e in self.entities]
        rel_labels = [r.label for r in self.relations]
        for kind, labels in (("entity", ent_labels), ("relation", rel_labels)):
            for label, n in Counter(labels).items():
                if n > 1:
                    problems.append(f"duplicate {kind} label {label!r} ({n} times)")
        known = set(ent_labels)
        for rel in self.relations:
            for end, types in (("head", rel.head), ("tail", rel.tail)):
                for t in types:
                    if t not in known:
                        problems.append(f"relation {rel.label!r} {end} names unknown entity type {t!r}")
        all_types: tuple[EntityType | RelationType, ...] = (*self.entities, *self.relations)
        colours = Counter(t.color.lower() for t in all_types)
        for colour, n in sorted(colours.items()):
            if n > 1:
                owners = [t.label for t in all_types if t.color.lower() == colour]
                problems.append(f"colour {colour} is used by {len(owners)} types {owners}")
        hotkeys = Counter(e.hotkey for e in self.entities if e.hotkey is not None)
        for key, n in sorted(hotkeys.items()):
            if n > 1:
                owners = [e.label for e in self.entities if e.hotkey == key]
                problems.append(f"hotkey {key!r} is used by {owners}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- derived views -------------------------------------------------------------------
    @property
    def entity_labels(self) -> tuple[str, ...]:
        return tuple(e.label for e in self.entities)

    @property
    def relation_labels(self) -> tuple[str, ...]:
        return tuple(r.label for r in self.relations)

    def relation(self, label: str) -> RelationType:
        for rel in self.relations:
            if rel.label == label:
                return rel
        raise SchemaError(f"schema {self.name}: no relation type {label!r}")

    def restricted_to(self, entities: Iterable[str], relations: Iterable[str]) -> Schema:
        """This schema with only these entity and relation types (in the schema's order), for a corpus that
        annotates fewer types than the schema declares: its ClassLabels name what it annotates. A relation keeps
        the head and tail types that remain; one left with no head or tail type is dropped."""
        keep, rels = set(entities), set(relations)
        if keep == set(self.entity_labels) and rels == set(self.relation_labels):
            return self
        kept = [e for e in self.entities if e.label in keep]
        if not kept:
            raise SchemaError(f"schema {self.name}: none of the types {sorted(keep)} is one of its entity types")
        narrowed = [
            r.model_copy(
                update={"head": tuple(t for t in r.head if t in keep), "tail": tuple(t for t in r.tail if t in keep)}
            )
            for r in self.relations
            if r.label in rels
        ]
        return self.model_copy(
            update={"entities": tuple(kept), "relations": tuple(r for r in narrowed if r.head and r.tail)}
        )

    def bio_names(self) -> tuple[str, ...]:
        """ClassLabel names for the BIO view: ``O`` then ``B-X``, ``I-X`` per entity type."""
        names = ["O"]
        for label in self.entity_labels:
            names += [f"B-{label}", f"I-{label}"]
        return tuple(names)


def _location(loc: tuple[int | str, ...], data: object) -> str:
    """Render a pydantic error location, naming list items by their label where possible."""
    parts: list[str] = []
    node: object = data
    for key in loc:
        label = None
        if isinstance(node, dict):
            node = node.get(key) if isinstance(key, str) else None
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            label = node.get("label") if isinstance(node, dict) else None
        else:
            node = None
        parts.append(f"{key}" + (f" ({label})" if isinstance(label, str) else ""))
    return ".".join(parts)


def parse_schema(data: object, *, source: str) -> Schema:
    """Validate already-parsed schema data; ``source`` names the file in error messages."""
    if not isinstance(data, dict):
        raise SchemaError(f"{source}: the schema must be a mapping with schema_version, entities, ...")
    try:
        return Schema.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = _location(tuple(err["loc"]), data)
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check its spelling against schemas/schema.yaml)"
            elif err["type"] == "value_error":
                msg = msg.removeprefix("Value error, ")
            lines.append(f"{where}: {msg}" if err["loc"] else msg)
        raise SchemaError(f"{source}: invalid schema: " + "; ".join(lines)) from None


def load_schema(path: Path = DEFAULT_SCHEMA_PATH) -> Schema:
    """Read and validate a schema YAML file."""
    from toolkit._io import load_yaml, yaml_problem  # here: scoring imports this module and stays free of I/O

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read the schema ({exc.strerror}); pass --schema PATH") from exc
    try:
        data = load_yaml(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path}: {yaml_problem(exc)}") from None
    return parse_schema(data, source=str(path))


TEXT_CONTRAST = 4.5
"""WCAG AA contrast for text: Label Studio's side panels write each entity label in its colour on white."""


def hard_to_read(schema: Schema) -> list[tuple[str, str, float]]:
    """Entity types whose colour is under :data:`TEXT_CONTRAST` as text on white: (label, colour, ratio)."""
    import wcag_contrast_ratio as wcag
    from matplotlib.colors import to_rgb

    ratios = [(e.label, e.color, float(wcag.rgb(to_rgb(e.color), (1.0, 1.0, 1.0)))) for e in schema.entities]
    return [(label, colour, round(r, 1)) for label, colour, r in ratios if r < TEXT_CONTRAST]


def label_config_tree(schema: Schema) -> ET.Element:
    """The Label Studio labelling config as an XML tree (escaping is ElementTree's job)."""
    view = ET.Element("View")
    ET.SubElement(
        view,
        "Header",
        value=f"{schema.name} {schema.schema_version}: mark entities, then relations (guidelines: Instructions)",
    )
    _legend(view, schema)
    names = schema.label_studio
    labels = ET.SubElement(
        view, "Labels", name=names.labels_name, toName=names.text_name, choice="single", showInline="true"
    )
    for ent in schema.entities:
        attrs = {"value": ent.label, "background": ent.color}
        if ent.hotkey is not None:
            attrs["hotkey"] = ent.hotkey
        attrs["hint"] = ent.definition
        ET.SubElement(labels, "Label", attrs)
    if schema.relations:
        relations = ET.SubElement(view, "Relations", choice="single")
        for rel in schema.relations:
            ET.SubElement(relations, "Relation", value=rel.label, background=rel.color)
    ET.SubElement(view, "Text", name=names.text_name, value=f"${names.text_field}", granularity=names.granularity)
    return view


HOW_TO = (
    "How to label: press a label's hotkey first, then select the text (selecting first makes no region); "
    "for a relation, select the head region, press Alt+R (or the relation button), click the tail region, "
    "then pick the relation type."
)


def _legend(view: ET.Element, schema: Schema) -> None:
    """A collapsible legend on the labelling page: the hotkey workflow, each type's definition (Label Studio tags)."""
    collapse = ET.SubElement(view, "Collapse")
    panel = ET.SubElement(collapse, "Panel", value="Legend: how to label, entity types (hotkeys), relation types")
    ET.SubElement(panel, "Header", value=HOW_TO, size="6")
    for ent in schema.entities:
        key = f"[{ent.hotkey}] " if ent.hotkey is not None else ""
        ET.SubElement(panel, "Header", value=f"{key}{ent.label}: {ent.definition}", size="6")
    for rel in schema.relations:
        arrow = "->" if rel.directed else "<->"
        ET.SubElement(
            panel,
            "Header",
            value=f"{rel.label} ({'/'.join(rel.head)} {arrow} {'/'.join(rel.tail)}): {rel.definition}",
            size="6",
        )


def label_config(schema: Schema) -> str:
    """The Label Studio labelling config as XML text, indented, ending in a newline."""
    tree = label_config_tree(schema)
    ET.indent(tree, space="  ")
    return ET.tostring(tree, encoding="unicode") + "\n"
