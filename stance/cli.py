"""The ``stance`` command: a thin layer over the API (every command calls library code)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from stance._errors import StanceError

__all__ = ["main"]


class Progress:
    """A one-line progress display on stderr, shown only when stderr is a terminal."""

    def __init__(self, stream: TextIO, enabled: bool | None = None) -> None:
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self.articles = 0
        self.sentences = 0

    def update(self, articles: int, sentences: int) -> None:
        self.articles += articles
        self.sentences += sentences
        if self.enabled:
            elapsed = max(time.perf_counter() - self.started, 1e-9)
            self.stream.write(f"\r{self.articles:,} articles  {self.sentences:,} sentences  "
                              f"{self.sentences / elapsed:,.0f} sentences/s")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def _label(args: argparse.Namespace) -> int:
    if args.engine == "spark":
        from stance.spark import label_paths

        if len(args.inputs) != 1 or not args.output:
            raise StanceError("--engine spark takes one INPUT directory/file and --output")
        counts = label_paths(args.inputs[0], args.output, master=args.master,
                             output_format=args.format, model_path=args.model,
                             overwrite=args.overwrite)
        print(json.dumps(counts), file=sys.stderr)
        return 0
    from stance.batch import label_batches
    from stance.model import load
    from stance.output import fingerprint, open_sink
    from stance.reading import Skips, iter_articles

    model = load(args.model)
    run_id = fingerprint(args.inputs, {"outlet": args.outlet, "catalog": args.catalog,
                                       "format": args.format,
                                       "model": model.manifest["files"]})
    sink = open_sink(args.output, args.format, run_id, overwrite=args.overwrite)
    if sink.complete:
        print(f"stance: {args.output} is already complete; nothing to do "
              "(pass --overwrite to label again)", file=sys.stderr)
        return 0
    skips = Skips(stream=sys.stderr)
    articles = (a for a in iter_articles(args.inputs, catalog=args.catalog, outlet=args.outlet,
                                         skips=skips) if a.id not in sink.done)
    progress = Progress(sys.stderr, enabled=False if args.quiet else None)
    resumed = len(sink.done)
    for batch, rows in label_batches(articles, jobs=args.jobs, model=model):
        sink.write_batch((a.id for a in batch), rows)
        progress.update(len(batch), len(rows))
    sink.finish()
    progress.close()
    where = args.output or "stdout"
    note = f" ({resumed} already done before this run)" if resumed else ""
    print(f"stance: labelled {progress.articles} articles, {progress.sentences} sentences to "
          f"{where}{note}; {skips.summary()}", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from stance.evaluation import evaluate_records, format_report
    from stance.model import load
    from stance.reading import Skips

    records = _read_labelled(args.annotations, Skips(stream=sys.stderr))
    model = load(args.model)
    result = evaluate_records(lambda t, d: model.predict_proba(t, doc_ids=d), records)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_report(result, title=f"stance evaluate: {args.annotations}"))
    return 0


def _read_labelled(path: str, skips: Any) -> list[dict[str, Any]]:
    """Records with text and label (doc_id/idx optional); bad lines reported and skipped."""
    from stance._jsonl import json_objects
    from stance.labels import LABELS

    records = []
    with open(path, encoding="utf-8") as handle:
        for line_no, record in json_objects(handle, path, on_bad=skips.add):
            if not isinstance(record.get("text"), str):
                skips.add(f"{path}:{line_no}", "record without a 'text' string")
            elif record.get("label") not in LABELS:
                skips.add(f"{path}:{line_no}", f"unknown label {record.get('label')!r}")
            else:
                records.append(record)
    if not records:
        raise StanceError(f"{path}: no usable records (each needs 'text' and 'label')")
    return records


def _train(args: argparse.Namespace) -> int:
    from stance.train_cli import train_command

    return train_command(args)


def _parser() -> argparse.ArgumentParser:
    from stance import __version__

    parser = argparse.ArgumentParser(
        prog="stance", description="Whose account does each sentence of a war news article "
        "carry? Label articles, compare outlets, train and evaluate.")
    parser.add_argument("--version", action="version", version=f"stance {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    label = commands.add_parser("label", help="label every sentence of articles")
    label.add_argument("inputs", nargs="+", metavar="INPUT",
                       help=".txt files, .jsonl files (id, text, outlet, date), directories, - for "
                       "stdin")
    label.add_argument("-o", "--output", help="output file (default: stdout); a rerun with the "
                       "same arguments resumes an interrupted run")
    label.add_argument("--format", choices=("jsonl", "csv", "parquet"),
                       help="output format (default: from the output's suffix, else jsonl)")
    label.add_argument("-j", "--jobs", type=int, default=None,
                       help="worker processes (default: every core)")
    label.add_argument("--outlet", help="outlet for articles whose record or catalog gives none")
    label.add_argument("--catalog", help="CSV with file, outlet, published columns "
                       "(default: catalog.csv beside the articles)")
    label.add_argument("--model", help="model directory (default: the shipped model)")
    label.add_argument("--overwrite", action="store_true",
                       help="replace an existing output instead of resuming it")
    label.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    label.add_argument("--engine", choices=("local", "spark"), default="local",
                       help="local processes (default) or Apache Spark (pip install "
                       "'stance[spark]')")
    label.add_argument("--master", default="local[*]", help="Spark master (with --engine spark)")
    label.set_defaults(func=_label)

    evaluate = commands.add_parser("evaluate", help="score the model on labelled sentences")
    evaluate.add_argument("--annotations", required=True,
                          help="JSONL with text and label (doc_id and idx optional)")
    evaluate.add_argument("--model", help="model directory (default: the shipped model)")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.set_defaults(func=_evaluate)

    train = commands.add_parser("train", help="train a model (default: the shipped one)")
    train.add_argument("--annotations", nargs="+",
                       help="training JSONL files (default: the shipped seeds and authored set)")
    train.add_argument("-o", "--output", default="models", help="model directory to write")
    train.add_argument("--dev", help="labelled JSONL to report on (default: the shipped dev set "
                       "when training on the shipped data)")
    train.add_argument("--C", type=float, default=None, help="regularisation (default: shipped)")
    train.set_defaults(func=_train)

    _add_optional(commands)
    return parser


def _add_optional(commands: Any) -> None:
    from stance._annotation_cli import add_commands
    from stance.compare import add_command

    add_command(commands)
    add_commands(commands)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except StanceError as err:
        print(f"stance: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nstance: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
