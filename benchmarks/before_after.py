"""The shipped model of an earlier commit against today's, on today's dev set, by style.

An earlier commit's model needs that commit's code (its features), so the older checkout is read
in a process of its own, with that checkout first on the path; both are scored on the same
records of ``annotations/dev.jsonl`` (read as articles, in ``idx`` order, without outlets: the
earlier model did not read them), with macro-F1 over all five labels, accuracy by style, and by
style the mean error of each document's label shares (what ``stance compare`` reports).

    git worktree add /tmp/stance-before f06c04d     # the model before the document reading
    python benchmarks/before_after.py /tmp/stance-before
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from stance._labels import LABELS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "before_after.json"
DEV = ROOT / "annotations" / "dev.jsonl"

# Run in the checkout: its own `stance` predicts today's dev records (a path argument), read as
# articles in (doc, idx) order; the figures are computed here, the same way for both.
_PREDICT = r"""
import json, sys
import stance
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
rows.sort(key=lambda r: (str(r["doc"]), r["idx"]))
pred = stance.load().predict([r["text"] for r in rows], doc_ids=[r["doc"] for r in rows])
print(json.dumps([str(label) for label in pred]))
"""


def dev_rows() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    return sorted(rows, key=lambda r: (str(r["doc"]), r["idx"]))


def predictions(checkout: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PREDICT, str(DEV)],
        cwd=checkout,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout))


def share_error(truth: list[str], pred: list[str]) -> float:
    """How far a document's predicted label shares are from its true ones: half the sum of the
    absolute differences over the five labels (the share of sentences that would have to
    change label), as `stance compare` would count them for that document."""
    n = len(truth)
    return sum(abs(truth.count(label) - pred.count(label)) for label in LABELS) / (2 * n)


def figures(rows: list[dict[str, Any]], pred: list[str]) -> dict[str, Any]:
    truth = [r["label"] for r in rows]
    styles: dict[str, dict[str, Any]] = {}
    for style in sorted({r["style"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["style"] == style]
        docs: dict[str, list[int]] = defaultdict(list)
        for i in idx:
            docs[str(rows[i]["doc"])].append(i)
        errors = [share_error([truth[i] for i in d], [pred[i] for i in d]) for d in docs.values()]
        styles[style] = {
            "n": len(idx),
            "documents": len(docs),
            "accuracy": sum(truth[i] == pred[i] for i in idx) / len(idx),
            "share_error": sum(errors) / len(errors),
        }
    return {
        "macro_f1": f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0),
        "accuracy": sum(t == p for t, p in zip(truth, pred)) / len(truth),
        "n": len(truth),
        "styles": styles,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="a checkout of the earlier commit")
    args = parser.parse_args()
    rows = dev_rows()
    before = figures(rows, predictions(args.before.resolve()))
    after = figures(rows, predictions(ROOT))
    print(
        "| style | sentences | documents | accuracy before | after | share error before | after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for style, b in before["styles"].items():
        a = after["styles"][style]
        print(
            f"| {style} | {b['n']} | {b['documents']} | {b['accuracy']:.3f} | "
            f"{a['accuracy']:.3f} | {b['share_error']:.3f} | {a['share_error']:.3f} |"
        )
    print(
        f"| **all** (macro-F1, accuracy) | {after['n']} | | {before['macro_f1']:.3f}, "
        f"{before['accuracy']:.3f} | {after['macro_f1']:.3f}, {after['accuracy']:.3f} | | |"
    )
    RESULTS.write_text(
        json.dumps({"before": before, "after": after}, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
