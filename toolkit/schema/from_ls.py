"""A schema from an existing Label Studio labelling config (``toolkit schema from-ls-config``).

What the config says is kept: the ``<Labels>`` control for the text with its labels, colours, hotkeys
and hints, the ``<Relations>`` with theirs, the names of the control, the ``<Text>`` object and the
task field it reads. What a schema cannot say is made explicit: Label Studio relations name no entity
types, so each may link any two entity types (edit ``head``/``tail`` to restrict them); a label
without a colour or hotkey, or one already taken, gets the next free one (listed). Controls the
toolkit cannot represent (``Choices``, ``TextArea``, ``HyperTextLabels``, ...) are refused, listed
by tag and name, unless ``drop_unsupported``: then they are left out and recorded, and import skips
and counts their results.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

from toolkit.errors import SchemaError
from toolkit.schema import Schema, SpanOverlap, parse_schema

LAYOUT = frozenset({"View", "Header", "Style", "Filter", "Collapse", "Panel", "Block"})
"""Tags that only arrange the page: ignored."""
HOTKEYS = "1234567890abcdefghijklmnopqrstuvwxyz"
PALETTE = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#808000",
    "#800000", "#000075", "#469990", "#aaffc3", "#ffd8b1", "#dcbeff", "#fabed4", "#bfef45", "#ffe119",
)  # fmt: skip
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_OTHER_OBJECTS = frozenset(
    {"HyperText", "HyperTextLabels", "Paragraphs", "ParagraphLabels", "Image", "Audio", "Video", "Table", "TimeSeries"}
)
"""Objects (and their label controls) of other data than plain text, named when a config has no <Text>."""


@dataclass(frozen=True)
class FromConfig:
    schema: Schema
    dropped: tuple[str, ...]  # "Tag 'name'" of the controls left out
    changed: tuple[str, ...]  # what had to be chosen: colours, hotkeys, definitions


def _colour(value: str | None) -> str | None:
    """``#rrggbb`` of a colour as configs write them (``#abc``, ``#aabbcc``, CSS names), else None."""
    if not value:
        return None
    value = value.strip()
    if _HEX.match(value):
        return value.lower()
    from matplotlib.colors import to_hex

    try:
        return str(to_hex(value))
    except ValueError:
        return None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def schema_from_config(
    xml: str,
    *,
    source: str,
    name: str,
    language: str = "und",
    span_overlap: SpanOverlap = "nested",
    drop_unsupported: bool = False,
) -> FromConfig:
    """Parse a labelling config into a validated :class:`Schema` (see the module docstring)."""
    try:
        root = defused.fromstring(xml, forbid_dtd=True)
    except ET.ParseError as exc:
        raise SchemaError(f"{source}: not a labelling config (XML: {exc})") from None
    except DefusedXmlException:
        raise SchemaError(
            f"{source}: the config has a <!DOCTYPE> (a DTD, which can expand entities or read other files); Label "
            "Studio configs have none: remove it"
        ) from None
    if root.tag != "View":
        raise SchemaError(
            f"{source}: the root element is <{_short(root.tag)}>, not <View>; a Label Studio config is one <View> "
            "holding the <Text> and its <Labels>"
        )
    texts = [e for e in root.iter("Text") if e.get("name")]
    labels = [e for e in root.iter("Labels") if e.get("name")]
    if not texts:
        other = [f"<{e.tag} name={e.get('name')!r}>" for e in root.iter() if e.tag in _OTHER_OBJECTS and e.get("name")]
        if other:
            raise SchemaError(
                f"{source}: the config labels {', '.join(other)}, not plain text; the toolkit labels a <Text> object "
                'with <Labels> (character offsets into the text): make a config with <Text name=... value="$field"> '
                "(toolkit schema ls-config writes one)"
            )
    if len(texts) != 1 or not (texts[0].get("value") or "").startswith("$"):
        raise SchemaError(
            f'{source}: the config needs exactly one <Text name=... value="$field"> to label ({len(texts)} found)'
        )
    text = texts[0]
    if len(labels) != 1 or labels[0].get("toName") != text.get("name"):
        found = ", ".join(f"{e.get('name')!r} -> {e.get('toName')!r}" for e in labels) or "none"
        raise SchemaError(
            f"{source}: the config needs exactly one <Labels> control on the text {text.get('name')!r} (found {found})"
        )
    unsupported = [
        e
        for e in root.iter()
        if e.tag not in LAYOUT | {"Labels", "Label", "Text", "Relations", "Relation"} and e.get("name")
    ]
    listed = tuple(f"{e.tag} {e.get('name')!r}" for e in unsupported)
    if unsupported and not drop_unsupported:
        raise SchemaError(
            f"{source}: controls the schema cannot represent: {', '.join(listed)}; pass --drop-unsupported to leave "
            "them out (import then skips and counts their results)"
        )
    changed: list[str] = []
    colours = iter(c for c in PALETTE)
    taken_colours: set[str] = set()
    taken_keys: set[str] = set()

    def colour_of(element: ET.Element, what: str) -> str:
        c = _colour(element.get("background"))
        if c is None or c in taken_colours:
            c = next((x for x in colours if x not in taken_colours), None) or f"#{len(taken_colours):06x}"
            changed.append(f"{what}: colour {c}")
        taken_colours.add(c)
        return c

    entities: list[dict[str, Any]] = []
    no_key: list[str] = []
    for label in labels[0].iter("Label"):
        value = _as_written(label, changed)
        if not value:
            raise SchemaError(
                f"{source}: a <Label> of {labels[0].get('name')!r} has no value= (Label Studio needs one per label: "
                "it is what results carry); give it one or delete the <Label>"
            )
        key: str | None = (label.get("hotkey") or "").lower()
        if not key or len(key) != 1 or key not in HOTKEYS or key in taken_keys:
            key = next((k for k in HOTKEYS if k not in taken_keys), None)
            if key is None:
                no_key.append(value)
            else:
                changed.append(f"{value}: hotkey {key}")
        if key is not None:
            taken_keys.add(key)
        definition = label.get("hint")
        if not definition:
            definition = f"{value} (from the Label Studio config {Path(source).name}: write its definition here)"
            changed.append(f"{value}: definition to write")
        entities.append({"label": value, "definition": definition, "color": colour_of(label, value), "hotkey": key})
    if no_key:
        changed.append(
            f"{len(no_key)} labels past the {len(HOTKEYS)} hotkeys have none ({', '.join(no_key)}): annotators select "
            "them on the page"
        )
    entity_labels = [e["label"] for e in entities]
    relations = []
    for rel in root.iter("Relation"):
        value = _as_written(rel, changed)
        if value:
            relations.append(
                {
                    "label": value,
                    "definition": rel.get("hint") or f"{value} (from the Label Studio config: write its definition)",
                    "color": colour_of(rel, value),
                    "head": entity_labels,
                    "tail": entity_labels,
                    "directed": True,
                }
            )
    if relations:
        changed.append("relations: every entity type allowed at both ends (restrict head/tail in the schema)")
    data = {
        "schema_version": "1.0.0",
        "name": name,
        "language": language,
        "description": f"Made from the Label Studio config {Path(source).name} by toolkit schema from-ls-config.",
        "span_overlap": span_overlap,
        "entities": entities,
        "relations": relations,
        "label_studio": {
            "labels_name": labels[0].get("name"),
            "text_name": text.get("name"),
            "text_field": (text.get("value") or "$")[1:],
            "granularity": text.get("granularity", "symbol"),  # as the project labels today
            "ignored_controls": sorted({e.get("name") or "" for e in unsupported}),
        },
    }
    return FromConfig(parse_schema(data, source=source), listed, tuple(changed))


def _as_written(element: ET.Element, changed: list[str]) -> str | None:
    """The label as Label Studio writes it into results: its ``alias`` when it has one, else its ``value``."""
    value, alias = element.get("value"), element.get("alias")
    if alias and value and alias != value:
        changed.append(f"{value}: typed as its alias {alias!r}, which Label Studio writes in results")
        return alias
    return value


def schema_yaml(schema: Schema) -> str:
    """The schema as the YAML file ``load_schema`` reads."""
    import yaml

    return yaml.safe_dump(schema.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=110)
