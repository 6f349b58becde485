"""The whole newcomer path as one test, against a real Label Studio: a project of one's own made from a Label
Studio config, articles ingested, pushed, annotated through the API by two people who signed up, pulled, imported,
agreed, adjudicated, released, benchmarked, exported and checked for the Hub without a token. Each step's output
is checked, and nothing is written into this repository."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner, Result

from tests.conftest import REPO
from tests.labelstudio.conftest import LiveServer, sign_up
from toolkit.cli import main

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

CONFIG = """<View>
  <Relations>
    <Relation value="works_for"/>
  </Relations>
  <Labels name="ner" toName="txt">
    <Label value="Person" background="#cc1100"/>
    <Label value="Organisation" background="#332288"/>
    <Label value="Place" background="#117733"/>
  </Labels>
  <Text name="txt" value="$body"/>
</View>
"""
ARTICLES = {
    "a.txt": "Jakarta - Menteri Ketenagakerjaan Ida Fauziyah bertemu Direktur Jenderal ILO Guy Ryder di Jenewa pada "
    "Senin. Keduanya membahas perlindungan pekerja migran Indonesia di kawasan Asia Tenggara dan tata kelola "
    "migrasi yang adil bagi semua pekerja.",
    "b.txt": "Surabaya - Gubernur Jawa Timur Khofifah Indar Parawansa meresmikan pusat pelatihan kerja baru di "
    "Surabaya. Pusat itu dikelola Dinas Tenaga Kerja bersama Bank Dunia dan menampung ribuan peserta setiap tahun "
    "dari seluruh provinsi.",
    "c.txt": "Bandung - Wali Kota Bandung Yana Mulyana menerima delegasi Organisasi Buruh Internasional di Balai "
    "Kota. Mereka meninjau program magang bagi lulusan sekolah kejuruan yang didukung Kementerian Ketenagakerjaan "
    "sejak tahun lalu.",
}
# what each annotator marks (surface text, label); the second one also calls ILO a Place and misses Guy Ryder
MARKS = {
    "a.txt": [("Ida Fauziyah", "Person"), ("Guy Ryder", "Person"), ("ILO", "Organisation"), ("Jenewa", "Place")],
    "b.txt": [("Khofifah Indar Parawansa", "Person"), ("Bank Dunia", "Organisation"), ("Jawa Timur", "Place")],
    "c.txt": [("Yana Mulyana", "Person"), ("Organisasi Buruh Internasional", "Organisation"), ("Bandung", "Place")],
}
SECOND = {"a.txt": [("Ida Fauziyah", "Person"), ("ILO", "Place"), ("Jenewa", "Place")]}


def _ok(result: Result, *expected: str) -> str:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, (text, result.output)
    return result.output


def _result(text: str, marks: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Regions as the labelling page makes them (the config's own names), and works_for from the first person to
    the first organisation."""
    regions = []
    for n, (surface, label) in enumerate(marks):
        start = text.index(surface)
        value = {"start": start, "end": start + len(surface), "text": surface, "labels": [label]}
        regions.append({"id": f"r{n}", "from_name": "ner", "to_name": "txt", "type": "labels", "value": value})
    kinds = {label: r["id"] for r, (_, label) in reversed(list(zip(regions, marks, strict=True)))}
    if "Person" in kinds and "Organisation" in kinds:
        link = {"from_id": kinds["Person"], "to_id": kinds["Organisation"], "direction": "right"}
        regions.append({"type": "relation", **link, "labels": ["works_for"]})
    return regions


def test_a_newcomers_project_from_init_to_a_release_on_the_real_server(
    ls_env: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaderboard = (REPO / "benchmarks" / "README.md").read_bytes()
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.xml").write_text(CONFIG, encoding="utf-8")

    # 1. a project of one's own, its schema from the Label Studio config, named after the project
    _ok(runner.invoke(main, ["init", "berita", "--from-ls-config", "config.xml", "--language", "id"]), "berita")
    root = tmp_path / "berita"
    schema = yaml.safe_load((root / "schemas" / "schema.yaml").read_text(encoding="utf-8"))
    assert schema["name"] == "berita" and schema["label_studio"]["text_field"] == "body"
    for name, text in ARTICLES.items():
        (root / "seeds" / "raw" / name).write_text(text + "\n", encoding="utf-8")
    monkeypatch.chdir(root)

    # 2. articles in, pushed: the project's id is recorded in toolkit.yaml, tasks carry the config's data field
    _ok(runner.invoke(main, ["seeds", "ingest", *sorted(f"seeds/raw/{n}" for n in ARTICLES)]), "added 3")
    pushed = _ok(runner.invoke(main, ["ls", "push"]), "'berita' (created)", "tasks: 3 imported")
    project_id = int(re.search(r"project (\d+) 'berita'", pushed).group(1))  # type: ignore[union-attr]
    assert yaml.safe_load((root / "toolkit.yaml").read_text(encoding="utf-8"))["label_studio_project_id"] == project_id
    _ok(runner.invoke(main, ["ls", "push"]), f"project {project_id} 'berita' (up to date)", "0 imported, 3 already")

    # 3. two people sign up and annotate every task through the API with their own tokens
    people = [sign_up(ls_env.url, f"newcomer{n}@example.org", f"pass-{n}-newcomer-2026") for n in range(2)]
    for n, person in enumerate(people):
        with httpx.Client(base_url=ls_env.url, headers={"Authorization": f"Token {person.token}"}, timeout=60) as c:
            tasks = c.get("/api/tasks/", params={"project": project_id, "fields": "all"}).json()["tasks"]
            assert len(tasks) == 3
            for task in tasks:
                text = task["data"]["body"]
                name = next(k for k, v in ARTICLES.items() if v == text)
                marks = SECOND.get(name, MARKS[name]) if n else MARKS[name]
                made = c.post(f"/api/tasks/{task['id']}/annotations/", json={"result": _result(text, marks)})
                assert made.status_code == 201, made.text[:300]

    # 4. pulled by the recorded id, imported, agreed, adjudicated
    pulled = _ok(runner.invoke(main, ["ls", "pull"]), "3 tasks, 6 annotations, 0 cancelled, 2 annotators")
    snapshot = Path(pulled.splitlines()[0].strip())
    assert snapshot.parent == Path("annotations/snapshots") and snapshot.is_file()
    _ok(runner.invoke(main, ["annotations", "import", str(snapshot)]), "6 written")
    layers = Path("annotations/layers") / f"{snapshot.stem}.jsonl"
    agreed = runner.invoke(main, ["annotations", "agree", str(layers), "--json", "--resamples", "50"])
    overall = json.loads(_ok(agreed))["overall"]
    assert 0.5 < overall["span_exact"]["f1_pooled"] < 1.0  # one relabelled and one missed mention of 10
    _ok(runner.invoke(main, ["annotations", "gold", str(layers)]), "3 documents adjudicated")

    # 5. released: three documents are too few for 0.8/0.1/0.1, and the refusal names ratios that work
    refused = runner.invoke(main, ["dataset", "release", "--version", "1.0.0"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output, refused.output
    ratios = re.search(r"With these documents --ratios ([0-9.,]+) gives train 1, validation 1, test 1", refused.output)
    assert ratios, refused.output
    _ok(runner.invoke(main, ["dataset", "release", "--version", "1.0.0", "--ratios", ratios.group(1)]), "released")
    release = root / "releases" / "berita" / "1.0.0"
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "schema version 1.0.0" in card and "GUIDELINES.md" in card and "id-news-er" not in card
    published = b"".join(p.read_bytes() for p in release.rglob("*") if p.is_file())
    assert all(p.email.encode() not in published for p in people)  # pseudonymous: user:<id> only
    from datasets import load_dataset

    rows = [r for split in load_dataset(str(release), "annotations").values() for r in split]
    assert {r["annotator"] for r in rows} == {f"user:{p.user_id}" for p in people} and len(rows) == 6

    # 6. benchmarked into this project's leaderboard (never the repository's), exported, checked for the Hub
    _ok(runner.invoke(main, ["bench", str(release), "--resamples", "0"]), "wrote benchmarks/README.md")
    assert "## berita 1.0.0" in (root / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert (REPO / "benchmarks" / "README.md").read_bytes() == leaderboard
    _ok(runner.invoke(main, ["dataset", "export", str(release), "--format", "conll", "--out", "build/conll"]))
    assert {p.name for p in (root / "build" / "conll").glob("*.conll")} >= {"train.conll"}
    _ok(
        runner.invoke(main, ["dataset", "push", str(release), "--repo-id", "me/berita", "--dry-run"]),
        "files verified; would",
        "HF_TOKEN is not set: a real push needs it",
    )
