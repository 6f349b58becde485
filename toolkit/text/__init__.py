"""Text views every stage shares: tokens with code-point offsets, sentence bounds and the tagged (BIO) view.

- :mod:`tokens`: the news tokenizer (offsets never lost) and a document's own tokens;
- :mod:`sentences`: abbreviation-aware sentence bounds, never inside an entity;
- :mod:`bio`: the token view of character spans, and one decoder/encoder whose tagging schemes
  (IOB1, IOB2, IOE1, IOE2, IOBES, BILOU) are declared as data.

Imports nothing of the toolkit but the model.
"""
