"""The toolkit's exceptions: one root, small subclasses.

Every message names the file (and, where it applies, the task, annotation and
region ids or the line number) and says how to fix the problem. The CLI turns
any :class:`ToolkitError` into a one-line ``Error: ...`` and a non-zero exit.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Root of every error the toolkit raises on purpose."""


class SchemaError(ToolkitError):
    """The entity/relation schema file is missing or invalid."""


class SeedError(ToolkitError):
    """A seed page cannot be ingested (empty, binary, not UTF-8, no body, changed)."""


class ModelError(ToolkitError):
    """A value of the canonical model is inconsistent (bad offsets, unknown ids)."""


class OutputError(ToolkitError):
    """An output file or folder cannot be written."""


class LabelStudioError(ToolkitError):
    """Talking to a Label Studio server failed."""
