"""With a known Label Studio key and Hub token in the environment, no command prints, logs or writes them
(success and failure paths, --verbose too). The live-server test module does the same with a real server."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, project_copy
from toolkit.cli import main
from toolkit.labelstudio.server import free_port

LS_KEY = "lskey-SECRET-0123456789abcdef0123456789abcdef"
HF_TOKEN = "hf_SECRET_token_0123456789abcdefghijklmnop"
GOLDEN = REPO / "tests" / "golden" / "export_two_annotators.json"


def commands(root: Path) -> list[list[str]]:
    url = f"http://user:{LS_KEY}@127.0.0.1:{free_port()}"  # even a key pasted into the URL must not show
    return [
        ["schema", "check"],
        ["schema", "config", "--out", "cfg.xml"],
        ["seeds", "ingest", str(REPO / "seeds" / "raw" / "000_52eeffeea49d3acd.txt")],
        ["seeds", "list"],
        ["ls", "tasks", "--out", "tasks.json"],
        ["ls", "push"],
        ["ls", "pull"],
        ["ls", "push", "--title", "x"],
        ["annotations", "import", str(GOLDEN), "--out", "layers"],
        ["annotations", "agree", "layers/export_two_annotators.jsonl"],
        ["annotations", "gold", "layers/export_two_annotators.jsonl", "--out", "gold"],
        ["annotations", "import", "missing.json"],
        ["dataset", "build", "--out", "ds"],
        ["dataset", "release", "--version", "1.0.0", "--releases-dir", "rel"],
        ["dataset", "verify", "rel/id-news-er/1.0.0"],
        ["dataset", "push", "rel/id-news-er/1.0.0", "--repo-id", "me/x", "--dry-run"],
        ["dataset", "push", "rel/id-news-er/1.0.0", "--repo-id", "bad"],
        ["score", "rel/id-news-er/1.0.0", "nope.jsonl"],
        ["bench", "rel/id-news-er/1.0.0", "--baseline", "rules", "--out", "b", "--resamples", "20"],
        ["predict", "rules", "--release", "rel/id-news-er/1.0.0", "--out", "p.jsonl"],
        ["score", "rel/id-news-er/1.0.0", "p.jsonl", "--resamples", "20"],
        ["corpus", "import-conll", "missing.txt", "--out", "c"],
        ["demo", "--out", "d"],
    ], url


def test_no_command_reveals_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    project_copy(tmp_path, monkeypatch)
    cmds, url = commands(tmp_path)
    monkeypatch.setenv("LABEL_STUDIO_URL", url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", LS_KEY)
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    monkeypatch.setenv("TOOLKIT_LS_RETRIES", "0")  # the server is down on purpose; do not wait for backoff
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    outputs = []
    for args in cmds:
        for verbose in ([], ["--verbose"]):
            result = runner.invoke(main, [*verbose, *args])
            outputs.append(result.output)
            assert "Traceback" not in result.output, (args, result.output)
            if result.exception and not isinstance(result.exception, SystemExit):
                raise result.exception
    assert any("Error:" in o for o in outputs) and any(o.startswith("wrote") or "released" in o for o in outputs)
    texts = outputs + [r.getMessage() for r in caplog.records]
    texts += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and p.stat().st_size < 50_000_000
    ]
    for secret in (LS_KEY, HF_TOKEN):
        leaks = [t[:200] for t in texts if secret in t]
        assert not leaks, leaks
