"""A schema from an existing project's labelling config, and importing that project's export with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.annotations.importer import import_export
from toolkit.cli import main
from toolkit.errors import SchemaError
from toolkit.schema import label_config, load_schema
from toolkit.schema.from_ls import schema_from_config

CONFIG = """<View>
  <Header value="Label the entities"/>
  <Labels name="ner" toName="content">
    <Label value="Person" background="red" hotkey="p"/>
    <Label value="Organization" background="#0a0" hint="A named organisation"/>
    <Label value="Location" background="blue" hotkey="p"/>
  </Labels>
  <Relations><Relation value="works at" background="#123456"/></Relations>
  <Text name="content" value="$article"/>
  <Choices name="sentiment" toName="content"><Choice value="positive"/></Choices>
  <TextArea name="notes" toName="content"/>
</View>
"""
TEXT = "Hasan Kleib bekerja di ILO, Jenewa."


def test_unsupported_controls_are_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["schema", "from-ls-config", str(path), "--out", str(tmp_path / "s.yaml")])
    assert result.exit_code == 1
    assert (
        "controls the schema cannot represent: Choices 'sentiment', TextArea 'notes'; pass --drop-unsupported"
        in result.output
    )
    assert not (tmp_path / "s.yaml").exists()


def test_schema_keeps_names_colours_hotkeys_and_hints(tmp_path: Path) -> None:
    made = schema_from_config(CONFIG, source="config.xml", name="my-project", language="id", drop_unsupported=True)
    s = made.schema
    assert s.entity_labels == ("Person", "Organization", "Location")
    assert [e.color for e in s.entities] == ["#ff0000", "#00aa00", "#0000ff"]
    assert [e.hotkey for e in s.entities] == ["p", "1", "2"]  # Location's "p" was taken: the next free key
    assert s.entities[1].definition == "A named organisation"
    assert s.relation_labels == ("works at",) and s.relations[0].head == s.entity_labels
    assert (s.label_studio.labels_name, s.label_studio.text_name, s.label_studio.text_field) == (
        "ner",
        "content",
        "article",
    )
    assert s.label_studio.ignored_controls == ("notes", "sentiment")
    assert made.dropped == ("Choices 'sentiment'", "TextArea 'notes'")
    assert "Location: hotkey 2" in made.changed
    # the generated config speaks the project's names again
    assert '<Labels name="ner" toName="content"' in label_config(s) and 'value="$article"' in label_config(s)
    # drags select as the project's config had them (no granularity: Label Studio's characters)
    assert s.label_studio.granularity == "symbol" and 'granularity="symbol"' in label_config(s)
    worded = CONFIG.replace('<Text name="content"', '<Text granularity="word" name="content"', 1)
    assert worded != CONFIG
    word = schema_from_config(worded, source="c.xml", name="p", language="id", drop_unsupported=True).schema
    assert word.label_studio.granularity == "word"


def test_the_projects_export_imports_with_that_schema_and_a_label_map(tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text(CONFIG, encoding="utf-8")
    out = CliRunner().invoke(
        main, ["schema", "from-ls-config", str(config), "--drop-unsupported", "--out", str(tmp_path / "schema.yaml")]
    )
    assert out.exit_code == 0, out.output
    schema = load_schema(tmp_path / "schema.yaml")

    def region(rid: str, needle: str, label: str) -> dict[str, object]:
        a = TEXT.index(needle)
        value = {"start": a, "end": a + len(needle), "text": needle, "labels": [label]}
        return {"id": rid, "from_name": "ner", "to_name": "content", "type": "labels", "value": value}

    result = [
        region("r1", "Hasan Kleib", "Person"),
        region("r2", "ILO", "Organisation"),  # the project renamed the label at some point
        region("r3", "Jenewa", "City"),
        {
            "id": "c1",
            "from_name": "sentiment",
            "to_name": "content",
            "type": "choices",
            "value": {"choices": ["positive"]},
        },
        {"type": "relation", "from_id": "r1", "to_id": "r2", "direction": "right", "labels": ["works at"]},
        {"type": "relation", "from_id": "r2", "to_id": "r3", "direction": "right", "labels": ["works at"]},
    ]
    task = {"id": 1, "data": {"article": TEXT}, "annotations": [{"id": 10, "completed_by": 1, "result": result}]}
    export = tmp_path / "export.json"
    export.write_text(json.dumps([task]), encoding="utf-8")
    report = import_export(
        export, schema, out_dir=tmp_path / "layers", label_map={"Organisation": "Organization", "City": ""}
    )
    assert report.counts["regions"] == {"in": 4, "written": 2, "skipped": 2}
    assert report.skipped["regions"] == {
        "region label 'City' dropped by --label-map": 1,
        "region of control 'sentiment', left out of the schema": 1,
    }
    assert report.counts["relations"] == {"in": 2, "written": 1, "skipped": 1}
    assert report.skipped["relations"] == {"relation to a region left out (--label-map or an ignored control)": 1}
    line = json.loads((tmp_path / "layers" / "export.jsonl").read_text(encoding="utf-8"))
    (layer,) = line["layers"]
    assert [s["label"] for s in layer["spans"]] == ["Person", "Organization"]


def test_a_label_map_to_a_type_outside_the_schema_is_refused_before_reading(tmp_path: Path, repo: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "annotations",
            "import",
            str(tmp_path / "missing.json"),
            "--label-map",
            "PERSON=HUMAN",
            "--out",
            str(tmp_path / "o"),
            "--schema",
            str(repo / "schemas" / "schema.yaml"),
        ],
    )
    assert result.exit_code == 1
    assert "--label-map PERSON=HUMAN: 'HUMAN' is not an entity type of schema id-news-er" in result.output


def test_forty_labels_get_36_hotkeys_and_one_note_for_the_rest() -> None:
    labels = "".join(f'<Label value="T{k}"/>' for k in range(40))
    xml = f'<View><Labels name="l" toName="t">{labels}</Labels><Text name="t" value="$text"/></View>'
    made = schema_from_config(xml, source="c.xml", name="many")
    keys = [e.hotkey for e in made.schema.entities]
    assert len({k for k in keys if k}) == 36 and keys[36:] == [None] * 4
    notes = [c for c in made.changed if "past the 36 hotkeys" in c]
    assert notes == ["4 labels past the 36 hotkeys have none (T36, T37, T38, T39): annotators select them on the page"]
    assert "hotkey=" not in label_config(made.schema).split('value="T39"')[1].split("/>")[0]


def test_a_hypertext_config_is_refused_naming_its_controls() -> None:
    xml = (
        '<View><HyperTextLabels name="ner" toName="html"><Label value="PER"/></HyperTextLabels>'
        '<HyperText name="html" value="$html"/></View>'
    )
    with pytest.raises(
        SchemaError, match=r"labels <HyperTextLabels name='ner'>, <HyperText name='html'>, not plain text"
    ):
        schema_from_config(xml, source="h.xml", name="h")


def test_an_alias_is_the_type_because_label_studio_writes_it_in_results() -> None:
    xml = (
        '<View><Labels name="l" toName="t"><Label value="Person" alias="PER"/><Label value="ORG"/></Labels>'
        '<Text name="t" value="$text"/><Relations><Relation value="works for" alias="works_for"/></Relations></View>'
    )
    made = schema_from_config(xml, source="a.xml", name="a")
    assert made.schema.entity_labels == ("PER", "ORG") and made.schema.relation_labels == ("works_for",)
    assert any("typed as its alias 'PER'" in c for c in made.changed)
