"""``stance evaluate``: the model's figures on labelled sentences."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from stance._errors import StanceError

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
    from stance.batch._sources import Skips
    from stance.model._evaluation import evaluate_records, format_report
    from stance.model._runtime import load

    records = _read_labelled(args.annotations, Skips(stream=sys.stderr))
    model = load(args.model)
    result = evaluate_records(
        lambda t, d, o: model.predict_proba(t, doc_ids=d, outlets=None if args.no_outlets else o),
        records,
        by=args.by,
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_report(result, title=f"stance evaluate: {args.annotations}"))
    return 0


def _read_labelled(path: str, skips: Any) -> list[dict[str, Any]]:
    """Records with text and label (doc_id/idx optional); bad lines reported and skipped."""
    from stance._jsonl import json_objects
    from stance._labels import LABELS

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
