"""Choose the model's configuration by measurement: ablation and settings, by whole documents.

For every configuration: leave-one-seed-out macro-F1 (each seed article predicted by a model
trained on the other four seeds plus the authored passages and documents and the retold
documents) and dev figures
(trained on all the training files, scored on annotations/dev.jsonl, which is never trained
on): macro-F1 over all five labels with the records' outlets shown to the model and without
them (the text alone), and accuracy by style of document. The temperature does not change
which label wins, so calibration is off here to save time.

    python benchmarks/model_selection.py            # writes benchmarks/results/model_selection.json
    python benchmarks/model_selection.py --only "shipped configuration" "without document"
    python benchmarks/model_selection.py --only "shipped configuration" \
        --without-documents retold- --output benchmarks/results/without_retold.json

``--without-documents`` leaves out of training the documents (authored or retold) whose id
starts with one of the prefixes given (a round of writers, say), to measure what they add;
``--also-train`` adds a shipped file that is not trained on (``retold_eval``), to measure what
it would add::

    python benchmarks/model_selection.py --only "shipped configuration" \
        --also-train retold_eval --output benchmarks/results/with_retold_eval.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from joblib import Parallel, delayed

from stance.annotate._records import TRAINING, read_annotations, shipped_path
from stance.model._training import DEFAULT_PARAMS, dev_report, fit, leave_one_seed_out
from stance.text._features import DEFAULT_GROUPS

RESULTS = Path(__file__).parent / "results" / "model_selection.json"


def configurations() -> dict[str, dict[str, Any]]:
    configs: dict[str, dict[str, Any]] = {"shipped configuration": {}}
    configs["without the document stage"] = {"document_stage": False}
    configs["without the kinds in the stage"] = {"stage_kinds": False}
    configs["without document or stage"] = {
        "document_stage": False,
        "feature_groups": tuple(g for g in DEFAULT_GROUPS if g != "document"),
    }
    for group in DEFAULT_GROUPS:
        kept = tuple(g for g in DEFAULT_GROUPS if g != group)
        configs[f"without {group}"] = {"feature_groups": kept}
    for extra in ("actors", "shape", "chars"):
        configs[f"with {extra}"] = {"feature_groups": (*DEFAULT_GROUPS, extra)}
    configs["ngrams only"] = {"feature_groups": ("ngrams",)}
    configs["class_weight=balanced"] = {"class_weight": "balanced"}
    for c in (0.3, 1.0, 10.0):
        configs[f"C={c}"] = {"C": c}
    for count in (1, 3):
        configs[f"min_count={count}"] = {"min_count": count}
    return configs


def evaluate(
    name: str,
    params: dict[str, Any],
    seeds: list[dict[str, Any]],
    authored: list[dict[str, Any]],
    dev: list[dict[str, Any]],
) -> dict[str, Any]:
    started = time.perf_counter()
    settings = {**DEFAULT_PARAMS, "calibrate": False, **params}
    loso = leave_one_seed_out(seeds, authored, factory=lambda rs: fit(rs, **settings))
    model = fit(seeds + authored, **settings)
    dev_result = dev_report(model, dev, by="style")
    text_alone = dev_report(model, dev, by="style", outlets=False)
    return {
        "name": name,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "loso_macro_f1": loso["macro_f1"],
        "dev_macro_f1": dev_result["macro_f1"],
        "dev_macro_f1_text_alone": text_alone["macro_f1"],
        "dev_per_label_f1": {k: v["f1"] for k, v in dev_result["per_label"].items()},
        "dev_style_accuracy": {k: v["accuracy"] for k, v in dev_result["by"].items()},
        "dev_style_accuracy_text_alone": {k: v["accuracy"] for k, v in text_alone["by"].items()},
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="configuration names to run")
    parser.add_argument(
        "--without-documents",
        nargs="+",
        default=[],
        metavar="PREFIX",
        help="leave out of training the documents whose id starts with one of these",
    )
    parser.add_argument(
        "--also-train",
        nargs="+",
        default=[],
        metavar="NAME",
        help="shipped annotation files to train on as well (retold_eval, say: what it would add)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    seeds = read_annotations(shipped_path("seeds"))
    left_out = tuple(args.without_documents)
    authored = [
        r
        for name in TRAINING
        if name != "seeds"
        for r in read_annotations(shipped_path(name))
        if not (left_out and str(r["doc"]).startswith(left_out))
    ] + [r for name in args.also_train for r in read_annotations(shipped_path(name))]
    dev = read_annotations(shipped_path("dev"))
    configs = {k: v for k, v in configurations().items() if not args.only or k in args.only}
    rows = Parallel(n_jobs=args.jobs)(
        delayed(evaluate)(name, params, seeds, authored, dev) for name, params in configs.items()
    )
    print("| configuration | leave-one-seed-out | dev, with outlets | dev, text alone |")
    print("|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['name']} | {row['loso_macro_f1']:.3f} | {row['dev_macro_f1']:.3f} | "
            f"{row['dev_macro_f1_text_alone']:.3f} |"
        )
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
