"""Generates export_two_annotators.json, a realistic Label Studio full export (run from the repo root)."""

import json

E = "Warga 😀🎉 menyambut Presiden Joko Widodo di Jakarta, Indonesia."
C = "Menteri Retno Marsudi tiba di Jenewa,\r\nSwiss pada Senin (8/11/2017)."
S = "Organisasi Buruh Internasional (ILO) bersidang di Jenewa. Hasan Kleib mewakili Indonesia."


def reg(rid, text, s, e, label, given=None, off16=0):
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {
            "start": s + off16,
            "end": e + off16,
            "text": given if given is not None else text[s:e],
            "labels": [label],
        },
    }


def at(text, sub, n=0):
    i = -1
    for _ in range(n + 1):
        i = text.index(sub, i + 1)
    return i, i + len(sub)


def rel(a, b, label, d="right"):
    return {"type": "relation", "from_id": a, "to_id": b, "direction": d, "labels": [label]}


def ann(aid, user, result, cancelled=False, gt=False, task=1):
    return {
        "id": aid,
        "completed_by": user,
        "result": result,
        "was_cancelled": cancelled,
        "ground_truth": gt,
        "created_at": f"2026-11-2{aid % 9}T10:00:00.000000Z",
        "updated_at": "2026-11-28T10:00:00Z",
        "lead_time": 42.5,
        "result_count": len([r for r in result if r.get("type") != "relation"]),
        "task": task,
        "project": 7,
        "prediction": {},
        "unique_id": f"u-{aid}",
    }


tasks = []
# task 1: emoji text, two annotators; annotator 1 used an OLD exporter -> UTF-16 offsets after the emoji
pj = at(E, "Presiden")
jw = at(E, "Joko Widodo")
jk = at(E, "Jakarta")
idn = at(E, "Indonesia")
t1_a1 = [
    reg("a1", E, *pj, "ROLE", off16=2),
    reg("a2", E, *jw, "PER", off16=2),
    reg("a3", E, *jk, "GPE", off16=2),
    reg("a4", E, *idn, "GPE", off16=2),
    rel("a2", "a1", "has_role"),
    rel("a3", "a4", "located_in"),
]
t1_a2 = [reg("b1", E, *jw, "PER"), reg("b2", E, *jk, "GPE"), reg("b3", E, *idn, "GPE"), rel("b2", "b3", "located_in")]
tasks.append(
    {
        "id": 1,
        "data": {"text": E, "article_id": "emoji-0001"},
        "annotations": [ann(11, 1, t1_a1, task=1), ann(12, 2, t1_a2, task=1)],
        "predictions": [
            {
                "id": 501,
                "model_version": "rules-0.1",
                "score": 0.5,
                "task": 1,
                "project": 7,
                "result": [reg("p1", E, *jw, "PER"), reg("p2", E, *jk, "GPE")],
            }
        ],
        "drafts": [],
        "meta": {},
        "total_annotations": 2,
        "cancelled_annotations": 0,
    }
)
# task 2: CRLF text; annotator 1 labels around the \r\n (a region across it is an error by default: see
# tests/annotations/test_importer.py for the UI's literal backslash-n under spans_cross_lines); annotator 2 skips
rm = at(C, "Retno Marsudi")
js = at(C, "Jenewa")
sn = at(C, "Senin (8/11/2017)")
t2_a1 = [reg("c1", C, *rm, "PER"), reg("c2", C, *js, "GPE"), reg("c3", C, *sn, "DATE")]
tasks.append(
    {
        "id": 2,
        "data": {"text": C, "article_id": "crlf-0001"},
        "annotations": [ann(21, 1, t2_a1, task=2), ann(22, 2, [], cancelled=True, task=2)],
        "predictions": [],
        "drafts": [{"id": 9, "user": "annotator2@example.com", "result": [reg("d1", C, *rm, "PER")]}],
        "meta": {},
        "total_annotations": 1,
        "cancelled_annotations": 1,
    }
)
# task 3: two annotators disagree on a boundary and a label; annotator 2 marks ground truth
o = at(S, "Organisasi Buruh Internasional")
i = at(S, "ILO")
j = at(S, "Jenewa")
h = at(S, "Hasan Kleib")
ind = at(S, "Indonesia")
t3_a1 = [
    reg("x1", S, *o, "ORG"),
    reg("x2", S, *i, "ORG"),
    reg("x3", S, *j, "GPE"),
    reg("x4", S, *h, "PER"),
    reg("x5", S, *ind, "GPE"),
    rel("x1", "x2", "alias_of", "bi"),
    rel("x2", "x3", "located_in"),
]
t3_a2 = [
    reg("y1", S, o[0], i[1] + 1, "ORG"),
    reg("y3", S, *j, "LOC"),
    reg("y4", S, *h, "PER"),
    reg("y5", S, *ind, "GPE"),
    rel("y3", "y1", "located_in", "left"),
]
tasks.append(
    {
        "id": 3,
        "data": {"text": S, "article_id": "ilo-0001"},
        "annotations": [ann(31, 1, t3_a1, task=3), ann(32, 2, t3_a2, gt=True, task=3)],
        "predictions": [],
        "drafts": [],
        "meta": {},
        "total_annotations": 2,
        "cancelled_annotations": 0,
    }
)
print(json.dumps(tasks, ensure_ascii=False, indent=1))
