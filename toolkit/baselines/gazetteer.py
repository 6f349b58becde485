"""A dictionary matcher learned from the training spans: longest match over tokens.

Case rule: a one-token entry matches only a capitalised (or all-caps) token; longer entries match
case-insensitively. Each surface form takes its most frequent training label (ties: alphabetical).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from toolkit._io import atomic_write_text, dumps
from toolkit.baselines.base import BaselineError, ConfigValue, read_config, spans_in_order, write_config
from toolkit.baselines.crf_features import gazetteer_tags
from toolkit.model import Document, Example, Span
from toolkit.schema import Schema
from toolkit.text.bio import bio_to_spans
from toolkit.text.tokens import doc_tokens

MAX_LEN = 8


def learn_entries(train: Sequence[Example]) -> dict[tuple[str, ...], str]:
    """Surface forms (lower-cased token tuples) of the training spans, each with its majority label."""
    counts: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for doc, gold in train:
        tokens = doc_tokens(doc.text, doc.metadata)
        for span in gold.spans:
            words = tuple(doc.text[a:b].lower() for a, b in tokens if a >= span.start and b <= span.end)
            if 0 < len(words) <= MAX_LEN:
                counts[words][span.label] += 1
    return {k: sorted(c.items(), key=lambda x: (-x[1], x[0]))[0][0] for k, c in counts.items()}


def match(doc: Document, entries: Mapping[tuple[str, ...], str], cross_lines: bool = False) -> list[Span]:
    """The entries found in a text, longest first; across a line break only if ``cross_lines``."""
    tokens = doc_tokens(doc.text, doc.metadata)
    words = [doc.text[a:b] for a, b in tokens]
    return bio_to_spans(tokens, gazetteer_tags(words, entries, MAX_LEN), text=None if cross_lines else doc.text)


class GazetteerExtractor:
    name: ClassVar[str] = "gazetteer"

    def __init__(self) -> None:
        self.entries: dict[tuple[str, ...], str] = {}
        self.cross_lines = False  # the schema's spans_cross_lines

    def fit(self, train: Sequence[Example], schema: Schema) -> None:
        self.entries = learn_entries(train)
        self.cross_lines = schema.spans_cross_lines

    def config(self) -> dict[str, ConfigValue]:
        return {}  # learnt entirely from the training spans

    def predict_spans(self, doc: Document) -> list[Span]:
        return spans_in_order(match(doc, self.entries, self.cross_lines))

    def save(self, folder: Path) -> None:
        write_config(
            folder, self.name, {"entries": len(self.entries), "max_len": MAX_LEN, "cross_lines": self.cross_lines}
        )
        rows = sorted([" ".join(k), v] for k, v in self.entries.items())
        atomic_write_text(Path(folder) / "gazetteer.json", dumps(rows) + "\n")

    @classmethod
    def load(cls, folder: Path) -> GazetteerExtractor:
        config = read_config(folder, cls.name)
        model = cls()
        model.cross_lines = bool(config.get("cross_lines", False))
        try:
            rows = json.loads((Path(folder) / "gazetteer.json").read_text(encoding="utf-8"))
            model.entries = {tuple(k.split(" ")): v for k, v in rows}
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{folder}/gazetteer.json: cannot read ({exc})") from None
        return model
