"""``stance suggest``: the unlabelled sentences most worth labelling next."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from stance._cli import _common
from stance.annotate._formats import FORMATS

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("suggest", help="the sentences most worth labelling next")
    parser.add_argument("articles", nargs="+", type=Path, metavar="ARTICLES")
    parser.add_argument("-n", type=int, default=200, help="how many (default 200)")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--measure", choices=("margin", "entropy"), default="margin")
    parser.add_argument(
        "--per-article",
        type=int,
        default=10,
        help="at most this many from one article (default 10)",
    )
    parser.add_argument(
        "--per-outlet",
        type=int,
        default=None,
        help="at most this many from one outlet (default: no cap)",
    )
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        metavar="ANNOTATIONS",
        help="annotation files already labelled",
    )
    parser.set_defaults(func=_suggest_handler)


def _suggest_handler(args: argparse.Namespace) -> int:
    from stance._errors import AnnotationError
    from stance._io import read_jsonl
    from stance.annotate._active import read_articles, suggest
    from stance.batch._sources import Skips, check_inputs, refuse_outputs_among_inputs

    check_inputs([*map(str, args.articles), *map(str, args.exclude)])
    refuse_outputs_among_inputs([args.output], [*args.articles, *args.exclude])
    labelled = [
        record for path in args.exclude for _, record in read_jsonl(path, error=AnnotationError)
    ]
    chosen = suggest(
        read_articles(args.articles, skips=Skips(stream=sys.stderr)),
        _common.model_proba_fn(),
        args.n,
        measure=args.measure,
        per_article=args.per_article,
        per_outlet=args.per_outlet,
        labelled=labelled,
        fmt=args.format,
        out=args.output,
    )
    print(f"{'uncert':>6}  {'suggested':<20}  {'doc':<28}{'idx':>5}  text")
    for item in chosen:
        print(
            f"{item['uncertainty']:>6.3f}  {item['suggested']:<20}  {item['doc']:<28}"
            f"{item['idx']:>5}  {_common.short(item['text'])}"
        )
    docs = len({item["doc"] for item in chosen})
    print(f"{len(chosen)} sentences from {docs} articles written to {args.output}", file=sys.stderr)
    return 0
