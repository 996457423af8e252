"""``stance label``: one row per sentence of every article, resumable, with every core."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from stance._cli._common import Progress
from stance._errors import StanceError
from stance._io import dumps

if TYPE_CHECKING:
    from stance.batch._sink import RowSink
    from stance.batch._sources import Located, Skips

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    label = commands.add_parser("label", help="label every sentence of articles")
    label.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help=".txt files, .jsonl files (id, text, outlet, date), directories, - for stdin",
    )
    label.add_argument(
        "-o",
        "--output",
        help="output file (default: stdout); run again to label what is not yet in it "
        "(an interrupted run, new inputs); see docs/batch.md",
    )
    label.add_argument(
        "--format",
        choices=("jsonl", "csv", "parquet"),
        help="output format (default: from the output's suffix, else jsonl)",
    )
    label.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="processes that label, this one included (default: every core)",
    )
    label.add_argument("--outlet", help="outlet for articles whose record or catalog gives none")
    label.add_argument(
        "--catalog",
        help="CSV with file, outlet, published columns (default: catalog.csv beside the articles)",
    )
    label.add_argument("--model", help="model directory (default: the shipped model)")
    label.add_argument(
        "--overwrite",
        action="store_true",
        help="label everything again into an existing output (never an input)",
    )
    label.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    label.add_argument(
        "--min-confidence",
        type=float,
        default=None,
        metavar="P",
        help="label a sentence 'uncertain' when its most probable label is below P (its "
        "probabilities stay in the row); `stance evaluate` shows the accuracy each P buys "
        "(default: always answer)",
    )
    label.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local processes (default) or Apache Spark (pip install 'stance[spark]')",
    )
    label.add_argument("--master", default="local[*]", help="Spark master (with --engine spark)")
    label.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stance.batch._sources import check_inputs

    check_inputs(args.inputs)  # a missing or unreadable input: an error before anything else
    if args.engine == "spark":
        from stance.batch._spark import label_paths

        if len(args.inputs) != 1 or not args.output or args.output == "-":
            raise StanceError(
                "--engine spark takes one INPUT (a file or folder) and -o OUTPUT (a folder): "
                "stance label --engine spark INPUT -o OUTPUT"
            )
        counts = label_paths(
            args.inputs[0],
            args.output,
            master=args.master,
            output_format=args.format,
            model_path=args.model,
            overwrite=args.overwrite,
        )
        print(dumps(counts), file=sys.stderr)
        return 0
    from stance.batch import _workers

    try:
        return _label(args)
    finally:
        _workers.shutdown()  # no worker outlives the run


def _todo(
    found: Iterator[Located], sink: RowSink, skips: Skips, counts: dict[str, Any]
) -> Iterator[Any]:
    """The articles still to label, with their content hashes kept for the journal."""
    from stance.batch._sink import content_hash

    for item in found:
        article = item.article
        digest = content_hash(article)
        state = sink.state(article.id, digest)
        if state == "done":
            counts["done"] += 1
            continue
        if state == "changed":
            skips.add(
                item.where,
                f"changed article ({article.id!r} was labelled with other content by an "
                f"earlier run into {sink.path}); not labelled again: give it a new id, or pass "
                "--overwrite to label everything again",
            )
            continue
        counts["digests"][article.id] = digest
        yield article


def _label(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stance._labels import check_confidence
    from stance.batch._labelling import CHUNK_CHARS, COLUMNS, MAX_SENTENCE_CHARS, label_batches
    from stance.batch._sink import fingerprint, open_sink, output_format, side_files
    from stance.batch._sources import Skips, iter_located, refuse_outputs_among_inputs
    from stance.model._runtime import load

    output = None if args.output in (None, "-") else Path(args.output)
    if output is not None:
        # Before anything is touched, whatever the flags: an output is never one of the inputs.
        refuse_outputs_among_inputs([output, *side_files(output)], args.inputs)
    fmt = output_format(output, args.format)
    check_confidence(args.min_confidence)  # before any output is opened
    model = load(args.model)
    run_id = fingerprint(
        {
            "outlet": args.outlet,
            "catalog": args.catalog,
            "format": fmt,
            "model": model.manifest["files"],
            "columns": list(COLUMNS),
            "limits": [MAX_SENTENCE_CHARS, CHUNK_CHARS],
            "min_confidence": args.min_confidence,
        }
    )
    sink = open_sink(args.output, fmt, run_id, overwrite=args.overwrite)
    try:
        skips = Skips(stream=sys.stderr)
        counts: dict[str, Any] = {"done": 0, "digests": {}}
        found = iter_located(args.inputs, catalog=args.catalog, outlet=args.outlet, skips=skips)
        articles = _todo(found, sink, skips, counts)
        progress = Progress(sys.stderr, enabled=False if args.quiet else None)
        digests = counts["digests"]
        for finished, rows in label_batches(
            articles, jobs=args.jobs, model=model, min_confidence=args.min_confidence
        ):
            sink.write_batch([(a.id, digests.pop(a.id)) for a in finished], rows)
            progress.update(len(finished), len(rows))
        sink.finish()
        progress.close()
    finally:
        sink.close()
    where = args.output or "stdout"
    note = f" ({counts['done']} labelled by an earlier run)" if counts["done"] else ""
    labelled = _plural(progress.articles, "article")
    sentences = _plural(progress.sentences, "sentence")
    print(
        f"stance: labelled {labelled}, {sentences} to {where}{note}; {skips.summary()}",
        file=sys.stderr,
    )
    return 0


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
