"""The streaming importer's memory does not grow with the export (issue: performance).

Runs in subprocesses so each peak RSS is its own (~35 MB at both 1k and 10k tasks when run alone;
a json.load of the 10k export alone takes ~450 MB).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks" / "speed"))
from generate import write_export

CHILD = """
import json, resource, sys
from pathlib import Path
from toolkit.annotations.importer import import_export
from toolkit.schema import load_schema
r = import_export(Path(sys.argv[1]), load_schema(Path(sys.argv[2])), out_dir=Path(sys.argv[3]))
# VmHWM: this process's own peak RSS (ru_maxrss keeps the forking parent's size across exec on Linux)
hwm = [int(x.split()[1]) / 1024 for x in open("/proc/self/status") if x.startswith("VmHWM:")]
print(json.dumps({"rss_mb": hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "counts": r.counts,
                  "skipped": r.skipped, "errors": len(r.errors)}))
"""


def _import(export: Path, out: Path) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(export), str(REPO / "schemas" / "schema.yaml"), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    tmp = tmp_path_factory.mktemp("exports")
    return {n: write_export(n, tmp / f"export-{n}.json", seed=3) for n in (1_000, 10_000)}


@pytest.mark.slow
def test_peak_memory_is_bounded_and_flat(exports: dict[int, Path], tmp_path: Path) -> None:
    small = _import(exports[1_000], tmp_path / "a")
    large = _import(exports[10_000], tmp_path / "b")
    assert exports[10_000].stat().st_size > 60_000_000
    figures = f"peak RSS {small['rss_mb']:.0f} MB at 1k tasks, {large['rss_mb']:.0f} MB at 10k"
    # Memory does not grow with the export: 10x the tasks, at most +50% memory; ~35 MB at both sizes here.
    assert large["rss_mb"] < small["rss_mb"] * 1.5 + 20, figures
    assert large["rss_mb"] < 200, figures
    assert large["errors"] == 0


@pytest.mark.slow
def test_counts_add_up_on_a_large_export(exports: dict[int, Path], tmp_path: Path) -> None:
    result = _import(exports[10_000], tmp_path / "c")
    for kind, c in result["counts"].items():
        assert c["in"] == c["written"] + c["skipped"], kind
        assert c["skipped"] == sum(result["skipped"].get(kind, {}).values()), kind
    assert result["counts"]["tasks"] == {"in": 10_000, "written": 10_000, "skipped": 0}
    assert result["skipped"]["annotations"] == {
        "cancelled (skipped by the annotator)": result["counts"]["annotations"]["skipped"]
    }
