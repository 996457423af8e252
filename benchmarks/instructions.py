"""Instructions per sentence of the labelling path, counted by valgrind, for two revisions.

The host these benchmarks run on is shared: the same timing moves by up to 1.2x between runs,
which hides a change of a few percent. Callgrind counts the instructions the CPU executes
instead of seconds, the same every time for the same code, input and hash seed, however
busy the machine is (Python's string hashing is seeded, so ``PYTHONHASHSEED`` is fixed).

For each revision (the working tree, and ``--against REV`` checked out with ``git worktree``)
it counts a process that labels ``--articles`` articles of the benchmark corpus with
``stance.batch.label_rows`` and one that labels none, and divides the difference by the
sentences: start-up, imports and the model load cancel out. ::

    .venv/bin/python benchmarks/instructions.py --against 3407e50
    .venv/bin/python benchmarks/instructions.py --articles 20 --step gazetteer
    .venv/bin/python benchmarks/instructions.py --core python --step reading

``--core`` picks the reading core of the working tree (``STANCE_CORE``; a revision from
before the compiled core always reads with Python). The steps: ``label_rows`` (split, reading,
both stages, cues, rows), ``predict_proba`` (reading and both stages, in article context),
``split`` (sentence spans), ``gazetteer`` (mentions), ``reading`` (every feature of every
sentence in context: the Python reference's ``Model.featurize``, the compiled core's
``Reader.read``, which adds the first-stage sums) and ``jsonl`` (writing labelled rows as
``stance label`` does, from batches labelled beforehand).

Needs ``valgrind`` (Debian's package). Slow: about 40 s per revision for 40 articles.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("label_rows", "predict_proba", "split", "gazetteer", "reading", "featurize", "jsonl")
WORKLOAD = """\
import json, sys
from itertools import islice
from stance.batch._labelling import _batches, label_rows
from stance.text._actors import load_gazetteer
from stance.text._splitting import split_bounded
import stance

try:
    from stance import _core
    compiled = _core.compiled() if _core.active() == "compiled" else None
except ImportError:  # a revision from before the compiled core
    compiled = None
step, path, n, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(path, encoding="utf-8") as handle:
    articles = [json.loads(line) for line in islice(handle, total + 1)]
model = stance.load()
label_rows(model, next(_batches(articles[:1], 1)))  # warm: every lazy table is built
gazetteer = load_gazetteer()
reader = model._compiled_reader() if compiled is not None else None
# The harness's own work (batches, lines) is the same for every n: only the step differs.
work = []
for batch in _batches(articles[1:], 32):
    lines = [line for article in batch for line in article.text.split("\\n")]
    docs = [i for i, article in enumerate(batch) for _ in article.text.split("\\n")]
    work.append((batch, lines, docs))
if step == "jsonl":  # labelled beforehand, whatever n: only the writing is counted
    from stance.batch import _labelling
    from stance.batch._labelling import LabelledBatch, _label_columns, _unit_batches
    pieces = getattr(_labelling, "_pieces", lambda units: units)  # units, before 2026-12-07
    labelled = [
        LabelledBatch(units, _label_columns(model, pieces(units)))
        for batch, _, _ in work
        for units, _ in _unit_batches(iter(batch), len(batch))
    ]
done = 0
for number, (batch, lines, docs) in enumerate(work):
    if done >= n:
        break
    done += len(batch)
    if step == "label_rows":
        label_rows(model, batch)
    elif step == "predict_proba":
        model.predict_proba(lines, doc_ids=docs)
    elif step == "split":
        for article in batch:
            if compiled is not None:
                compiled.split_spans(article.text, 1000)
            else:
                list(split_bounded(article.text, 1000))
    elif step == "gazetteer":
        for line in lines:
            reader.find(line) if reader is not None else gazetteer.find(line)
    elif step == "jsonl":
        labelled[number].jsonl()
    elif step == "reading" and reader is not None:
        bounds = [(a, a + 30) for a in range(0, len(lines), 30)]
        reader.read(lines, bounds, [None] * len(bounds), model._fixed)
    else:  # "reading" with the Python core, and "featurize": the reference's features
        model.featurize(lines, docs)
"""


def count(
    source: Path, workload: Path, step: str, corpus: Path, articles: int, core: str, total: int
) -> int:
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": str(source),
        "STANCE_CORE": core,
        **bench.ONE_THREAD,
    }
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(workload),
            step,
            str(corpus),
            str(articles),
            str(total),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind run failed ({source}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_sentence(
    source: Path, workload: Path, step: str, corpus: Path, articles: int, core: str
) -> float:
    sentences = articles * bench.ARTICLE_SENTENCES
    return (
        count(source, workload, step, corpus, articles, core, articles)
        - count(source, workload, step, corpus, 0, core, articles)
    ) / sentences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="a git revision to compare with")
    parser.add_argument("--articles", type=int, default=40, help="articles of 30 sentences")
    parser.add_argument("--step", choices=STEPS, default="label_rows")
    parser.add_argument(
        "--core",
        choices=("compiled", "python"),
        default="compiled",
        help="the working tree's reading core (default compiled)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stance-instr-") as folder:
        corpus = Path(folder) / "corpus.jsonl"
        bench.write_corpus(corpus, (args.articles + 1) * bench.ARTICLE_SENTENCES)
        workload = Path(folder) / "workload.py"
        workload.write_text(WORKLOAD, encoding="utf-8")
        sources = {"working tree": ROOT}
        if args.against:
            checkout = Path(folder) / "against"
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "add",
                    "--detach",
                    "-q",
                    str(checkout),
                    args.against,
                ],
                check=True,
            )
            sources[args.against] = checkout
        try:
            counts = {
                name: per_sentence(source, workload, args.step, corpus, args.articles, args.core)
                for name, source in sources.items()
            }
        finally:
            if args.against:
                subprocess.run(
                    [
                        "git",
                        "-C",
                        str(ROOT),
                        "worktree",
                        "remove",
                        "--force",
                        str(sources[args.against]),
                    ],
                    check=False,
                )
    for name, value in counts.items():
        shown = f"{name}, {args.core} core" if name == "working tree" else name
        print(f"{args.step}: {value:,.0f} instructions per sentence ({shown})")
    if args.against:
        ratio = counts[args.against] / counts["working tree"]
        print(f"{args.against} / working tree: {ratio:.3f}")
    print(
        json.dumps(
            {
                "step": args.step,
                "core": args.core,
                "articles": args.articles,
                "instructions_per_sentence": counts,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
