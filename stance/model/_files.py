"""Safe model files: a manifest of SHA-256 digests checked before anything is unpickled.

A model directory holds ``framing.joblib`` (the fitted scikit-learn estimator, a pickle),
``framing.weights.npz`` (the same linear weights as plain arrays, loaded without pickle for the
fast path) and ``manifest.json`` (digests, sizes, library versions, training data hash and
evaluation). Loading refuses a missing, truncated, tampered or version-incompatible file with
:class:`stance.ModelFileError`, and never hands a file that failed the check to joblib.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from stance._errors import ModelFileError
from stance._paths import data_dir

__all__ = [
    "ESTIMATOR_FILE",
    "FORMAT",
    "MANIFEST_FILE",
    "WEIGHTS_FILE",
    "default_model_dir",
    "file_entry",
    "read_manifest",
    "verified_bytes",
]

# 2: the weights file holds the document stage too; 3: its feature names are one UTF-8 text,
# a name a line (fixed-width unicode took a fifth of the cold start to inflate)
FORMAT = 3
ESTIMATOR_FILE = "framing.joblib"
WEIGHTS_FILE = "framing.weights.npz"
MANIFEST_FILE = "manifest.json"
_REBUILD = "rebuild it with `stance train`, or reinstall stance to get the shipped model"


def default_model_dir() -> Path:
    return data_dir("models")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_entry(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"sha256": sha256_of(data), "bytes": len(data)}


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise ModelFileError(f"no model manifest at {path}; {_REBUILD}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelFileError(f"{path} is not valid JSON ({err}); {_REBUILD}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ModelFileError(
            f"{path} has model format {found!r}; this stance reads format {FORMAT}; {_REBUILD}"
        )
    return manifest


def verified_bytes(directory: Path, name: str, manifest: dict[str, Any]) -> bytes:
    """The bytes of a model file, only if they match the manifest's size and SHA-256."""
    entry = manifest.get("files", {}).get(name)
    path = directory / name
    if entry is None:
        raise ModelFileError(f"the manifest in {directory} does not list {name}; {_REBUILD}")
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing; {_REBUILD}")
    data = path.read_bytes()
    if len(data) != entry["bytes"]:
        raise ModelFileError(
            f"model file {path} is {len(data)} bytes, the manifest says "
            f"{entry['bytes']}: truncated or replaced; {_REBUILD}"
        )
    if sha256_of(data) != entry["sha256"]:
        raise ModelFileError(
            f"model file {path} does not match its SHA-256 in the manifest: "
            f"it was modified after training; refusing to load it; {_REBUILD}"
        )
    return data


def check_sklearn_version(manifest: dict[str, Any]) -> None:
    """A pickled estimator only loads under the scikit-learn minor version that wrote it."""
    import sklearn

    wanted = str(manifest.get("versions", {}).get("scikit-learn", ""))
    if wanted.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelFileError(
            f"the model was saved with scikit-learn {wanted}, this is "
            f"{sklearn.__version__}; install scikit-learn=={wanted} or retrain "
            "with `stance train`"
        )
