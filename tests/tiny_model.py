"""A tiny model, built in memory from a dozen round weights, for the tests of mechanics.

The command line, batch rows, comparison, suggestion, audit, export, cues and abstention are
tested with this model, so that they do not depend on the shipped model's weights (which a
retraining changes); the shipped model has its own tests (tests/test_model.py,
tests/test_document_voice.py, tests/test_golden.py).

What it says, by construction (the first stage; labels in :data:`stance.LABELS` order):

- a sentence whose speaker is of a group (``spk:<group>``) carries that group's label (+4), and
  so does the unattributed continuation of a quote (``qcont:<group>``, +3);
- the writer's first person (+3) and evaluation (+1.5) are ``editorial_opinion``;
- anything else is ``neutral`` (the intercept, +1).

Its document stage keeps the first stage's reading (its own log-probabilities, weight 1) and
lets a sentence that names no source take the voice of its document's other such sentences
(the document's mean over them, weight 4): after "I think this war is a disgrace." the plain
"It is what it is." is an editorial's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from stance._labels import LABELS, SOURCE_LABELS
from stance.model import _files
from stance.model._document_stage import COLUMNS
from stance.model._runtime import Model, weights_bytes
from stance.text._features import DEFAULT_GROUPS, FEATURE_VERSION

OPINION, NEUTRAL = LABELS.index("editorial_opinion"), LABELS.index("neutral")
DOCUMENT_PUSH = 4.0


def weights() -> dict[str, Any]:
    """The arrays of the tiny model, as ``framing.weights.npz`` holds them."""
    rows: dict[str, dict[int, float]] = {}
    for group in SOURCE_LABELS:
        rows[f"spk:{group}"] = {LABELS.index(group): 4.0}
        rows[f"qcont:{group}"] = {LABELS.index(group): 3.0}
    rows["v:first_person"] = {OPINION: 3.0}
    rows["v:evaluative"] = {OPINION: 1.5}
    names = sorted(rows)
    coef = np.zeros((len(names), len(LABELS)))
    for i, name in enumerate(names):
        for label, weight in rows[name].items():
            coef[i, label] = weight
    intercept = np.zeros(len(LABELS))
    intercept[NEUTRAL] = 1.0
    stage_coef = np.zeros((len(COLUMNS), len(LABELS)))
    for k, label in enumerate(LABELS):
        stage_coef[COLUMNS.index(f"own_log:{label}"), k] = 1.0
        stage_coef[COLUMNS.index(f"free_doc:{label}"), k] = DOCUMENT_PUSH
        stage_coef[COLUMNS.index(f"plain_doc:{label}"), k] = DOCUMENT_PUSH
    return {
        "names": names,
        "coef": coef,
        "intercept": intercept,
        "stage_coef": stage_coef,
        "stage_intercept": np.zeros(len(LABELS)),
    }


def manifest(files: dict[str, Any] | None = None) -> dict[str, Any]:
    """A manifest as ``stance train`` writes one (``files`` once the weights are on disk)."""
    return {
        "format": _files.FORMAT,
        "labels": list(LABELS),
        "config": {
            "feature_groups": list(DEFAULT_GROUPS),
            "document_stage": True,
            "C": 1.0,
            "class_weight": None,
        },
        "temperature": 1.0,
        "n_features": len(weights()["names"]),
        "feature_version": FEATURE_VERSION,
        "files": files or {},
        "versions": {},
        "training": {
            "date": "2000-01-01",
            "command": "built by tests/tiny_model.py",
            "data_sha256": "0" * 64,
            "n_sentences": 0,
            "files": [],
            "params": {},
        },
        "evaluation": {},
    }


def build(directory: Path = Path("<tiny model in memory>")) -> Model:
    """The tiny model, straight from its arrays and manifest (no file)."""
    return Model(directory, manifest(), weights())


def save(directory: Path) -> Path:
    """Write the tiny model as a model directory ``stance.load(directory)`` reads (weights and
    manifest; no pickled estimator). Returns ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays = weights()
    weights_path = directory / _files.WEIGHTS_FILE
    weights_path.write_bytes(weights_bytes(arrays))
    files = {_files.WEIGHTS_FILE: _files.file_entry(weights_path)}
    (directory / _files.MANIFEST_FILE).write_text(
        json.dumps(manifest(files), indent=2), encoding="utf-8"
    )
    return directory
