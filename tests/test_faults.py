"""Fault injection on stance label: whatever happens, every (article, sentence) ends up in the
output exactly once, and the rows on disk stay valid.

The faults: the main process killed (SIGKILL, SIGTERM) at random points, with and without
workers; two writers on one output at once; a full disk (a small tmpfs when one can be mounted,
and always a fake file system that runs out of space mid-write); inputs added between runs.
Nothing here asserts a time: waits are bounded only so that a hang fails instead of hanging.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stance._cli import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
STANCE = [sys.executable, "-m", "stance"]
N_ARTICLES = 160
WAIT = float(
    os.environ.get("STANCE_TEST_WAIT", 120)
)  # seconds before a wait is a failure (a hang), never a measurement


def corpus(folder: Path, n: int = N_ARTICLES, start: int = 0) -> Path:
    path = folder / f"corpus-{start}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(start, start + n):
            text = SEEDS[i % len(SEEDS)].read_text("utf-8")
            handle.write(json.dumps({"id": f"art{i:04d}", "text": text}) + "\n")
    return path


def read_rows(path: Path) -> list[dict]:
    """Every line must be a whole, valid row: what is on disk stays valid."""
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def assert_exactly_once(path: Path, reference: Path, *, same_core: bool = True) -> None:
    """Every sentence once, as the clean run wrote it: byte for byte when the same reading
    core wrote both, else the same rows with probabilities to 1e-9 (the two cores sum the
    document stage in different orders)."""
    rows = read_rows(path)
    keys = [(r["article_id"], r["idx"]) for r in rows]
    assert len(keys) == len(set(keys)), "a sentence was written twice"
    expected_rows = read_rows(reference)
    expected = [(r["article_id"], r["idx"]) for r in expected_rows]
    assert sorted(keys) == sorted(expected), "a sentence is missing"
    if same_core:
        assert path.read_bytes() == reference.read_bytes()
        return
    assert len(rows) == len(expected_rows)
    for got, want in zip(rows, expected_rows):
        assert {k: v for k, v in got.items() if not k.startswith("p_")} == {
            k: v for k, v in want.items() if not k.startswith("p_")
        }
        assert all(abs(got[k] - want[k]) <= 1e-9 for k in got if k.startswith("p_"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The corpus and its output from one clean, uninterrupted run."""
    folder = tmp_path_factory.mktemp("reference")
    source = corpus(folder)
    out = folder / "clean.jsonl"
    subprocess.run(
        [*STANCE, "label", str(source), "-o", str(out), "-q", "-j", "1"],
        check=True,
        capture_output=True,
    )
    return source, out


# -- processes -------------------------------------------------------------------------------


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
    )


def stop_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@needs_proc
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_main_process(tmp_path: Path, how: signal.Signals) -> None:
    source = corpus(tmp_path, 1000)  # far more than is labelled before the kill
    out = tmp_path / "rows.jsonl"
    child = start([*STANCE, "label", str(source), "-o", str(out), "-q", "-j", "2"])
    try:
        # Kill the main process only (as a scheduler or subprocess.run(timeout=) does), once
        # its workers are at work.
        wait_until(lambda: len(group_members(child.pid)) >= 2, "the worker to start")
        wait_until(lambda: out.exists() and out.stat().st_size > 0, "the first rows")
        os.kill(child.pid, how)
        # The caller's pipes close: nothing that inherited them is left running...
        child.communicate(timeout=WAIT)
        # ...and no process of the run is left at all.
        wait_until(lambda: not group_members(child.pid), "every process of the run to end")
    finally:
        stop_group(child)
    if how == signal.SIGTERM:
        assert child.returncode == 130  # SIGTERM unwinds like Ctrl-C


@needs_proc
def test_killed_at_random_points_then_resumed(reference: tuple[Path, Path], tmp_path: Path) -> None:
    source, clean = reference
    out = tmp_path / "rows.jsonl"
    rng = random.Random(20240224)
    for attempt in range(6):
        jobs = ("1", "2")[attempt % 2]
        child = start([*STANCE, "label", str(source), "-o", str(out), "-q", "-j", jobs])
        try:
            time.sleep(rng.uniform(0.0, 2.5))  # a random point: loading, labelling or writing
            os.kill(child.pid, signal.SIGKILL)
            child.communicate(timeout=WAIT)
            pgid = child.pid
            wait_until(lambda: not group_members(pgid), "the killed run to end")  # noqa: B023
        finally:
            stop_group(child)
    subprocess.run(
        [*STANCE, "label", str(source), "-o", str(out), "-q", "-j", "2"],
        check=True,
        capture_output=True,
    )
    assert_exactly_once(out, clean)


# -- two writers -----------------------------------------------------------------------------


def test_two_writers_at_once_one_is_refused(reference: tuple[Path, Path], tmp_path: Path) -> None:
    source, clean = reference
    out = tmp_path / "rows.jsonl"
    command = [*STANCE, "label", str(source), "-o", str(out), "-q", "-j", "1"]
    # The first writer reads with the Python reference core, the slower of the two (the same
    # rows, probabilities to 1e-9), so that it still holds the lock when the second starts.
    first = start(command, env={**os.environ, "STANCE_CORE": "python"})
    journal = out.with_name(out.name + ".stance-journal")
    try:
        wait_until(lambda: journal.exists() and b"run\t" in journal.read_bytes(), "the lock")
        second = subprocess.run(command, capture_output=True, text=True, timeout=WAIT)
        first.communicate(timeout=WAIT)
    finally:
        stop_group(first)
    assert first.returncode == 0
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert f"another stance label run (pid {first.pid}) is writing this output" in second.stderr
    assert_exactly_once(out, clean, same_core=False)


def test_two_writers_started_together_and_a_stale_lock(
    reference: tuple[Path, Path], tmp_path: Path
) -> None:
    source, clean = reference
    out = tmp_path / "rows.jsonl"
    command = [*STANCE, "label", str(source), "-o", str(out), "-q", "-j", "1"]
    runs = [start(command), start(command)]
    try:
        codes = []
        for run in runs:
            run.communicate(timeout=WAIT)
            codes.append(run.returncode)
    finally:
        for run in runs:
            stop_group(run)
    assert sorted(codes) in ([0, 0], [0, 2])  # both succeed only if one ran after the other
    assert_exactly_once(out, clean)
    # A run killed while holding the lock leaves no lock behind: the next run takes over.
    (tmp_path / "more").mkdir()
    extra = corpus(tmp_path / "more", 40, start=N_ARTICLES)
    journal = out.with_name(out.name + ".stance-journal")
    runs_before = journal.read_bytes().count(b"run\t")
    killed = start([*STANCE, "label", str(source), str(extra), "-o", str(out), "-q"])
    try:
        wait_until(lambda: journal.read_bytes().count(b"run\t") > runs_before, "the lock")
        os.kill(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=WAIT)
    finally:
        stop_group(killed)
    again = subprocess.run(
        [*STANCE, "label", str(source), str(extra), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert again.returncode == 0, again.stderr
    rows = read_rows(out)
    keys = [(r["article_id"], r["idx"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert {k[0] for k in keys} == {f"art{i:04d}" for i in range(N_ARTICLES + 40)}


# -- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (needs root and mount); skipped where one cannot be mounted."""
    mount = shutil.which("mount")
    point = tmp_path / "tmpfs"
    point.mkdir()
    if os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a tmpfs needs root; the fake full disk below runs everywhere")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(point)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_full_tmpfs_then_freed(
    reference: tuple[Path, Path], tmp_path: Path, tiny_tmpfs: Path
) -> None:
    source, clean = reference
    out = tiny_tmpfs / "rows.jsonl"
    command = [*STANCE, "label", str(source), "-o", str(out), "-q", "-j", "2"]
    full = subprocess.run(command, capture_output=True, text=True, timeout=WAIT)
    assert full.returncode == 2 and "Traceback" not in full.stderr
    assert f"stance: error: {out}: no space left on the device" in full.stderr
    assert "run the same command again to resume" in full.stderr
    assert len(read_rows(out)) > 0  # the rows written so far are whole and valid
    subprocess.run(["mount", "-o", "remount,size=16m", str(tiny_tmpfs)], check=True)
    subprocess.run(command, check=True, capture_output=True, timeout=WAIT)
    assert_exactly_once(out, clean)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_disk_that_fills_mid_write_then_frees(
    reference: tuple[Path, Path],
    tmp_path: Path,
    fmt: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A fake file system: every write to the output and the journal counts against a budget;
    the write that crosses it writes part of its bytes (a torn row) and fails with ENOSPC."""
    from stance.batch import _sink

    source, clean = reference
    out = tmp_path / f"rows.{fmt}"
    real_write = _sink._write_all
    budget = {"left": 0}

    def write_all(fd: int, data: bytes) -> None:
        if len(data) > budget["left"]:
            real_write(fd, data[: budget["left"]])
            budget["left"] = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        budget["left"] -= len(data)
        real_write(fd, data)

    monkeypatch.setattr(_sink, "_write_all", write_all)
    argv = ["label", str(source), "-o", str(out), "-q", "-j", "1"]
    failures = 0
    for room in (20_000, 150_000, 600_000, 2_000_000, 10**12):  # space freed a little each time
        budget["left"] = room
        code = main(argv)
        err = capsys.readouterr().err
        if code == 0:
            break
        failures += 1
        assert code == 2 and "no space left on the device" in err
        assert "run the same command again to resume" in err
        if fmt == "jsonl":
            read_rows(out)  # whole rows only: the torn one was cut away
        else:
            assert out.read_bytes() == b"" or out.read_bytes().endswith(b"\n")
    assert failures >= 2
    monkeypatch.setattr(_sink, "_write_all", real_write)
    if fmt == "jsonl":
        assert_exactly_once(out, clean)
    else:
        import csv

        with out.open(encoding="utf-8", newline="") as handle:
            keys = [(r["article_id"], int(r["idx"])) for r in csv.DictReader(handle)]
        expected = [(r["article_id"], r["idx"]) for r in read_rows(clean)]
        assert keys == expected


# -- inputs added between runs ------------------------------------------------------------


def test_inputs_added_between_runs_and_a_kill_in_between(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    corpus(folder, 30, start=0)
    out = folder / "rows.jsonl"  # inside the input folder, too
    command = [*STANCE, "label", str(folder), "-o", str(out), "-q", "-j", "2"]
    subprocess.run(command, check=True, capture_output=True, timeout=WAIT)
    corpus(folder, 60, start=30)
    child = start(command)
    try:
        wait_until(lambda: out.read_bytes().count(b"art0031") > 0, "the new inputs")
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=WAIT)
    finally:
        stop_group(child)
    (folder / "sub").mkdir()
    (folder / "sub" / "late.txt").write_text("NATO said Russia had lost momentum.", "utf-8")
    subprocess.run(command, check=True, capture_output=True, timeout=WAIT)
    rows = read_rows(out)
    keys = [(r["article_id"], r["idx"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert {k[0] for k in keys} == {f"art{i:04d}" for i in range(90)} | {"sub/late.txt"}
    per_article = {}
    for article, idx in keys:
        per_article.setdefault(article, []).append(idx)
    assert all(sorted(v) == list(range(len(v))) for v in per_article.values())
