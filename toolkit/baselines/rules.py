"""A rule baseline for Indonesian news: dates, quantities, roles, people after honorifics and
cue words, organisations introduced by their kind, and acronyms in parentheses. When a rule has
a group named ``e``, that group is the entity."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from toolkit.baselines.base import ConfigValue, spans_in_order, write_config
from toolkit.model import Document, Example, Span
from toolkit.schema import Schema

MONTHS = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
DAYS = "Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu"
CAP = r"[A-Z][\w'.-]*"
SP = r"[ \t]"  # a space that is not a line break: no rule matches across lines
CAPS = rf"{CAP}(?:{SP}+{CAP})*"
ROLE_HEADS = (
    "Direktur Jenderal|Direktur Utama|Direktur|Menteri|Wakil Menteri|Wakil Tetap|Duta Besar|Gubernur|Wakil Gubernur|"
    "Bupati|Wali Kota|Walikota|Presiden|Wakil Presiden|Ketua Umum|Ketua|Sekretaris Jenderal|Kepala|Juru Bicara"
)
ORG_HEADS = (
    "Kementerian|Badan|Dinas|Komisi|Partai|Organisasi|Universitas|Lembaga|Dewan|Majelis|Bank|PT|Polda|Polres|"
    "Pemerintah|Mahkamah|Kejaksaan"
)
ACRONYM = r"(?<=\()[A-Z]{2,}(?=\))"
"""An acronym in brackets, the alias of the name written right before it ("Organisasi Buruh Internasional (ILO)")."""
LANGUAGE = "id"
"""The language the patterns are written for (Indonesian month, day, role and organisation words)."""
RULES: tuple[tuple[str, str], ...] = (
    (
        "DATE",
        rf"\b(?:(?:{DAYS}){SP}*\(\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\)|\d{{1,2}}{SP}+(?:{MONTHS})(?:-{SP}*\d{{1,2}}{SP}+(?:{MONTHS}))?{SP}+\d{{4}}|(?:{MONTHS}){SP}+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})",
    ),
    (
        "QUANTITY",
        rf"\b\d+(?:[.,]\d+)*{SP}+(?:persen|orang|negara|ribu|juta|miliar|triliun|unit|pusat{SP}+\w+|kilometer|km|ton)\b",
    ),
    ("QUANTITY", rf"\bRp{SP}?\d+(?:[.,]\d+)*(?:{SP}+(?:ribu|juta|miliar|triliun))?"),
    ("ROLE", rf"\b(?:{ROLE_HEADS})(?:{SP}+(?:{CAP}|dan|untuk|RI))*"),
    ("ORG", rf"\b(?:{ORG_HEADS}){SP}+{CAPS}"),
    ("PER", rf"\b(?:Bapak|Ibu|Pak|Bu|Dr\.|Prof\.|kata|ujar|tutur|jelas) (?P<e>{CAPS})"),
    ("ORG", ACRONYM),
)


class RuleExtractor:
    name: ClassVar[str] = "rules"

    def __init__(self) -> None:
        self.labels: set[str] = set()

    def fit(self, train: Sequence[Example], schema: Schema) -> None:
        self.labels = set(schema.entity_labels)

    def config(self) -> dict[str, ConfigValue]:
        return {}  # the rules are code; the labels come from the schema

    def predict_spans(self, doc: Document) -> list[Span]:
        found: list[Span] = []
        taken: list[tuple[int, int]] = []
        for label, pattern in RULES:
            if self.labels and label not in self.labels:
                continue
            for m in re.finditer(pattern, doc.text):
                a, b = m.span("e") if "e" in m.groupdict() else m.span()
                while b > a and doc.text[b - 1] in " ,.;:":
                    b -= 1
                if b > a and not any(a < y and x < b for x, y in taken):
                    taken.append((a, b))
                    found.append(Span("r", a, b, label))
        return spans_in_order(found)

    def save(self, folder: Path) -> None:
        write_config(folder, self.name, {"labels": sorted(self.labels), "rules": [list(r) for r in RULES]})

    @classmethod
    def load(cls, folder: Path) -> RuleExtractor:
        from toolkit.baselines.base import read_config

        model = cls()
        model.labels = set(read_config(folder, cls.name)["labels"])
        return model
