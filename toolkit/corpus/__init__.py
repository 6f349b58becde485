"""External corpora into the canonical model: units of annotated text, written as documents and gold records.

A format's reader (:mod:`toolkit.formats`) turns a file into units; :func:`write_units` writes them the same
way whatever the format - ``articles.jsonl``, ``gold.jsonl`` (with the types the corpus annotates) and
``corpus.json`` (input files with checksums, counts, what was merged, dropped or kept) - so release, bench and
score serve them unchanged.
"""

from toolkit.corpus.units import (
    CorpusError,
    ReadOptions,
    Skips,
    Unit,
    from_tokens,
    mapped,
    split_of,
    unit_example,
    write_units,
)

__all__ = [
    "CorpusError",
    "ReadOptions",
    "Skips",
    "Unit",
    "from_tokens",
    "mapped",
    "split_of",
    "unit_example",
    "write_units",
]
