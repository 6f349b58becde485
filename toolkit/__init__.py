"""News articles in, a versioned, benchmarked entity-and-relation dataset out."""

from toolkit.errors import ToolkitError
from toolkit.model import Annotation, Document, Provenance, Relation, Span

__version__ = "0.1.0"

__all__ = ["Annotation", "Document", "Provenance", "Relation", "Span", "ToolkitError", "__version__"]
