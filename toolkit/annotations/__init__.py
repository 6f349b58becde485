"""Annotations: streaming import and validation of Label Studio exports, agreement, gold."""

from toolkit.annotations.import_report import AnnotationImportError, ImportReport
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import read_layers

__all__ = ["AnnotationImportError", "ImportReport", "import_export", "read_layers"]
