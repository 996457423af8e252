"""``stance train``: fit a model on annotations and save it with its manifest.

With no ``--annotations`` it reproduces the shipped model from the shipped data (the seed hand
labels and the authored passages), deterministically, and records the dev-set figures in the
manifest. With a user's own annotations it trains on those instead.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from stance.annotations import read_annotations, shipped_path
from stance.training import DEFAULT_PARAMS, data_hash, dev_report, fit, training_records

__all__ = ["train_command"]

SHIPPED_COMMAND = "stance train --output models"


def train_command(args: argparse.Namespace) -> int:
    from stance.evaluation import format_report
    from stance.model import save_model

    records = training_records(args.annotations)
    params: dict[str, Any] = dict(DEFAULT_PARAMS)
    if args.C is not None:
        params["C"] = args.C
    estimator = fit(records, **params)
    evaluation: dict[str, Any] = {}
    dev_path = args.dev or (None if args.annotations else str(shipped_path("dev")))
    if dev_path:
        dev = read_annotations(dev_path)
        result = dev_report(estimator, dev)
        print(format_report(result, title=f"dev set: {dev_path}"), file=sys.stderr)
        evaluation["dev"] = {"file": dev_path.rsplit("/", 1)[-1], "macro_f1": result["macro_f1"],
                             "accuracy": result["accuracy"], "ece": result.get("ece"),
                             "n": result["n"]}
    training = {
        "data_sha256": data_hash(records),
        "n_sentences": len(records),
        "files": [p.rsplit("/", 1)[-1] for p in (args.annotations or
                                                 [str(shipped_path("seeds")),
                                                  str(shipped_path("authored"))])],
        "command": " ".join(["stance", "train", *sys.argv[2:]]) if sys.argv[1:2] == ["train"]
        else SHIPPED_COMMAND,
        "params": params,
    }
    manifest = save_model(estimator, args.output, training=training, evaluation=evaluation)
    print(f"stance: model written to {args.output} ({manifest})", file=sys.stderr)
    return 0
