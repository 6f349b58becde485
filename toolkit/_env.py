"""Numbers from environment variables (retries, timeouts, workers): read in one place, refused by name when they
are not numbers, never silently replaced by a default."""

from __future__ import annotations

import os

from toolkit.errors import ToolkitError


def env_number(name: str, default: float, *, integer: bool = False, minimum: float = 0) -> float:
    """``$name`` as a number (an integer with ``integer``) of at least ``minimum``; ``default`` when unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = None
    if value is None or value != value or value < minimum:  # value != value: NaN
        kind = "a whole number" if integer else "a number"
        raise ToolkitError(
            f"${name} must be {kind} of at least {minimum:g}, got {raw!r}; unset it (default {default:g}) or set it "
            f"to one, for example {name}={default:g}"
        )
    return value
