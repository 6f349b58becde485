"""Label and boundary variation: the corpus's own strings annotated differently in different places.

In the spirit of Dickinson and Meurers' variation n-grams: every token n-gram whose (case- and
space-normalised) text is a gold span somewhere is looked up everywhere else. Scores are shares of
the evidence with one pseudo-count, so a string seen twice never outranks one seen twenty times:

- label variation: an occurrence labelled L where the same string is labelled M more often gets
  ``c_M / (c_M + c_L + 1)``; an unlabelled occurrence of a string labelled E times and left
  unlabelled U times (E >= U) gets ``E / (E + U + 1)`` (halved when its capitalisation differs from
  the labelled ones); a labelled occurrence of a string left unlabelled more often gets
  ``U / (U + E + 1)``;
- boundary variation: a span whose extent moved by one token (``[i±1, j)``, ``[i, j±1)``) would
  match a string that is a span more often; the share ``E_alt / (E_alt + E_own + 1)`` is weighted
  by how often the token that changes sides is inside spans in the corpus (for a token the span
  would gain) or outside them (for a token it would lose).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from toolkit.quality.corpus import QaDoc
from toolkit.quality.suspects import NOT_AN_ENTITY, Kind, Suspect

MAX_NGRAM = 8
"""Longest span (in tokens) looked up; longer spans are rare and rarely repeat."""

Occurrence = tuple[int, int, int]  # (document index, first token, end token)


def _norm(doc: QaDoc, i: int, j: int) -> tuple[str, ...]:
    return tuple(doc.document.text[a:b].casefold() for a, b in doc.tokens[i:j])


def _capitalised(doc: QaDoc, i: int) -> bool:
    a, _ = doc.tokens[i]
    return doc.document.text[a : a + 1].isupper()


@dataclass
class _Index:
    docs: Sequence[QaDoc]
    exact: dict[Occurrence, str]  # gold spans by token range -> label
    covered: list[list[bool]]  # per document, per token: inside some gold span
    labels: dict[tuple[str, ...], Counter[str]]  # string -> labels of its gold spans
    occurrences: dict[tuple[str, ...], list[Occurrence]]  # string -> every place it occurs as a token n-gram
    inside: Counter[str]  # token text -> times inside a gold span
    seen: Counter[str]  # token text -> times seen


def _index(docs: Sequence[QaDoc]) -> _Index:
    exact: dict[Occurrence, str] = {}
    covered: list[list[bool]] = []
    labels: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    inside: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for d, doc in enumerate(docs):
        cov = [False] * len(doc.tokens)
        for span in doc.gold.spans:
            i, j = doc.token_span(span)
            if i >= j:
                continue
            exact[(d, i, j)] = span.label
            labels[_norm(doc, i, j)][span.label] += 1
            for t in range(i, j):
                cov[t] = True
        covered.append(cov)
        for t, (a, b) in enumerate(doc.tokens):
            word = doc.document.text[a:b].casefold()
            seen[word] += 1
            inside[word] += cov[t]
    occurrences: dict[tuple[str, ...], list[Occurrence]] = defaultdict(list)
    longest = min(MAX_NGRAM, max((len(k) for k in labels), default=0))
    for d, doc in enumerate(docs):
        words = [doc.document.text[a:b].casefold() for a, b in doc.tokens]
        for i in range(len(words)):
            for n in range(1, min(longest, len(words) - i) + 1):
                key = tuple(words[i : i + n])
                if key in labels:
                    occurrences[key].append((d, i, i + n))
    return _Index(docs, exact, covered, labels, occurrences, inside, seen)


def _inside_rate(ix: _Index, word: str) -> float:
    return (ix.inside[word] + 0.5) / (ix.seen[word] + 1.0)


def _item(
    ix: _Index,
    occ: Occurrence,
    label: str | None,
    suggestion: str,
    kind: Kind,
    score: float,
    detector: str,
    reason: str,
    suggested_span: tuple[int, int] | None = None,
) -> Suspect:
    d, i, j = occ
    doc = ix.docs[d]
    start, end = doc.chars(i, j)
    text = doc.document.text[start:end]
    return Suspect(
        doc.document.id,
        start,
        end,
        text,
        label,
        suggestion,
        kind,
        score,
        (detector,),
        (reason,),
        suggested_span,
        split=doc.split,
    )


def label_variation(docs: Sequence[QaDoc]) -> list[Suspect]:
    """Strings labelled with different types, or labelled in some places and not in others."""
    ix = _index(docs)
    out: list[Suspect] = []
    for key, occs in ix.occurrences.items():
        counts = ix.labels[key]
        labelled = [o for o in occs if o in ix.exact]
        unlabelled = [o for o in occs if not any(ix.covered[o[0]][o[1] : o[2]])]
        e, u = len(labelled), len(unlabelled)
        major, c_major = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        shown = " ".join(key)
        for occ in labelled:
            label = ix.exact[occ]
            c_own = counts[label]
            if label != major and c_major >= c_own:
                out.append(
                    _item(
                        ix,
                        occ,
                        label=label,
                        suggestion=major,
                        kind="label",
                        score=c_major / (c_major + c_own + 1),
                        detector="label_variation",
                        reason=f"'{shown}' is labelled {major} {c_major}x and {label} {c_own}x in the corpus",
                    )
                )
        if u > e:
            for occ in labelled:
                out.append(
                    _item(
                        ix,
                        occ,
                        label=ix.exact[occ],
                        suggestion=NOT_AN_ENTITY,
                        kind="spurious",
                        score=u / (u + e + 1),
                        detector="label_variation",
                        reason=f"'{shown}' is left unlabelled {u}x and labelled {e}x in the corpus",
                    )
                )
        elif u:
            caps = Counter(_capitalised(docs[d], i) for d, i, _ in labelled).most_common(1)[0][0]
            for occ in unlabelled:
                weight = 1.0 if _capitalised(docs[occ[0]], occ[1]) == caps else 0.5
                out.append(
                    _item(
                        ix,
                        occ,
                        label=None,
                        suggestion=major,
                        kind="missed",
                        score=weight * e / (e + u + 1),
                        detector="label_variation",
                        reason=f"'{shown}' is labelled {major} {e}x in the corpus but not here ({u}x unlabelled)",
                    )
                )
    return out


def _alternatives(ix: _Index, d: int, i: int, j: int) -> list[tuple[int, int, str, bool]]:
    """Extents one token away: (i, j, the token that changes sides, whether the span would gain it)."""
    n = len(ix.docs[d].tokens)
    words = ix.docs[d].tokens
    text = ix.docs[d].document.text

    def word(t: int) -> str:
        return text[words[t][0] : words[t][1]].casefold()

    alts = []
    if i > 0:
        alts.append((i - 1, j, word(i - 1), True))
    if j < n:
        alts.append((i, j + 1, word(j), True))
    if j - i >= 2:
        alts.append((i + 1, j, word(i), False))
        alts.append((i, j - 1, word(j - 1), False))
    return alts


def boundary_variation(docs: Sequence[QaDoc]) -> list[Suspect]:
    """Spans whose extent, moved by one token, would match a string annotated as a span more often."""
    ix = _index(docs)
    out: list[Suspect] = []
    for (d, i, j), label in ix.exact.items():
        doc = docs[d]
        own = sum(ix.labels[_norm(doc, i, j)].values())
        for a, b, changed, gains in _alternatives(ix, d, i, j):
            counts = ix.labels.get(_norm(doc, a, b))
            if not counts:
                continue
            alt = sum(counts.values())
            if alt <= own:
                continue
            rate = _inside_rate(ix, changed)
            weight = rate if gains else 1.0 - rate
            score = weight * alt / (alt + own + 1)
            if score <= 0.05:
                continue
            start, end = doc.chars(a, b)
            alt_label = counts.most_common(1)[0][0]
            side = "include it?" if gains else "leave it out?"
            out.append(
                _item(
                    ix,
                    (d, i, j),
                    label=label,
                    suggestion=alt_label,
                    kind="boundary",
                    score=score,
                    detector="boundary_variation",
                    reason=(
                        f"'{doc.document.text[start:end]}' is a span {alt}x in the corpus, this extent {own}x; "
                        f"'{changed}' is inside spans {rate:.0%} of the time ({side})"
                    ),
                    suggested_span=(start, end),
                )
            )
    return out
