"""The golden record: what stance reads in every annotated sentence, and what the shipped model
says of it.

Every document of every annotation file (``annotations/*.jsonl``, adjudications aside) is read as
an article, its sentences in ``idx`` order, twice: without an outlet, and with the document's
outlet (the ``outlet`` field of its first record, when the file has one). Of each reading this
records, per document, a SHA-256 (its first 16 hex digits) of

- ``features``: the sorted feature names of every sentence, with every feature group
  (:data:`stance.text._features.ALL_GROUPS`, a superset of the groups the model uses);
- ``proba``: the shipped model's probabilities of every sentence, rounded to 1e-9.

``tests/golden/features.jsonl`` holds one line per document (a first line says which model and
feature version made it); ``tests/test_golden.py`` recomputes and compares, and names the
documents that differ. A change of any feature of any annotated sentence, or of any
probability, fails it.

Regenerate it on purpose only (a change of features or a retrained model, reviewed), from the
repository root, and commit the file with the change::

    .venv/bin/python -m tests.golden --update

To see what differs, print one document's sentences, features and probabilities in two
checkouts and diff them::

    .venv/bin/python -m tests.golden --show seeds.jsonl 000_1ab3de9fd86620da.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "annotations"
GOLDEN = Path(__file__).resolve().parent / "golden" / "features.jsonl"
DIGITS = 16  # hex digits kept of each SHA-256: 64 bits, plenty to notice a change
REGENERATE = ".venv/bin/python -m tests.golden --update"


@dataclass(frozen=True)
class Document:
    """One annotated document, read as an article."""

    file: str  # the annotation file's name, e.g. "seeds.jsonl"
    doc: str
    sentences: tuple[str, ...]
    outlet: str | None


def annotation_files() -> list[Path]:
    """Every annotation file with labelled sentences (adjudication files hold only some)."""
    return sorted(
        path
        for path in ANNOTATIONS.glob("*.jsonl")
        if not path.name.endswith(".adjudication.jsonl")
    )


def documents(path: Path) -> list[Document]:
    """The documents of one annotation file, in order of first appearance."""
    parts: dict[str, list[tuple[int, str, str | None]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            parts.setdefault(str(record["doc"]), []).append(
                (record["idx"], record["text"], record.get("outlet") or None)
            )
    read = []
    for doc, sentences in parts.items():
        ordered = sorted(sentences, key=lambda part: part[0])
        read.append(Document(path.name, doc, tuple(t for _, t, _ in ordered), ordered[0][2]))
    return read


def digest(value: Any) -> str:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:DIGITS]


def _outlets(document: Document) -> list[str | None]:
    return [None] if document.outlet is None else [None, document.outlet]


def features(document: Document) -> list[list[list[str]]]:
    """The sorted feature names of every sentence, per reading (without, with the outlet)."""
    from stance.text._features import ALL_GROUPS, featurize_article

    return [
        [sorted(names) for names in featurize_article(document.sentences, ALL_GROUPS, outlet=o)]
        for o in _outlets(document)
    ]


def probabilities(document: Document) -> list[list[list[str]]]:
    """The shipped model's probabilities of every sentence to 1e-9, per reading."""
    import stance

    model = stance.load()
    n = len(document.sentences)
    return [
        [
            [f"{p:.9f}" for p in row]
            for row in model.predict_proba(
                list(document.sentences), doc_ids=[0] * n, outlets=[o] * n
            ).tolist()
        ]
        for o in _outlets(document)
    ]


def header() -> dict[str, Any]:
    """What the record was made with: the feature version and the shipped model's weights."""
    import stance
    from stance.model._files import WEIGHTS_FILE
    from stance.text._features import FEATURE_VERSION

    return {
        "golden": "stance's features and the shipped model's probabilities of every "
        "annotated sentence (tests/golden.py)",
        "feature_version": FEATURE_VERSION,
        "model_weights_sha256": stance.load().manifest["files"][WEIGHTS_FILE]["sha256"],
        "regenerate": REGENERATE,
    }


_seen: dict[tuple[tuple[str, ...], str | None], dict[str, str]] = {}


def entry(document: Document) -> dict[str, Any]:
    """The golden line of one document (identical documents in several files are read once)."""
    key = (document.sentences, document.outlet)
    if key not in _seen:
        _seen[key] = {
            "features": digest(features(document)),
            "proba": digest(probabilities(document)),
        }
    return {
        "file": document.file,
        "doc": document.doc,
        "sentences": len(document.sentences),
        **_seen[key],
    }


def entries(paths: Sequence[Path]) -> Iterator[dict[str, Any]]:
    for path in paths:
        for document in documents(path):
            yield entry(document)


def read() -> tuple[dict[str, Any], dict[tuple[str, str], dict[str, Any]]]:
    """The stored header and entries, by (file, doc)."""
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    stored = [json.loads(line) for line in lines[1:]]
    return json.loads(lines[0]), {(e["file"], e["doc"]): e for e in stored}


def update() -> int:
    GOLDEN.parent.mkdir(exist_ok=True)
    lines = [header(), *entries(annotation_files())]
    GOLDEN.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    print(f"wrote {GOLDEN.relative_to(ROOT)}: {len(lines) - 1} documents", file=sys.stderr)
    return 0


def show(file: str, doc: str) -> int:
    """Print one document's sentences, features and probabilities, one reading after another."""
    found = [d for d in documents(ANNOTATIONS / file) if d.doc == doc]
    if not found:
        print(f"no document {doc!r} in annotations/{file}", file=sys.stderr)
        return 2
    document = found[0]
    for outlet, feats, proba in zip(
        _outlets(document), features(document), probabilities(document), strict=True
    ):
        print(f"## {file} {doc} outlet={outlet!r}")
        for idx, (text, names, row) in enumerate(zip(document.sentences, feats, proba)):
            print(f"{idx}\t{text}\n\tproba {' '.join(row)}")
            print("".join(f"\t{name}\n" for name in names), end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--update", action="store_true", help="rewrite tests/golden/features.jsonl")
    action.add_argument("--show", nargs=2, metavar=("FILE", "DOC"), help="print one document")
    args = parser.parse_args(argv)
    import numpy  # noqa: F401 -- its BLAS loaded, so that the limit reaches it
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # as in the tests (tests/conftest.py)
    return update() if args.update else show(*args.show)


if __name__ == "__main__":
    sys.exit(main())
