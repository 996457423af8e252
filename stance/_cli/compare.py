"""``stance compare``: label shares per outlet, with intervals, a test and a chart."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance import _io
from stance._errors import InputError
from stance.compare._report import compare
from stance.compare._rows import (
    _JSONL_SUFFIXES,
    _LABELLED_SUFFIXES,
    PERIODS,
    _normalise,
    read_rows,
)

if TYPE_CHECKING:
    import argparse

    import pandas as pd

# -- the command -----------------------------------------------------------------------------


def _is_labelled(path: Path) -> bool:
    """Labelled rows (compare reads them) rather than articles (to be labelled first)?"""
    from stance.batch._sources import is_stance_output

    suffix = path.suffix.lower()
    if not path.is_file():
        return False
    if suffix in _LABELLED_SUFFIXES or is_stance_output(path):
        return True
    if suffix not in _JSONL_SUFFIXES:
        return False
    # The first record that reads as JSON decides; bad lines are reported by whoever reads it.
    first = next(_io.read_jsonl(path, on_bad=lambda where, problem: None), None)
    return first is not None and "label" in first[1] and "article_id" in first[1]


def rows_from_inputs(paths: Sequence[str], args: argparse.Namespace) -> pd.DataFrame:
    """Rows to compare: labelled files are read; anything else is labelled first.

    This is the hook where ``stance compare`` meets ``stance label``: articles (text files,
    directories, JSON Lines of articles, ``-``) go through :func:`stance.batch.label_articles`.
    """
    import pandas as pd

    from stance.batch._sources import check_inputs

    check_inputs(paths, articles=False)  # labelled rows are welcome here
    labelled = [p for p in paths if p != "-" and _is_labelled(Path(p))]
    articles = [p for p in paths if p not in labelled]
    frames = [read_rows(labelled)] if labelled else []
    if articles:
        from stance.batch._labelling import label_articles
        from stance.batch._sources import Skips, iter_articles

        skips = Skips(stream=sys.stderr)
        found = iter_articles(
            articles,
            catalog=getattr(args, "catalog", None),
            outlet=getattr(args, "outlet", None),
            skips=skips,
        )
        rows = [row.row() for row in label_articles(found, jobs=getattr(args, "jobs", 1))]
        if skips.entries:
            print(f"stance: {skips.summary()}", file=sys.stderr)
        if rows:
            frames.append(pd.DataFrame.from_records(rows))
    if not frames:
        raise InputError(
            f"nothing to compare: {', '.join(paths)} hold(s) no labelled rows and no readable "
            "articles; label some articles first (stance label), or give other files"
        )
    return _normalise(pd.concat(frames, ignore_index=True))


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``stance compare`` to an argparse subparsers object; its handler is ``func``."""
    parser = subparsers.add_parser(
        "compare",
        help="compare outlets' label shares, with intervals, a test and a chart",
        description="Per outlet: sentence and article counts, the share of each label with a "
        "95% interval (bootstrap over articles), a test of outlet x label over "
        "articles, near-duplicate articles and each outlet's most typical sentences.",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="labelled output of stance label (.jsonl, .csv, .parquet); "
        "articles are labelled first",
    )
    parser.add_argument("--by", choices=PERIODS, help="also split each outlet by period")
    parser.add_argument(
        "--dedupe",
        action="store_true",
        help="count each near-duplicate story once (its first copy)",
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table for people (default), csv or json for tools",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write the report here, not stdout")
    parser.add_argument("--chart", metavar="PNG", help="write a PNG chart of the shares")
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=2000,
        metavar="N",
        help="bootstrap resamples (default 2000)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed")
    parser.add_argument("--catalog", help="catalog CSV for article inputs (file, outlet, ...)")
    parser.add_argument("--outlet", help="outlet of article inputs that name none")
    parser.set_defaults(func=run_compare)
    return parser


def run_compare(args: argparse.Namespace) -> int:
    """The handler of ``stance compare``: report to stdout (or ``-o``), chart if asked."""
    from stance.batch._sources import refuse_outputs_among_inputs

    if args.bootstrap < 0:
        raise InputError(f"--bootstrap must be 0 or more, got {args.bootstrap}")
    output = args.output if args.output and args.output != "-" else None
    refuse_outputs_among_inputs([output, args.chart], args.inputs)
    rows = rows_from_inputs(args.inputs, args)
    result = compare(rows, by=args.by, dedupe=args.dedupe, n_boot=args.bootstrap, seed=args.seed)
    formats: dict[str, Callable[[], str]] = {
        "table": result.format_table,
        "csv": result.to_csv,
        "json": lambda: result.to_json() + "\n",
    }
    report = formats[args.format]()
    # The chart first, each file written whole or not at all: a failure leaves no half report.
    if args.chart:
        result.plot(args.chart)
    if output is not None:
        _io.write_text(output, report)
    else:
        sys.stdout.write(report)
    if args.chart:
        print(f"stance: chart written to {args.chart}", file=sys.stderr)
    return 0
