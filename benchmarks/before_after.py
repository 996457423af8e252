"""The shipped model of an earlier commit against today's, on today's dev set, by style.

An earlier commit's model needs that commit's code (its features), so the older checkout is read
in a process of its own, with that checkout first on the path; both are scored on the same
records of ``annotations/dev.jsonl`` (read as articles, in ``idx`` order, without outlets: the
earlier model did not read them), with macro-F1 over all five labels.

    git worktree add /tmp/stance-before f06c04d     # the model before the document reading
    python benchmarks/before_after.py /tmp/stance-before
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "before_after.json"

# Run in the checkout to score: its own `stance`, today's dev records (a path argument).
_SCORE = r"""
import collections, json, sys
import stance
from sklearn.metrics import f1_score
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
rows.sort(key=lambda r: (str(r["doc"]), r["idx"]))
pred = list(stance.load().predict([r["text"] for r in rows], doc_ids=[r["doc"] for r in rows]))
labels = list(stance.LABELS)
truth = [r["label"] for r in rows]
by = collections.defaultdict(list)
for record, label in zip(rows, pred):
    by[record["style"]].append(record["label"] == label)
print(json.dumps({
    "macro_f1": f1_score(truth, pred, labels=labels, average="macro", zero_division=0),
    "accuracy": sum(t == p for t, p in zip(truth, pred)) / len(truth),
    "n": len(truth),
    "styles": {style: {"n": len(hits), "accuracy": sum(hits) / len(hits)}
               for style, hits in sorted(by.items())},
}))
"""


def score(checkout: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _SCORE, str(ROOT / "annotations" / "dev.jsonl")],
        cwd=checkout,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="a checkout of the earlier commit")
    args = parser.parse_args()
    before, after = score(args.before.resolve()), score(ROOT)
    styles = sorted(before["styles"])  # type: ignore[arg-type]
    print("| style | sentences | before | after |")
    print("|---|---:|---:|---:|")
    for style in styles:
        b, a = before["styles"][style], after["styles"][style]  # type: ignore[index]
        print(f"| {style} | {b['n']} | {b['accuracy']:.3f} | {a['accuracy']:.3f} |")
    print(
        f"| **all (macro-F1)** | {after['n']} | {before['macro_f1']:.3f} | "
        f"{after['macro_f1']:.3f} |"
    )
    RESULTS.write_text(
        json.dumps({"before": before, "after": after}, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
