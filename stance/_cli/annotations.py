"""``stance annotations import|export|agree``: the annotation tools' files and agreement.

Handlers return an exit code, print tables to stdout and reports of skipped items to stderr;
errors are raised as :class:`stance.StanceError` for the main CLI to print. numpy and the model
are imported inside the handlers, so that ``stance --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from stance._cli import _common
from stance._errors import AnnotationError
from stance.annotate._formats import FORMATS

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Add ``annotations`` (import, export, agree) to an argparse subparsers object."""
    group = subparsers.add_parser("annotations", help="import, export and compare annotations")
    commands = group.add_subparsers(dest="annotations_command", required=True)
    _add_import(commands)
    _add_export(commands)
    _add_agree(commands)


def _add_import(commands: Any) -> None:
    parser = commands.add_parser("import", help="a tool's export -> annotation JSONL")
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument(
        "-o", "--output", type=Path, help="annotation JSONL to write (default: stdout)"
    )
    parser.add_argument("--annotator", help="who labelled, for doccano files that do not say")
    parser.add_argument(
        "--texts-dir", type=Path, help="article texts, to recover sentences the export left out"
    )
    parser.set_defaults(func=_import_handler)


def _add_export(commands: Any) -> None:
    parser = commands.add_parser("export", help="articles or annotations -> a tool's tasks")
    parser.add_argument("inputs", nargs="+", type=Path, metavar="ARTICLES_OR_ANNOTATIONS")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument(
        "--no-predictions", action="store_true", help="do not pre-fill the model's suggestions"
    )
    parser.set_defaults(func=_export_handler)


def _add_agree(commands: Any) -> None:
    parser = commands.add_parser("agree", help="Cohen's kappa between two annotation passes")
    parser.add_argument("first", type=Path, metavar="A")
    parser.add_argument(
        "second",
        type=Path,
        nargs="?",
        metavar="B",
        help="omit when A holds several annotators (field `annotator`)",
    )
    parser.add_argument(
        "--disagreements",
        type=Path,
        metavar="OUT",
        help="write the disagreements as JSONL to adjudicate",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(func=_agree_handler)


def _import_handler(args: argparse.Namespace) -> int:
    from stance._io import dumps, write_jsonl
    from stance.annotate._formats import import_annotations
    from stance.batch._sources import check_inputs, refuse_outputs_among_inputs

    check_inputs([str(args.file)], AnnotationError)
    refuse_outputs_among_inputs([args.output], [args.file], AnnotationError)
    records, report = import_annotations(
        args.file, args.format, annotator=args.annotator, texts_dir=args.texts_dir
    )
    if args.output is None:
        for record in records:
            print(dumps(record))
    else:
        write_jsonl(records, args.output)
    print(report.summary(), file=sys.stderr)
    if args.output is not None:
        print(f"wrote {len(records)} records to {args.output}", file=sys.stderr)
    return 0


def _is_annotation_file(path: Path) -> bool:
    from stance._io import read_jsonl

    if path.suffix.lower() not in (".jsonl", ".ndjson") or not path.is_file():
        return False
    first = next(read_jsonl(path, error=AnnotationError), None)
    return first is not None and {"idx", "label"} <= set(first[1])


def _export_items(paths: list[Path]) -> list[dict[str, Any]]:
    from stance._io import read_jsonl
    from stance.annotate._active import article_sentences
    from stance.batch._sources import RepeatedIds, Skips, iter_articles

    skips = Skips(stream=sys.stderr)
    ids = RepeatedIds(skips)  # one repeated-id rule across all the article inputs
    items: list[dict[str, Any]] = []
    for path in paths:
        if _is_annotation_file(path):
            items += [record for _, record in read_jsonl(path, error=AnnotationError)]
        else:
            items += article_sentences(iter_articles([str(path)], skips=skips, ids=ids))
    return items


def _export_handler(args: argparse.Namespace) -> int:
    from stance.annotate._formats import export_tasks
    from stance.batch._sources import check_inputs, refuse_outputs_among_inputs

    check_inputs(map(str, args.inputs))
    refuse_outputs_among_inputs([args.output], args.inputs)
    items = _export_items(args.inputs)
    proba_fn = None if args.no_predictions else _common.model_proba_fn()
    written = export_tasks(items, args.format, args.output, proba_fn=proba_fn)
    print(f"wrote {len(items)} {args.format} tasks to {', '.join(map(str, written))}")
    return 0


def _agree_handler(args: argparse.Namespace) -> int:
    from stance._io import dumps
    from stance.annotate._agreement import agreement, write_disagreements
    from stance.batch._sources import refuse_outputs_among_inputs

    passes = [path for path in (args.first, args.second) if path is not None]
    refuse_outputs_among_inputs([args.disagreements], passes, AnnotationError)

    results = agreement(args.first, args.second)
    if args.json:
        print(dumps([result.to_dict() for result in results], indent=1))
    else:
        print("\n\n".join(result.table() for result in results))
    if args.disagreements is not None:
        count = write_disagreements(results, args.disagreements)
        print(f"wrote {count} disagreements to {args.disagreements}", file=sys.stderr)
    return 0
