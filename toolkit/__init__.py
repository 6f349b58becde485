"""News articles in, a versioned, benchmarked entity-and-relation dataset out."""

from toolkit.errors import ToolkitError
from toolkit.model import Document, Layer, Provenance, Relation, Span

__version__ = "0.1.0"

__all__ = ["Document", "Layer", "Provenance", "Relation", "Span", "ToolkitError", "__version__"]
