"""The evaluation of the shipped configuration for docs/model.md.

Leave-one-seed-out (each seed article predicted by a model trained on the other seeds plus the
authored passages and documents, calibration included) and the dev set (the shipped model):
macro-F1, per-label figures, confusion, expected calibration error, accuracy against coverage,
accuracy by style of document (with the records' outlets shown to the model, and the text
alone), a reliability plot, and misclassified dev sentences with the cues behind each decision.

    python benchmarks/model_report.py      # writes benchmarks/results/model_report.json and
                                           # docs/reliability.png
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np

import stance
from stance._labels import LABELS
from stance.annotate._records import TRAINING, read_annotations, shipped_path
from stance.model._evaluation import format_report, predict_records
from stance.model._training import dev_report, leave_one_seed_out

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "model_report.json"
PLOT = ROOT / "docs" / "reliability.png"


def reliability_plot(dev_result: dict[str, Any], loso_result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=120)
    ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", label="perfect calibration")
    for name, result, color in (
        ("dev set", dev_result, "#1f5fbf"),
        ("leave-one-seed-out", loso_result, "#d0442c"),
    ):
        bins = result["calibration"]["bins"]
        ax.plot(
            [b["confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            marker="o",
            color=color,
            label=f"{name} (ECE {result['ece']:.3f})",
        )
        for b in bins:
            ax.annotate(
                str(b["n"]),
                (b["confidence"], b["accuracy"]),
                fontsize=7,
                textcoords="offset points",
                xytext=(4, -10),
                color=color,
            )
    ax.set_xlabel("confidence of the predicted label (bin mean)")
    ax.set_ylabel("accuracy in the bin")
    ax.set_title("Reliability of the shipped model\n(numbers: sentences per bin)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def misclassified(
    model: stance.Model, dev: list[dict[str, Any]], proba: np.ndarray, n: int = 20, seed: int = 0
) -> list[dict[str, Any]]:
    wrong = [i for i, r in enumerate(dev) if LABELS[int(proba[i].argmax())] != r["label"]]
    random.Random(seed).shuffle(wrong)
    rows = []
    for i in sorted(wrong[:n]):
        record = dev[i]
        article = sorted((r for r in dev if r["doc"] == record["doc"]), key=lambda r: r["idx"])
        before = [r["text"] for r in article if r["idx"] < record["idx"]]
        after = [r["text"] for r in article if r["idx"] > record["idx"]]
        cues = model.explain(
            record["text"], top=5, context=before, after=after, outlet=record.get("outlet")
        )
        rows.append(
            {
                "doc": record["doc"],
                "outlet": record["outlet"],
                "text": record["text"],
                "gold": record["label"],
                "predicted": LABELS[int(proba[i].argmax())],
                "p": round(float(proba[i].max()), 3),
                "cues": [f"{c.description} {c.weight:+.2f}" for c in cues],
            }
        )
    return rows


def main() -> None:
    seeds = read_annotations(shipped_path("seeds"))
    authored = [
        r for name in TRAINING if name != "seeds" for r in read_annotations(shipped_path(name))
    ]
    dev = read_annotations(shipped_path("dev"))
    model = stance.load()
    dev_result = dev_report(model, dev, by="style")
    text_alone = dev_report(model, dev, by="style", outlets=False)
    proba = predict_records(lambda t, d, o: model.predict_proba(t, doc_ids=d, outlets=o), dev)
    loso_result = leave_one_seed_out(seeds, authored)
    print(format_report(dev_result, "dev set (shipped model, outlets shown)"), end="\n\n")
    print(format_report(text_alone, "dev set (shipped model, the text alone)"), end="\n\n")
    print(format_report(loso_result, "leave-one-seed-out (calibrated)"))
    reliability_plot(dev_result, loso_result, PLOT)
    errors = misclassified(model, dev, proba)
    RESULTS.write_text(
        json.dumps(
            {
                "dev": dev_result,
                "dev_text_alone": text_alone,
                "loso": loso_result,
                "errors": errors,
                "model": model.manifest["files"],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {RESULTS.relative_to(ROOT)} and {PLOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
