from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from toolkit.errors import SchemaError
from toolkit.schema import Schema, label_config, load_schema, parse_schema

REQUIRED_ENTITIES = {"PER", "ORG", "GPE", "LOC", "FAC", "DATE", "EVENT", "ROLE", "QUANTITY"}
REQUIRED_RELATIONS = {
    "works_for": ({"PER"}, {"ORG"}),
    "has_role": ({"PER"}, {"ROLE"}),
    "role_of": ({"ROLE"}, {"ORG"}),
    "member_of": ({"ORG", "GPE"}, {"ORG"}),
    "part_of": ({"ORG"}, {"ORG"}),
    "located_in": ({"ORG", "FAC", "LOC", "GPE", "EVENT"}, {"GPE", "LOC"}),
    "held_on": ({"EVENT"}, {"DATE"}),
    "participant_in": ({"PER", "ORG", "GPE"}, {"EVENT"}),
    "organized_by": ({"EVENT"}, {"ORG"}),
}


@pytest.fixture
def raw(repo: Path) -> dict[str, Any]:
    data = yaml.safe_load((repo / "schemas" / "schema.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_committed_schema_declares_the_required_types(schema: Schema) -> None:
    assert set(schema.entity_labels) >= REQUIRED_ENTITIES
    for label, (heads, tails) in REQUIRED_RELATIONS.items():
        rel = schema.relation(label)
        assert heads <= set(rel.head) and tails <= set(rel.tail), label
        assert rel.directed
    assert not schema.relation("alias_of").directed
    assert schema.span_overlap in {"forbid", "nested", "allow"}
    assert all(e.definition and e.color and e.hotkey for e in schema.entities)


def test_relation_allows_respects_direction(schema: Schema) -> None:
    assert schema.relation("works_for").allows("PER", "ORG")
    assert not schema.relation("works_for").allows("ORG", "PER")
    assert schema.relation("alias_of").allows("ORG", "ORG")


def test_restricted_to_keeps_the_types_named_and_narrows_relation_ends(schema: Schema) -> None:
    narrowed = schema.restricted_to(["LOC", "ROLE", "ORG", "PER"], ["role_of", "works_for"])
    assert narrowed.entity_labels == ("PER", "ORG", "LOC", "ROLE")
    assert narrowed.relation_labels == ("works_for", "role_of")
    assert narrowed.relation("role_of").tail == ("ORG",)  # GPE is gone
    assert narrowed.name == schema.name and narrowed.schema_version == schema.schema_version
    assert schema.restricted_to(schema.entity_labels, schema.relation_labels) is schema
    # a relation whose head types are all gone is dropped
    assert schema.restricted_to(["ORG"], ["works_for"]).relation_labels == ()
    with pytest.raises(SchemaError, match="none of the types"):
        schema.restricted_to(["MISC"], [])


def test_bio_names(schema: Schema) -> None:
    names = schema.bio_names()
    assert names[:3] == ("O", "B-PER", "I-PER")
    assert len(names) == 1 + 2 * len(schema.entities)


def _mutate(raw: dict[str, Any], how: str) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    if how == "unknown_top_key":
        data["colour_scheme"] = "dark"
    elif how == "unknown_entity_key":
        data["entities"][0]["colour"] = "#000000"
    elif how == "duplicate_entity":
        data["entities"].append({**data["entities"][0], "color": "#123456", "hotkey": "x"})
    elif how == "duplicate_relation":
        data["relations"].append({**data["relations"][0], "color": "#123456"})
    elif how == "unknown_head":
        data["relations"][0]["head"] = ["PERSON"]
    elif how == "colour_collision":
        data["entities"][1]["color"] = data["entities"][0]["color"].upper()
    elif how == "hotkey_collision":
        data["entities"][1]["hotkey"] = data["entities"][0]["hotkey"]
    elif how == "bad_colour":
        data["entities"][0]["color"] = "red"
    elif how == "bad_version":
        data["schema_version"] = "1.0"
    elif how == "directed_not_bool":
        data["relations"][0]["directed"] = "yes"
    elif how == "no_entities":
        data["entities"] = []
    elif how == "bad_overlap":
        data["span_overlap"] = "sometimes"
    return data


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("unknown_top_key", r"colour_scheme: unknown key"),
        ("unknown_entity_key", r"entities\.0 \(PER\)\.colour: unknown key"),
        ("duplicate_entity", r"duplicate entity label 'PER' \(2 times\)"),
        ("duplicate_relation", r"duplicate relation label 'works_for' \(2 times\)"),
        ("unknown_head", r"relation 'works_for' head names unknown entity type 'PERSON'"),
        ("colour_collision", r"colour #cc1100 is used by 2 types \['PER', 'ORG'\]"),
        ("hotkey_collision", r"hotkey '1' is used by \['PER', 'ORG'\]"),
        ("bad_colour", r"entities\.0 \(PER\)\.color: String should match pattern"),
        ("bad_version", r"schema_version: String should match pattern"),
        ("directed_not_bool", r"relations\.0 \(works_for\)\.directed: Input should be a valid boolean"),
        ("no_entities", r"entities: .*at least 1 item"),
        ("bad_overlap", r"span_overlap: Input should be 'forbid', 'nested' or 'allow'"),
    ],
)
def test_invalid_schemas_are_refused_with_a_precise_message(raw: dict[str, Any], how: str, message: str) -> None:
    with pytest.raises(SchemaError, match=r"^bad\.yaml: invalid schema: .*" + message):
        parse_schema(_mutate(raw, how), source="bad.yaml")


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"missing\.yaml: cannot read the schema"):
        load_schema(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities: [\n  - label: PER\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"bad\.yaml: not valid YAML at line \d+, column \d+"):
        load_schema(bad)
    bad.write_bytes(b"name: \xff\xfe")
    with pytest.raises(SchemaError, match=r"not UTF-8 text"):
        load_schema(bad)
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"must be a mapping"):
        load_schema(bad)


def test_config_is_well_formed_and_complete(schema: Schema) -> None:
    root = ET.fromstring(label_config(schema))
    assert root.tag == "View"
    labels = root.find("Labels")
    assert labels is not None and labels.get("name") == "label" and labels.get("toName") == "text"
    assert [lab.get("value") for lab in labels.iter("Label")] == list(schema.entity_labels)
    assert [lab.get("hotkey") for lab in labels.iter("Label")] == [e.hotkey for e in schema.entities]
    assert [r.get("value") for r in root.iter("Relation")] == list(schema.relation_labels)
    text = root.find("Text")
    assert text is not None and text.get("value") == "$text"


def test_config_escapes_hostile_label_names(raw: dict[str, Any]) -> None:
    hostile = ["A&B <x>", 'say "hi"', "it's ]]> done", "\u200fRTL\u200d😀"]
    data = copy.deepcopy(raw)
    for ent, name in zip(data["entities"], hostile, strict=False):
        old = ent["label"]
        ent["label"] = name
        for rel in data["relations"]:
            rel["head"] = [name if t == old else t for t in rel["head"]]
            rel["tail"] = [name if t == old else t for t in rel["tail"]]
    data["relations"][0]["label"] = 'rel <&> "q"'
    schema = parse_schema(data, source="hostile.yaml")
    xml = label_config(schema)
    root = ET.fromstring(xml)
    assert [lab.get("value") for lab in root.iter("Label")][:4] == hostile
    assert next(root.iter("Relation")).get("value") == 'rel <&> "q"'
    assert "<x>" not in xml and "&amp;" in xml


def test_committed_config_is_in_sync_with_schema(repo: Path, schema: Schema) -> None:
    committed = (repo / "schemas" / "label_config.xml").read_text(encoding="utf-8")
    assert committed == label_config(schema), "run: toolkit schema config --out schemas/label_config.xml"


def test_relation_colours_keep_the_dropdown_text_readable(schema: Schema) -> None:
    """Label Studio's relation dropdown draws dark grey text (#333-#444) on the relation's colour: WCAG >= 4.5:1."""
    import wcag_contrast_ratio as wcag
    from matplotlib.colors import to_rgb

    for rel in schema.relations:
        for text in ("#333333", "#444444"):
            assert wcag.rgb(to_rgb(rel.color), to_rgb(text)) >= 4.5, (rel.label, rel.color, text)


def test_entity_colours_are_readable_as_text_on_white(schema: Schema) -> None:
    """Label Studio's side panels (regions, labels) write each label in its colour on white: WCAG >= 4.5:1
    (the 1.0.1 palette had GPE 1.6:1, FAC 1.8:1, EVENT 2.8:1, ROLE 3.0:1); as highlights the colours are drawn
    translucent under dark text, which dark colours keep readable."""
    import wcag_contrast_ratio as wcag
    from matplotlib.colors import to_rgb

    for ent in schema.entities:
        assert wcag.rgb(to_rgb(ent.color), (1.0, 1.0, 1.0)) >= 4.5, (ent.label, ent.color)


def test_entity_colours_stay_distinguishable_with_colour_vision_deficiencies(schema: Schema) -> None:
    """Every pair of entity colours at least 10 apart (CAM02-UCS delta E), also under simulated deuteranomaly,
    protanomaly and tritanomaly at full severity (the old palette's ROLE and QUANTITY were 5.2 apart)."""
    import itertools

    import colorspacious as cs
    from matplotlib.colors import to_rgb

    for cvd in (None, "deuteranomaly", "protanomaly", "tritanomaly"):
        sim = cs.cspace_converter({"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}, "sRGB1") if cvd else None
        colours = [to_rgb(e.color) for e in schema.entities]
        seen = [sim(c).clip(0, 1) if sim else c for c in colours]
        for (i, a), (j, b) in itertools.combinations(enumerate(seen), 2):
            d = cs.deltaE(a, b, input_space="sRGB1", uniform_space="CAM02-UCS")
            assert d >= 10, (cvd, schema.entities[i].label, schema.entities[j].label, round(float(d), 1))


def test_the_config_shows_a_legend_with_the_hotkey_workflow(schema: Schema) -> None:
    import xml.etree.ElementTree as ET

    from toolkit.schema import HOW_TO, label_config

    root = ET.fromstring(label_config(schema))
    (panel,) = root.iter("Panel")
    lines = [h.get("value") for h in panel.iter("Header")]
    assert lines[0] == HOW_TO and "hotkey first, then select the text" in HOW_TO
    assert lines[1].startswith("[1] PER: A named person")
    assert any(line.startswith("works_for (PER -> ORG): ") for line in lines)
    assert len(lines) == 1 + len(schema.entities) + len(schema.relations)
