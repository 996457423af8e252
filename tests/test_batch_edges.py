"""stance label at its edges: outputs and inputs, repeated ids, resuming with new or changed
inputs, one writer per output, long input, cues.

The tiny model (tests/tiny_model.py) labels here in place of the shipped one: these are
mechanics.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import stance
from stance._cli import main
from stance.batch._labelling import CHUNK_CHARS, COLUMNS, MAX_SENTENCE_CHARS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
STANCE = [sys.executable, "-m", "stance"]

pytestmark = pytest.mark.usefixtures("tiny_default_model")


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def keys(rows: list[dict]) -> list[tuple[str, int]]:
    return [(r["article_id"], r["idx"]) for r in rows]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Four seed copies in a folder."""
    root = tmp_path / "in"
    root.mkdir()
    for n in range(4):
        (root / f"s{n}.txt").write_text(SEEDS[n % 2].read_text("utf-8"), "utf-8")
    return root


# -- an output is never an input ------------------------------------------------------------


def test_an_output_inside_the_input_folder_is_not_read(folder: Path) -> None:
    out = folder / "labelled.jsonl"
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    first = rows_of(out)
    assert {r["article_id"] for r in first} == {f"s{n}.txt" for n in range(4)}
    # Again, and into a second output in the same folder: the first output is not an input.
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    assert rows_of(out) == first
    other = folder / "second.jsonl"
    assert main(["label", str(folder), "-o", str(other), "-q", "-j", "1"]) == 0
    assert rows_of(other) == first


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_an_output_that_is_an_input_is_refused_whatever_the_flags(
    folder: Path, tmp_path: Path, overwrite: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "Kyiv said so."}) + "\n", "utf-8")
    before = source.read_bytes()
    assert main(["label", str(source), "-o", str(source), "-q", *overwrite]) == 2
    assert "this output is also an input" in capsys.readouterr().err
    assert source.read_bytes() == before
    assert not source.with_name(source.name + ".stance-journal").exists()
    inside = folder / "notes.jsonl"  # an article file of the input folder
    inside.write_text(json.dumps({"id": "n", "text": "Moscow said so."}) + "\n", "utf-8")
    kept = inside.read_bytes()
    assert main(["label", str(folder), "-o", str(inside), "-q", *overwrite]) == 2
    assert inside.read_bytes() == kept


def test_other_commands_refuse_an_output_that_is_an_input(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = folder / "s0.txt"
    before = article.read_bytes()
    argv = ["annotations", "export", str(folder), "--format", "prodigy", "--no-predictions"]
    assert main([*argv, "-o", str(article)]) == 2
    assert main(["compare", str(article), "--chart", str(article)]) == 2
    assert article.read_bytes() == before
    assert capsys.readouterr().err.count("this output is also an input") == 2


@pytest.mark.slow  # starts stance in a process
def test_an_output_directory_is_a_clean_error(tmp_path: Path, folder: Path) -> None:
    done = subprocess.run(
        [*STANCE, "label", str(folder), "-o", str(tmp_path), "--overwrite", "-q"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"stance: error: {tmp_path}: is a directory; give a file name" in done.stderr


# -- repeated ids ----------------------------------------------------------------------------


def repeated(tmp_path: Path) -> Path:
    """50 records; ids 0 and 40 are equal, 7 is the number 7 and 8 the string "7"."""
    path = tmp_path / "arts.jsonl"
    records = []
    for n in range(50):
        text = f"Kyiv said {n} drones were downed. Moscow denied it."
        given: object = {40: "0", 8: "7"}.get(n, str(n))
        if n == 7:
            given = 7
        records.append({"id": given, "text": text})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.slow  # starts stance in a process, and worker processes
def test_repeated_ids_are_reported_and_the_first_kept_the_same_everywhere(
    tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = repeated(tmp_path)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"rows{jobs}.jsonl"
        assert main(["label", str(source), "-o", str(out), "-q", "-j", jobs]) == 0
        outputs.append(out.read_bytes())
    err = capsys.readouterr().err
    assert f"{source}:41: repeated id ('0', first seen at {source}:1)" in err
    assert f"{source}:9: repeated id ('7', first seen at {source}:8; here the string" in err
    assert "skipped 2: 2 repeated id" in err
    to_stdout = subprocess.run(
        [*STANCE, "label", str(source), "-q", "-j", "2", "--model", str(tiny_model_dir)],
        capture_output=True,
        check=True,
    ).stdout
    assert outputs[0] == outputs[1] == to_stdout
    rows = [json.loads(line) for line in to_stdout.splitlines()]
    assert len(keys(rows)) == len(set(keys(rows))) == 48 * 2
    assert next(r for r in rows if r["article_id"] == "0")["text"].startswith("Kyiv said 0 ")


# -- resuming: new inputs, changed inputs ---------------------------------------------------


def test_a_rerun_labels_new_inputs_and_reports_changed_ones(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rows.jsonl"
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    before = rows_of(out)
    (folder / "new.txt").write_text("NATO said Russia had lost momentum.", "utf-8")
    (folder / "s0.txt").write_text("An edited article. Kyiv said so.", "utf-8")
    capsys.readouterr()
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    err = capsys.readouterr().err
    after = rows_of(out)
    assert after[: len(before)] == before
    assert {r["article_id"] for r in after[len(before) :]} == {"new.txt"}
    assert f"{folder / 's0.txt'}: changed article ('s0.txt' was labelled" in err
    assert "labelled 1 article," in err and "(3 labelled by an earlier run)" in err


def test_an_article_whose_address_changed_is_reported_as_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from stance.batch._labelling import Article
    from stance.batch._sink import content_hash

    plain = Article("a", "Norway will send more air defence.", "Press release")
    sited = Article(plain.id, plain.text, plain.outlet, url="https://www.regjeringen.no/en/a")
    assert content_hash(plain) != content_hash(sited)
    source, out = tmp_path / "in.jsonl", tmp_path / "rows.jsonl"
    record = {"id": "a", "text": plain.text, "outlet": plain.outlet}
    source.write_text(json.dumps(record) + "\n", "utf-8")
    assert main(["label", str(source), "-o", str(out), "-q", "-j", "1"]) == 0
    source.write_text(json.dumps({**record, "url": sited.url}) + "\n", "utf-8")
    capsys.readouterr()
    assert main(["label", str(source), "-o", str(out), "-q", "-j", "1"]) == 0
    assert "changed article ('a' was labelled" in capsys.readouterr().err


@pytest.mark.slow  # starts stance in a process
def test_stdin_reruns_label_what_is_new(tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    line = json.dumps({"id": "a", "text": "Kyiv said so."}) + "\n"
    more = json.dumps({"id": "b", "text": "Moscow said so."}) + "\n"
    command = [*STANCE, "label", "-", "-o", str(out), "-q", "-j", "1"]
    subprocess.run(command, input=line, text=True, check=True, capture_output=True)
    subprocess.run(command, input=line + more, text=True, check=True, capture_output=True)
    assert keys(rows_of(out)) == [("a", 0), ("b", 0)]


# -- one writer per output ------------------------------------------------------------------


@pytest.mark.slow  # starts stance in a process
def test_a_second_writer_is_refused_with_the_holder_pid(tmp_path: Path) -> None:
    import fcntl

    from stance.batch._sink import RowSink

    out = tmp_path / "rows.jsonl"
    holder = RowSink(out, "jsonl", "f")
    try:
        done = subprocess.run(
            [*STANCE, "label", str(SEEDS[0]), "-o", str(out), "-q"], capture_output=True, text=True
        )
    finally:
        holder.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"another stance label run (pid {os.getpid()}) is writing this output" in done.stderr
    # Once the holder is gone, the lock is free (the kernel drops it with the process).
    journal = out.with_name(out.name + ".stance-journal")
    with journal.open("rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


# -- long input ---------------------------------------------------------------------------


@pytest.mark.slow  # starts worker processes
def test_a_text_without_stops_is_cut_at_words_and_flagged(tmp_path: Path) -> None:
    words = " ".join(f"word{n % 97}" for n in range(60_000))  # ~400 kB, no stop anywhere
    source = tmp_path / "long.txt"
    source.write_text(words, "utf-8")
    out = tmp_path / "rows.jsonl"
    assert main(["label", str(source), "-o", str(out), "-q", "-j", "2"]) == 0
    rows = rows_of(out)
    assert len(rows) > len(words) // MAX_SENTENCE_CHARS
    assert all(r["cut"] is True for r in rows)
    assert all(len(r["text"]) <= MAX_SENTENCE_CHARS for r in rows)
    assert all(words[r["start"] : r["end"]] == r["text"] for r in rows)
    # Cut at word boundaries: every piece is whole words, and together they are the text.
    assert " ".join(r["text"] for r in rows) == words
    assert [r["idx"] for r in rows] == list(range(len(rows)))


@pytest.mark.slow  # starts worker processes
def test_a_long_article_is_labelled_in_chunks_the_same_on_every_route(tmp_path: Path) -> None:
    text = "\n".join(path.read_text("utf-8") for path in SEEDS)
    long = (text * (3 * CHUNK_CHARS // len(text) + 1))[: 3 * CHUNK_CHARS]
    model = stance.load()
    api = [r.row() for r in stance.label_articles([{"id": "x", "text": long}], model=model)]
    source = tmp_path / "long.jsonl"
    source.write_text(json.dumps({"id": "x", "text": long}) + "\n", "utf-8")
    out = tmp_path / "rows.jsonl"
    assert main(["label", str(source), "-o", str(out), "-q", "-j", "2"]) == 0
    cli = rows_of(out)
    assert [(r["idx"], r["start"], r["end"], r["label"]) for r in cli] == [
        (r["idx"], r["start"], r["end"], r["label"]) for r in api
    ]
    assert all(long[r["start"] : r["end"]] == r["text"] for r in cli)
    # Each chunk is read as a document of its own: the first chunk is labelled as its own
    # text alone would be.
    first_end = max(r["end"] for r in api if r["end"] <= CHUNK_CHARS)
    first = [r for r in api if r["end"] <= first_end]
    alone = stance.label_article(long[: first[-1]["end"]], model=model, article_id="x")
    assert [(r.label, r.start) for r in alone] == [(r["label"], r["start"]) for r in first]


def test_columns_and_cues_without_repeats() -> None:
    assert COLUMNS[-1] == "cut"
    rows = stance.label_article(
        "Peskov told reporters the talks had failed. Dmitry Peskov, the Kremlin spokesman, "
        "said Moscow would respond."
    )
    for row in rows:
        assert len(row.cues) == len(set(row.cues)), row.cues
        assert row.cut is False and row.row()["cut"] is False


@pytest.mark.parametrize("enabled", [True, False])
def test_labelling_leaves_the_cycle_collector_as_the_caller_set_it(enabled: bool) -> None:
    # rows are made with the collector paused; the caller's setting must come back, and a
    # collector the caller turned off must stay off
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        rows = stance.label_article("Peskov said the talks had failed. Kyiv denied it.")
        assert len(rows) == 2
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.slow  # measures memory over a megabyte of text, under tracemalloc
def test_splitting_a_huge_line_keeps_memory_flat() -> None:
    import tracemalloc

    from stance.text._splitting import split_bounded

    peaks = []
    for size in (200_000, 800_000):
        text = "Kyiv said it held. " * (size // 19)  # one line, many sentences
        tracemalloc.start()
        count = sum(1 for _ in split_bounded(text, MAX_SENTENCE_CHARS))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == size // 19
    assert max(peaks) < 4_000_000 and peaks[1] < 2 * peaks[0] + 500_000


# Runs the command line in a fresh process and prints that process's own peak resident memory
# (VmHWM: the high-water mark of its memory map since its exec, so not the parent's, which
# ru_maxrss of a spawned child can include).
PEAK = (
    "import sys\n"
    "from stance._cli import main\n"
    "code = main(sys.argv[1:])\n"
    "status = open('/proc/self/status').read()\n"
    "print('VmHWM', status.split('VmHWM:')[1].split()[0], file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def peak_rss_mb(argv: list[str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *argv], capture_output=True, text=True, check=True
    )
    return int(done.stderr.split("VmHWM")[-1].split()[0]) / 1024  # kB


@pytest.mark.slow  # starts stance in a process, twice, on megabytes of text
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_memory_stays_bounded_for_a_20_mb_article(tmp_path: Path) -> None:
    text = "\n".join(path.read_text("utf-8") for path in SEEDS) + "\n"
    peaks = {}
    for megabytes in (2, 20):
        source = tmp_path / f"article-{megabytes}.txt"
        with source.open("w", encoding="utf-8") as handle:
            for _ in range(megabytes * 1_000_000 // len(text)):
                handle.write(text)
        out = tmp_path / f"rows-{megabytes}.jsonl"
        peaks[megabytes] = peak_rss_mb(["label", str(source), "-o", str(out), "-q", "-j", "1"])
    # Under 300 MB (it was 1.45 GB), and 18 MB more article costs little more than holding
    # its text (read as bytes, then as a str): the labelling itself does not grow with length.
    assert peaks[20] < 300, peaks
    assert peaks[20] - peaks[2] < 3 * 18, peaks


# -- Parquet --------------------------------------------------------------------------------


def parquet_keys(path: Path) -> list[tuple[str, int]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["article_id", "idx"])
    return list(zip(table["article_id"].to_pylist(), table["idx"].to_pylist()))


def test_parquet_parts_are_streamed_into_one_file_not_read_whole(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the join must stream row groups, not load whole tables")

    monkeypatch.setattr(pq, "read_table", refuse)
    monkeypatch.setattr(pa, "concat_tables", refuse)
    out = tmp_path / "rows.parquet"
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    (folder / "new.txt").write_text("NATO said Russia had lost momentum.", "utf-8")
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    monkeypatch.undo()
    assert pq.ParquetFile(out).metadata.num_row_groups == 2  # the first run's, then the new one
    reference = tmp_path / "rows.jsonl"
    assert main(["label", str(folder), "-o", str(reference), "-q", "-j", "1"]) == 0
    assert sorted(parquet_keys(out)) == sorted(keys(rows_of(reference)))
    assert len(set(parquet_keys(out))) == len(parquet_keys(out))
    assert not out.with_name(out.name + ".stance-parts").exists()


def test_a_join_interrupted_after_its_journal_line_is_completed(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stance.batch import _sink

    out = tmp_path / "rows.parquet"
    real_replace = os.replace

    def killed(source: object, target: object) -> None:
        if str(target) == str(out):
            raise KeyboardInterrupt  # as if killed between the journal line and the replace
        real_replace(source, target)

    monkeypatch.setattr(_sink.os, "replace", killed)
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 130
    monkeypatch.undo()
    assert not out.exists()
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    reference = tmp_path / "rows.jsonl"
    assert main(["label", str(folder), "-o", str(reference), "-q", "-j", "1"]) == 0
    assert parquet_keys(out) == keys(rows_of(reference))


def test_spark_refuses_an_output_that_is_or_holds_or_lies_in_its_input(
    folder: Path, tmp_path: Path
) -> None:
    from stance._errors import InputError
    from stance.batch._spark import label_paths

    for target in (folder, folder / "labelled", tmp_path):
        with pytest.raises(InputError, match="writing it would destroy or re-read the input"):
            label_paths(folder, target, overwrite=True)
    assert sorted(p.name for p in folder.iterdir()) == [f"s{n}.txt" for n in range(4)]


def test_the_readme_spark_row_runs_as_printed(capsys: pytest.CaptureFixture[str]) -> None:
    # `stance label --engine spark IN OUT` (two positionals) was refused; the row is now
    # `stance label --engine spark IN -o OUT`, and two inputs say how to call it.
    assert main(["label", "--engine", "spark", str(SEEDS[0]), str(SEEDS[1])]) == 2
    assert "stance label --engine spark INPUT -o OUTPUT" in capsys.readouterr().err
