"""``stance audit``: the labelled sentences most likely mislabelled."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from stance._cli import _common
from stance._io import dumps

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="labelled sentences most likely mislabelled")
    parser.add_argument(
        "annotations",
        nargs="*",
        type=Path,
        metavar="ANNOTATIONS",
        help="default: the shipped seeds and authored annotations",
    )
    parser.add_argument("-n", type=int, default=20, help="how many (default 20)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON lines")
    parser.set_defaults(func=_audit_handler)


def _default_annotations() -> list[Path]:
    from stance.annotate._records import TRAINING, shipped_path

    return [path for path in map(shipped_path, TRAINING) if path.is_file()]


def _audit_handler(args: argparse.Namespace) -> int:
    from stance.annotate._active import audit
    from stance.annotate._records import read_annotations
    from stance.model._training import cross_val_proba

    paths = args.annotations or _default_annotations()
    records = [record for path in paths for record in read_annotations(path)]
    rows = audit(records, cross_val_proba(records), n=args.n)
    if args.json:
        for row in rows:
            print(dumps(row.to_dict()))
        return 0
    print(f"{'score':>6}  {'given':<20}  {'suggested':<20}  {'doc':<28}{'idx':>5}  text")
    for row in rows:
        print(
            f"{row.score:>6.2f}  {row.given:<20}  {row.suggested:<20}  {row.doc:<28}"
            f"{row.idx:>5}  {_common.short(row.text)}"
        )
    return 0
