"""The annotation-loop subcommands: ``annotations import|export|agree``, ``suggest``, ``audit``.

:func:`add_commands` adds them to the main CLI's subparsers. Handlers return an exit code,
print tables to stdout and reports of skipped items to stderr; errors are raised as
:class:`stance.StanceError` for the main CLI to print. numpy and the model are
imported inside the handlers, so that ``stance --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance._formats import FORMATS

if TYPE_CHECKING:
    from stance._formats import ProbaFn

__all__ = ["add_commands"]


def add_commands(subparsers: Any) -> None:
    """Add ``annotations``, ``suggest`` and ``audit`` to an argparse subparsers object."""
    group = subparsers.add_parser("annotations", help="import, export and compare annotations")
    commands = group.add_subparsers(dest="annotations_command", required=True)
    _add_import(commands)
    _add_export(commands)
    _add_agree(commands)
    _add_suggest(subparsers)
    _add_audit(subparsers)


def _add_import(commands: Any) -> None:
    parser = commands.add_parser("import", help="a tool's export -> annotation JSONL")
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("-o", "--output", type=Path,
                        help="annotation JSONL to write (default: stdout)")
    parser.add_argument("--annotator", help="who labelled, for doccano files that do not say")
    parser.add_argument("--texts-dir", type=Path,
                        help="article texts, to recover sentences the export left out")
    parser.set_defaults(func=_import_handler)


def _add_export(commands: Any) -> None:
    parser = commands.add_parser("export", help="articles or annotations -> a tool's tasks")
    parser.add_argument("inputs", nargs="+", type=Path, metavar="ARTICLES_OR_ANNOTATIONS")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--no-predictions", action="store_true",
                        help="do not pre-fill the model's suggestions")
    parser.set_defaults(func=_export_handler)


def _add_agree(commands: Any) -> None:
    parser = commands.add_parser("agree", help="Cohen's kappa between two annotation passes")
    parser.add_argument("first", type=Path, metavar="A")
    parser.add_argument("second", type=Path, nargs="?", metavar="B",
                        help="omit when A holds several annotators (field `annotator`)")
    parser.add_argument("--disagreements", type=Path, metavar="OUT",
                        help="write the disagreements as JSONL to adjudicate")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(func=_agree_handler)


def _add_suggest(subparsers: Any) -> None:
    parser = subparsers.add_parser("suggest", help="the sentences most worth labelling next")
    parser.add_argument("articles", nargs="+", type=Path, metavar="ARTICLES")
    parser.add_argument("-n", type=int, default=200, help="how many (default 200)")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--measure", choices=("margin", "entropy"), default="margin")
    parser.add_argument("--per-article", type=int, default=10,
                        help="at most this many from one article (default 10)")
    parser.add_argument("--per-outlet", type=int, default=None,
                        help="at most this many from one outlet (default: no cap)")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        metavar="ANNOTATIONS", help="annotation files already labelled")
    parser.set_defaults(func=_suggest_handler)


def _add_audit(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="labelled sentences most likely mislabelled")
    parser.add_argument("annotations", nargs="*", type=Path, metavar="ANNOTATIONS",
                        help="default: the shipped seeds and authored annotations")
    parser.add_argument("-n", type=int, default=20, help="how many (default 20)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON lines")
    parser.set_defaults(func=_audit_handler)


def model_proba_fn() -> ProbaFn:
    """The bundled model as a ``proba_fn(texts, doc_ids)`` (tests replace this)."""
    import stance

    model = stance.load()
    return lambda texts, doc_ids: model.predict_proba(texts, doc_ids=doc_ids)


def _import_handler(args: argparse.Namespace) -> int:
    from stance._formats import import_annotations, write_jsonl

    records, report = import_annotations(args.file, args.format, annotator=args.annotator,
                                         texts_dir=args.texts_dir)
    if args.output is None:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    else:
        write_jsonl(records, args.output)
    print(report.summary(), file=sys.stderr)
    if args.output is not None:
        print(f"wrote {len(records)} records to {args.output}", file=sys.stderr)
    return 0


def _is_annotation_file(path: Path) -> bool:
    from stance._formats import read_jsonl

    if path.suffix != ".jsonl":
        return False
    first = next(read_jsonl(path), None)
    return first is not None and {"idx", "label"} <= set(first[1])


def _export_items(paths: list[Path]) -> list[dict[str, Any]]:
    from stance._active import article_sentences, read_articles
    from stance._formats import read_jsonl

    items: list[dict[str, Any]] = []
    for path in paths:
        if path.is_file() and _is_annotation_file(path):
            items += [record for _, record in read_jsonl(path)]
        else:
            items += article_sentences(read_articles([path]))
    return items


def _export_handler(args: argparse.Namespace) -> int:
    from stance._formats import export_tasks

    items = _export_items(args.inputs)
    proba_fn = None if args.no_predictions else model_proba_fn()
    written = export_tasks(items, args.format, args.output, proba_fn=proba_fn)
    print(f"wrote {len(items)} {args.format} tasks to {', '.join(map(str, written))}")
    return 0


def _agree_handler(args: argparse.Namespace) -> int:
    from stance._agreement import agreement, write_disagreements

    results = agreement(args.first, args.second)
    if args.json:
        print(json.dumps([result.to_dict() for result in results], indent=1))
    else:
        print("\n\n".join(result.table() for result in results))
    if args.disagreements is not None:
        count = write_disagreements(results, args.disagreements)
        print(f"wrote {count} disagreements to {args.disagreements}", file=sys.stderr)
    return 0


def _suggest_handler(args: argparse.Namespace) -> int:
    from stance._active import read_articles, suggest
    from stance._formats import read_jsonl

    labelled = [record for path in args.exclude for _, record in read_jsonl(path)]
    chosen = suggest(read_articles(args.articles), model_proba_fn(), args.n,
                     measure=args.measure, per_article=args.per_article,
                     per_outlet=args.per_outlet, labelled=labelled, fmt=args.format,
                     out=args.output)
    print(f"{'uncert':>6}  {'suggested':<20}  {'doc':<28}{'idx':>5}  text")
    for item in chosen:
        print(f"{item['uncertainty']:>6.3f}  {item['suggested']:<20}  {item['doc']:<28}"
              f"{item['idx']:>5}  {_short(item['text'])}")
    docs = len({item["doc"] for item in chosen})
    print(f"{len(chosen)} sentences from {docs} articles written to {args.output}",
          file=sys.stderr)
    return 0


def _default_annotations() -> list[Path]:
    from stance.annotations import shipped_path

    return [path for path in map(shipped_path, ("seeds", "authored")) if path.is_file()]


def _audit_handler(args: argparse.Namespace) -> int:
    from stance._active import audit
    from stance.annotations import read_annotations
    from stance.training import cross_val_proba

    paths = args.annotations or _default_annotations()
    records = [record for path in paths for record in read_annotations(path)]
    rows = audit(records, cross_val_proba(records), n=args.n)
    if args.json:
        for row in rows:
            print(json.dumps(row.to_dict(), ensure_ascii=False))
        return 0
    print(f"{'score':>6}  {'given':<20}  {'suggested':<20}  {'doc':<28}{'idx':>5}  text")
    for row in rows:
        print(f"{row.score:>6.2f}  {row.given:<20}  {row.suggested:<20}  {row.doc:<28}"
              f"{row.idx:>5}  {_short(row.text)}")
    return 0


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
