"""The shipped model on the held-out sets, for docs/model.md.

``annotations/retold_eval.jsonl`` (300 documents, never trained on, in many languages),
``annotations/retold_test.jsonl`` (200 documents in English, never trained on nor read for
errors: the blind test set) and ``annotations/dev.jsonl`` (all English), each read by whole
documents with their outlets (and the sites of their addresses):
macro-F1, accuracy and calibration overall, by style, and by language, English or not (a
document is English when at least 12% of its words are among twenty common English words; a
plain test, enough to split English pages from the rest).

    python benchmarks/retold_eval.py      # writes benchmarks/results/retold_eval.json
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import stance
from stance.annotate._records import read_annotations, shipped_path
from stance.model._evaluation import group_reports, predict_records, report

RESULTS = Path(__file__).resolve().parent / "results" / "retold_eval.json"
ENGLISH_WORDS = frozenset(
    "the of and to in is that was for on with said by has have are it as at from".split()
)
ENGLISH_SHARE = 0.12


def language_of(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    share = sum(word in ENGLISH_WORDS for word in words) / len(words) if words else 0.0
    return "English" if share >= ENGLISH_SHARE else "other languages"


def with_language(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    texts: dict[str, list[str]] = defaultdict(list)
    for record in records:
        texts[record["doc"]].append(record["text"])
    language = {doc: language_of(" ".join(lines)) for doc, lines in texts.items()}
    return [{**record, "language": language[record["doc"]]} for record in records]


def summary(result: dict[str, Any]) -> dict[str, Any]:
    return {key: result[key] for key in ("n", "accuracy", "macro_f1", "ece") if key in result}


def main() -> None:
    model = stance.load()
    out: dict[str, Any] = {}
    for name in ("retold_eval", "retold_test", "dev"):
        records = with_language(read_annotations(shipped_path(name)))
        proba = predict_records(
            lambda t, d, o: model.predict_proba(t, doc_ids=d, outlets=o), records
        )
        labels = [stance.LABELS[k] for k in proba.argmax(axis=1)]
        out[name] = {
            "all": summary(report([r["label"] for r in records], labels, proba)),
            "by_style": {k: summary(v) for k, v in group_reports(records, proba, "style").items()},
            "by_language": {
                k: summary(v) for k, v in group_reports(records, proba, "language").items()
            },
            "documents": len({r["doc"] for r in records}),
            "outlets": len({r["outlet"] for r in records}),
        }
    for name, found in out.items():
        print(f"{name}: {found['documents']} documents, {found['outlets']} outlets")
        print("| group | sentences | accuracy | macro-F1 |\n|---|---|---|---|")
        rows = {"all": found["all"], **found["by_language"], **found["by_style"]}
        for group, figures in rows.items():
            print(
                f"| {group} | {figures['n']} | {figures['accuracy']:.3f} | "
                f"{figures['macro_f1']:.3f} |"
            )
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
