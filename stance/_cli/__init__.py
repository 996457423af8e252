"""The ``stance`` command: a thin layer over the library, one module per command.

Every command module has ``add_parser(subparsers)``, which registers the command and its handler
(``func``); handlers call library code and return an exit code. The arguments as given are in
``args.argv`` (a handler never reads ``sys.argv``).

Exit codes: 0 done; 2 a problem with the input, a file or the system, printed as
``stance: error: <file>: <what is wrong>; <what to do>`` (every :class:`stance.StanceError`, and
any operating-system error on a file); 130 interrupted (Ctrl-C or SIGTERM; run the same command
again to resume); 1 an internal error, a bug in stance (``STANCE_DEBUG=1`` shows its traceback).
"""

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

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
    parser.add_argument(
        "--version", action=_PrintVersion, version=_version(__version__), help=_VERSION_HELP
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (label, evaluate, train, compare, annotations, suggest, audit):
        command.add_parser(commands)
    return parser


def _version(number: str) -> str:
    """``stance 0.1.0 (compiled core ...)``: the version and the reading core in use."""
    from stance import _core

    return f"stance {number} ({_core.describe()})"


_VERSION_HELP = "show the version and the reading core in use, and exit"


class _PrintVersion(argparse.Action):
    """argparse's ``version`` action without its line wrapping: the reason a core is not in use
    can be long, and a script reading the line should get it whole."""

    def __init__(self, option_strings: list[str], version: str, **kwargs: Any) -> None:
        super().__init__(option_strings, nargs=0, default=argparse.SUPPRESS, **kwargs)
        self.version = version

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(self.version)
        parser.exit()


class _Terminated(KeyboardInterrupt):
    """SIGTERM, as a job scheduler or ``subprocess.run(timeout=...)`` sends it."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = argv
    previous = None
    if os.name == "posix":
        try:  # unwind like Ctrl-C, so that outputs are left consistent and workers are stopped
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
        except ValueError:  # not the main thread: leave signals alone
            previous = None
    try:
        return int(args.func(args))
    except StanceError as err:
        print(f"stance: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except OSError as err:
        import errno

        from stance._io import file_problem

        writing = err.errno in (errno.EROFS, errno.ENOSPC, errno.EDQUOT)  # only writes meet these
        print(f"stance: error: {file_problem(err, writing=writing)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        why = "terminated" if isinstance(stop, _Terminated) else "interrupted"
        print(f"\nstance: {why}; run the same command again to resume", file=sys.stderr)
        return 130
    except Exception as err:
        if os.environ.get("STANCE_DEBUG"):
            raise
        print(
            f"stance: internal error: {type(err).__name__}: {err} (a bug in stance; please "
            "report it with the command you ran, and STANCE_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _quiet_stdout() -> None:
    """After a closed pipe (``stance label ... | head``), keep Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
