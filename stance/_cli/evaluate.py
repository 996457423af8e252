"""``stance evaluate``: the model's figures on labelled sentences."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    evaluate = commands.add_parser("evaluate", help="score the model on labelled sentences")
    evaluate.add_argument(
        "--annotations", required=True, help="JSONL with text and label (doc_id and idx optional)"
    )
    evaluate.add_argument("--model", help="model directory (default: the shipped model)")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(
        "--by",
        metavar="FIELD",
        help="the same figures for each value of a record field (style, outlet, ...)",
    )
    evaluate.add_argument(
        "--no-outlets",
        action="store_true",
        help="do not show the model the records' outlet fields (read the text alone)",
    )
    evaluate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stance._io import dumps
    from stance.annotate._records import read_records
    from stance.batch._sources import Skips
    from stance.model._evaluation import evaluate_records, format_report
    from stance.model._runtime import load

    skips = Skips(stream=sys.stderr)
    # The one annotation validator, lenient: doc and idx are optional here, and a bad record
    # is reported with its file:line and left out rather than stopping the evaluation.
    records = read_records(
        args.annotations,
        required=("text", "label"),
        strict=False,
        on_bad=skips.add,
        unique_by=None,
    )
    model = load(args.model)
    result = evaluate_records(
        lambda t, d, o: model.predict_proba(t, doc_ids=d, outlets=None if args.no_outlets else o),
        records,
        by=args.by,
    )
    if args.json:
        print(dumps(result, indent=2))
    else:
        print(format_report(result, title=f"stance evaluate: {args.annotations}"))
    if skips.entries:
        print(f"stance: {skips.summary()}", file=sys.stderr)
    return 0
