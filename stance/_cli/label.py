"""``stance label``: one row per sentence of every article, resumable, with every core."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from stance._cli._common import Progress
from stance._errors import StanceError

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
        help="output file (default: stdout); a rerun with the "
        "same arguments resumes an interrupted run",
    )
    label.add_argument(
        "--format",
        choices=("jsonl", "csv", "parquet"),
        help="output format (default: from the output's suffix, else jsonl)",
    )
    label.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: every core)"
    )
    label.add_argument("--outlet", help="outlet for articles whose record or catalog gives none")
    label.add_argument(
        "--catalog",
        help="CSV with file, outlet, published columns (default: catalog.csv beside the articles)",
    )
    label.add_argument("--model", help="model directory (default: the shipped model)")
    label.add_argument(
        "--overwrite", action="store_true", help="replace an existing output instead of resuming it"
    )
    label.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    label.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local processes (default) or Apache Spark (pip install 'stance[spark]')",
    )
    label.add_argument("--master", default="local[*]", help="Spark master (with --engine spark)")
    label.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.engine == "spark":
        from stance.batch._spark import label_paths

        if len(args.inputs) != 1 or not args.output:
            raise StanceError("--engine spark takes one INPUT directory/file and --output")
        counts = label_paths(
            args.inputs[0],
            args.output,
            master=args.master,
            output_format=args.format,
            model_path=args.model,
            overwrite=args.overwrite,
        )
        print(json.dumps(counts), file=sys.stderr)
        return 0
    from stance.batch._labelling import label_batches
    from stance.batch._sink import fingerprint, open_sink
    from stance.batch._sources import Skips, iter_articles
    from stance.model._runtime import load

    model = load(args.model)
    run_id = fingerprint(
        args.inputs,
        {
            "outlet": args.outlet,
            "catalog": args.catalog,
            "format": args.format,
            "model": model.manifest["files"],
        },
    )
    sink = open_sink(args.output, args.format, run_id, overwrite=args.overwrite)
    if sink.complete:
        print(
            f"stance: {args.output} is already complete; nothing to do "
            "(pass --overwrite to label again)",
            file=sys.stderr,
        )
        return 0
    skips = Skips(stream=sys.stderr)
    articles = (
        a
        for a in iter_articles(args.inputs, catalog=args.catalog, outlet=args.outlet, skips=skips)
        if a.id not in sink.done
    )
    progress = Progress(sys.stderr, enabled=False if args.quiet else None)
    resumed = len(sink.done)
    for batch, rows in label_batches(articles, jobs=args.jobs, model=model):
        sink.write_batch((a.id for a in batch), rows)
        progress.update(len(batch), len(rows))
    sink.finish()
    progress.close()
    where = args.output or "stdout"
    note = f" ({resumed} already done before this run)" if resumed else ""
    print(
        f"stance: labelled {progress.articles} articles, {progress.sentences} sentences to "
        f"{where}{note}; {skips.summary()}",
        file=sys.stderr,
    )
    return 0
