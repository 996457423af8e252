"""The ``stance`` command: a thin layer over the library, one module per command.

Every command module has ``add_parser(subparsers)``, which registers the command and its handler
(``func``); handlers call library code and return an exit code. Errors that stance raises
(:class:`stance.StanceError`) are printed as ``stance: error: ...`` with exit code 2.
"""

import argparse
import sys
from collections.abc import Sequence

from stance._errors import StanceError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from stance import __version__
    from stance._cli import annotations, audit, compare, evaluate, label, suggest, train

    parser = argparse.ArgumentParser(
        prog="stance",
        description="Whose account does each sentence of a war news article "
        "carry? Label articles, compare outlets, train and evaluate.",
    )
    parser.add_argument("--version", action="version", version=f"stance {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (label, evaluate, train, compare, annotations, suggest, audit):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except StanceError as err:
        print(f"stance: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nstance: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
