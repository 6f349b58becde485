"""Forked worker processes for big inputs (the dataset build, agreement).

Work is split into units that depend only on the data and gathered in order, so results are
identical with any number of workers. Workers are forked (as `datasets`' ``num_proc`` does):
spawned ones would re-run the caller's script, which a library cannot ask of its users; where fork
is not the platform's way (not Linux) the work runs in this process. ``TOOLKIT_WORKERS=N`` sets the
number (``1`` turns them off, any number forces them on for small inputs too).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MAX_WORKERS = 4
PARALLEL_FROM_BYTES = 16 << 20
"""Inputs smaller than this are handled in this process: starting workers would cost more than it saves."""


@contextmanager
def worker_pool(
    paths: Sequence[Path], warm_up: Callable[[], object] | None = None, from_bytes: int = PARALLEL_FROM_BYTES
) -> Iterator[Any]:
    """A pool of forked workers for inputs of ``from_bytes`` or more, else None (see the module docstring).

    ``warm_up`` runs once before forking, so that every worker inherits what it loads.
    """
    from toolkit._env import env_number

    wanted = os.environ.get("TOOLKIT_WORKERS", "").strip()
    n = int(env_number("TOOLKIT_WORKERS", min(os.cpu_count() or 1, MAX_WORKERS), integer=True, minimum=1))
    size = sum(Path(p).stat().st_size for p in paths if Path(p).is_file())
    if n < 2 or (size < from_bytes and not wanted) or not sys.platform.startswith("linux"):
        yield None
        return
    if warm_up is not None:
        warm_up()
    with multiprocessing.get_context("fork").Pool(n) as pool:
        yield pool
