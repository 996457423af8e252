"""``stance train``: fit a model on annotations and save it with its manifest.

With no ``--annotations`` it reproduces the shipped model from the shipped data (the seed hand
labels, the authored passages and documents, the retold documents), deterministically, and
records the dev-set figures in the manifest. With a user's own annotations it trains on those
instead.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "train_command"]


def add_parser(commands: Any) -> None:
    train = commands.add_parser("train", help="train a model (default: the shipped one)")
    train.add_argument(
        "--annotations",
        nargs="+",
        help="training JSONL files (default: the shipped seeds, authored and retold sets)",
    )
    train.add_argument("-o", "--output", default="models", help="model directory to write")
    train.add_argument(
        "--dev",
        help="labelled JSONL to report on (default: the shipped dev set "
        "when training on the shipped data)",
    )
    train.add_argument("--C", type=float, default=None, help="regularisation (default: shipped)")
    train.set_defaults(func=train_command)


def train_command(args: argparse.Namespace) -> int:
    from stance.annotate._records import TRAINING, read_annotations, shipped_path
    from stance.model._evaluation import format_report
    from stance.model._runtime import save_model
    from stance.model._training import (
        DEFAULT_PARAMS,
        data_hash,
        dev_report,
        fit,
        training_records,
    )

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
        evaluation["dev"] = {
            "file": dev_path.rsplit("/", 1)[-1],
            "macro_f1": result["macro_f1"],
            "accuracy": result["accuracy"],
            "ece": result.get("ece"),
            "n": result["n"],
        }
    training = {
        "data_sha256": data_hash(records),
        "n_sentences": len(records),
        "files": [
            p.rsplit("/", 1)[-1]
            for p in (args.annotations or [str(shipped_path(name)) for name in TRAINING])
        ],
        # The command as it was run (main passes its arguments through; never sys.argv).
        "command": shlex.join(["stance", *getattr(args, "argv", ["train"])]),
        "params": params,
    }
    manifest = save_model(estimator, args.output, training=training, evaluation=evaluation)
    card = Path(args.output) / "README.md"
    card.write_text(model_card(json.loads(manifest.read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"stance: model written to {args.output} ({manifest}, {card})", file=sys.stderr)
    return 0


def model_card(manifest: dict[str, Any]) -> str:
    """The human-readable card of a model directory, from its manifest."""
    training = manifest["training"]
    dev = manifest.get("evaluation", {}).get("dev")
    lines = [
        "# stance framing model",
        "",
        "A linear classifier that labels each sentence of a war news article with whose",
        "account it carries: a scikit-learn `LogisticRegression` over the features of",
        "`stance.text` (words, attribution, voice, context and the document's own voice),",
        "then, when `document_stage` is on, a second `LogisticRegression` over the first",
        "one's out-of-fold probabilities for the sentence, its neighbours and its whole",
        "document, with a temperature fitted on out-of-fold scores by document. The labels:",
        ", ".join(f"`{label}`" for label in manifest["labels"]) + ".",
        "",
        "| | |",
        "|---|---|",
        f"| trained | {training['date']} with `{training['command']}` |",
        f"| data | {', '.join(training['files'])}: {training['n_sentences']} sentences, "
        f"SHA-256 `{training['data_sha256'][:16]}…` |",
        f"| feature groups | {', '.join(manifest['config']['feature_groups'])} |",
        f"| parameters | C={manifest['config']['C']}, class_weight="
        f"{manifest['config']['class_weight']}, "
        f"min_count={manifest['config'].get('min_count', 1)}, "
        f"document_stage={manifest['config'].get('document_stage', False)}, stage_C="
        f"{manifest['config'].get('stage_C', '-')}, temperature {manifest['temperature']:.3f} |",
        f"| feature version | {manifest.get('feature_version', '-')} |",
        f"| features | {manifest['n_features']} |",
        "| versions | " + ", ".join(f"{k} {v}" for k, v in manifest["versions"].items()) + " |",
    ]
    if dev:
        lines.append(
            f"| dev set ({dev['n']} sentences, never trained on) | macro-F1 "
            f"{dev['macro_f1']:.3f}, accuracy {dev['accuracy']:.3f}, ECE "
            f"{dev['ece']:.3f} |"
        )
    lines += [
        "",
        "Files: `framing.joblib` (the fitted `stance.FramingClassifier`, a pickle),",
        "`framing.weights.npz` (the same weights as plain arrays, read without pickle by",
        "`stance.load()`), `manifest.json` (SHA-256 and size of both, checked before loading).",
        "",
        "Intended use: research on how news outlets relay the sides of the Russia-Ukraine war,",
        "sentence by sentence, in English. Not for judging the truth of a claim. Its figures,",
        "ablation, peers and known errors are in `docs/model.md` of the repository.",
        "",
    ]
    return "\n".join(lines)
