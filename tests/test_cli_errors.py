"""Every command reports a missing or unreadable file the same way: ``stance: error: <file>:
<what is wrong>; <what to do>`` on stderr, exit code 2, no traceback; 1 is an internal error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stance._cli import main

ROOT = Path(__file__).resolve().parent.parent
STANCE = [sys.executable, "-m", "stance"]


def commands(missing: str, out: Path) -> dict[str, list[str]]:
    return {
        "label": ["label", missing, "-o", str(out / "rows.jsonl")],
        "compare": ["compare", missing],
        "evaluate": ["evaluate", "--annotations", missing],
        "train": ["train", "--annotations", missing, "-o", str(out / "model")],
        "annotations import": ["annotations", "import", missing, "--format", "prodigy"],
        "annotations export": [
            *["annotations", "export", missing, "--format", "prodigy"],
            *["-o", str(out / "tasks.jsonl"), "--no-predictions"],
        ],
        "annotations agree": ["annotations", "agree", missing, missing],
        "suggest": ["suggest", missing, "--format", "prodigy", "-o", str(out / "next.jsonl")],
        "suggest --exclude": [
            *["suggest", str(ROOT / "seeds"), "--exclude", missing],
            *["--format", "prodigy", "-o", str(out / "next.jsonl")],
        ],
        "audit": ["audit", missing],
    }


@pytest.mark.parametrize("command", list(commands("x", Path("y"))))
def test_a_missing_file_is_reported_the_same_way_by_every_command(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.jsonl")
    assert main(commands(missing, tmp_path)[command]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"stance: error: {missing}: no such file or directory; check the path"
    assert not (tmp_path / "rows.jsonl").exists() and not (tmp_path / "model").exists()


@pytest.mark.parametrize("command", ["evaluate", "train", "annotations agree", "audit"])
def test_a_directory_where_a_file_belongs(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    assert main(commands(str(folder), tmp_path)[command]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"stance: error: {folder}: is a directory; give a file"
    )


@pytest.mark.slow  # starts stance in a process
def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.jsonl")
    for argv in (["evaluate", "--annotations", missing], ["compare", missing]):
        done = subprocess.run([*STANCE, *argv], capture_output=True, text=True)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.startswith(f"stance: error: {missing}: no such file or directory")


def test_an_internal_error_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance._cli import label

    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(label, "run", broken)
    assert main(["label", "-"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("stance: internal error: RuntimeError: boom (a bug in stance")
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("STANCE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["label", "-"])


# -- writing where one cannot ------------------------------------------------------------


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder nothing can be written in, and the problem a write there meets."""
    import os

    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder, "permission denied"
        folder.chmod(0o755)
        return
    mount = shutil.which("mount")
    done = subprocess.run(
        [mount or "mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip("root ignores permissions, and no read-only tmpfs can be mounted here")
    try:
        yield folder, "read-only file system"
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.usefixtures("tiny_default_model")
@pytest.mark.slow  # trains a model (on forty sentences)
def test_an_unwritable_output_is_a_clean_error_for_every_writer(
    read_only: tuple[Path, str],
    tmp_path: Path,
    small_annotations: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, problem = read_only
    seed = str(sorted((ROOT / "seeds").glob("*.txt"))[0])
    labelled = tmp_path / "rows.jsonl"
    assert main(["label", seed, "-o", str(labelled), "-q"]) == 0
    pass_a = ROOT / "annotations" / "seeds.jsonl"
    rows, quick, mine = str(labelled), ["--bootstrap", "10"], str(small_annotations)
    cases = [
        (["label", seed, "-o", str(folder / "rows.jsonl"), "-q"], "rows.jsonl.stance-journal"),
        (["compare", rows, "-o", str(folder / "report.txt"), *quick], "report.txt"),
        (["compare", rows, "--chart", str(folder / "c.png"), *quick], "c.png"),
        (["annotations", "agree", str(pass_a), str(pass_a), "--disagreements",
          str(folder / "d.jsonl")], "d.jsonl"),
        (["train", "--annotations", mine, "-o", str(folder / "model")], "model"),
    ]  # fmt: skip
    for argv, name in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith(f"stance: error: {folder / name}: {problem}; "), err
