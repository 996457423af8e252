"""The README's commands run as printed.

Every Python block runs from the repository root. Of the two bash blocks, the set-up and test
commands themselves (a virtualenv, pip, ruff, mypy, pytest) are covered by tests/test_install.py
and CI; the stance commands that follow the set-up run here as printed, with this interpreter's
``stance``. Every ``stance ...`` command in the table parses with the real argument parser,
placeholders filled in.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stance._cli import _parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETUP = re.compile(r"python3 -m venv \.venv && \.venv/bin/pip install --quiet [^&]+&& ")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.+?)\n```", README, flags=re.S)


@pytest.mark.slow  # starts Python in a process
@pytest.mark.parametrize("number", range(len(blocks("python"))))
def test_every_python_block_runs(number: int) -> None:
    code = blocks("python")[number]
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


@pytest.mark.slow  # runs the README's commands in a shell
def test_the_stance_commands_after_the_set_up_run_as_printed(tmp_path: Path) -> None:
    setup_and_run = blocks("bash")[0]
    assert SETUP.match(setup_and_run), "the first bash block starts with the set-up"
    commands = SETUP.sub("", setup_and_run)
    assert commands.startswith(".venv/bin/stance label seeds/")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shell = commands.replace(".venv/bin/stance", f"{shlex.quote(sys.executable)} -m stance")
    subprocess.run(["bash", "-c", shell], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "out" / "seeds-labelled.jsonl").stat().st_size > 0
    assert (tmp_path / "out" / "seeds-outlets.png").read_bytes()[:4] == b"\x89PNG"
    # As printed, again: the rerun relabels (--overwrite) and compares the same output.
    subprocess.run(["bash", "-c", shell], cwd=tmp_path, check=True, capture_output=True)


def table_commands() -> list[str]:
    rows = [line for line in README.splitlines() if line.startswith("| `stance ")]
    return [code for row in rows for code in re.findall(r"`(stance [^`]+)`", row.split("|")[1])]


FILLED = {"INPUT...": "in.txt", "LABELLED...": "rows.jsonl", "IN": "in", "OUT": "out"}


def test_every_table_command_parses() -> None:
    parser = _parser()
    found = table_commands()
    assert len(found) >= 7 and any("--engine spark" in command for command in found)
    for command in found:
        words = command.replace("[", "").replace("]", "").split()[1:]
        words = [FILLED.get(word, word.removesuffix("...")) for word in words]
        if "/" in words[-1] and len(words) == 2:  # annotations import/export/agree
            for sub in words[-1].split("/"):
                with pytest.raises(SystemExit) as shown:
                    parser.parse_args([words[0], sub, "--help"])
                assert shown.value.code == 0
            continue
        if len(words) == 1:  # `stance suggest`: the command exists
            with pytest.raises(SystemExit) as shown:
                parser.parse_args([*words, "--help"])
            assert shown.value.code == 0
            continue
        args = parser.parse_args(words)
        assert callable(args.func), command
        if getattr(args, "engine", None) == "spark":  # what `stance label` checks before Spark
            assert len(args.inputs) == 1 and args.output, f"{command}: one INPUT and -o OUTPUT"
