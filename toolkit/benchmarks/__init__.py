"""Benchmarks: baselines trained and scored on releases, keyed by release checksum; the leaderboard and plots."""

from toolkit.benchmarks.leaderboard import regenerate
from toolkit.benchmarks.runner import run

__all__ = ["regenerate", "run"]
