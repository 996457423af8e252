"""Batch labelling through files, the API and the CLI: formats, bad input, resuming, jobs.

The tiny model (tests/tiny_model.py) labels here in place of the shipped one: these are
mechanics. Processes started anew (stdin and stdout, the killed run) use the shipped model.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given

import stance
from stance._cli import main
from stance.batch._labelling import COLUMNS
from tests.strategies import examples, sentence_lists

ROOT = Path(__file__).resolve().parent.parent
STANCE = [sys.executable, "-m", "stance"]

pytestmark = pytest.mark.usefixtures("tiny_default_model")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_label_article_reads_context() -> None:
    rows = stance.label_article(
        '"Our forces counterattack there," governor Oleh Synehubov said. "The enemy is retreating."'
    )
    assert [r.idx for r in rows] == [0, 1]
    assert rows[1].label == "official_ukrainian"
    assert abs(sum(rows[0].probabilities.values()) - 1) < 1e-9 and rows[0].cues


def test_label_articles_is_lazy_and_ordered() -> None:
    articles = ({"id": f"a{i}", "text": f"Kyiv said {i}. Moscow denied it."} for i in range(5))
    rows = list(stance.label_articles(articles))
    assert [(r.article_id, r.idx) for r in rows] == [
        (f"a{i}", j) for i in range(5) for j in range(2)
    ]


def test_label_articles_refuses_bad_items() -> None:
    with pytest.raises(stance.InputError, match="article 1"):
        list(stance.label_articles(["fine.", 42]))


def test_label_dataset_gives_one_row_per_sentence() -> None:
    from datasets import Dataset

    ds = Dataset.from_dict({"id": ["x", "y"], "text": ["Kyiv said so. Moscow too.", "Hi."]})
    out = stance.label_dataset(ds)
    assert out.num_rows == 3 and list(out.column_names) == list(COLUMNS)
    assert out["article_id"] == ["x", "x", "y"]


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Kyiv said the bridge held. Moscow denied it.\n", "utf-8")
    (folder / "sub" / "b.txt").write_text("Peskov told reporters nothing.", "utf-8")
    (folder / "empty.txt").write_text("   \n", "utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    (folder / "latin1.txt").write_bytes("Caf\xe9 said".encode("latin-1"))
    (folder / "arts.jsonl").write_text(
        json.dumps({"id": "j1", "text": "NATO said so.", "outlet": "Wire", "date": "2023-02-14"})
        + "\n{not json\n"
        + json.dumps({"id": "j2"})
        + "\n",
        "utf-8",
    )
    return folder


def test_bad_inputs_are_reported_and_skipped(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rows.jsonl"
    assert main(["label", str(inputs), "-o", str(out), "--jobs", "1", "-q"]) == 0
    err = capsys.readouterr().err
    for reason in (
        "empty file",
        "binary file",
        "undecodable bytes",
        "arts.jsonl:2: not valid JSON",  # the one JSONL reader's wording
        "arts.jsonl:3: malformed record",
    ):
        assert reason in err, reason
    assert "skipped 5" in err
    rows = read_jsonl(out)
    assert {r["article_id"] for r in rows} == {"a.txt", "sub/b.txt", "j1"}
    assert all(list(r) == list(COLUMNS) for r in rows)
    j1 = next(r for r in rows if r["article_id"] == "j1")
    assert (j1["outlet"], j1["date"]) == ("Wire", "2023-02-14")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_every_output_format_round_trips(inputs: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"rows.{fmt}"
    assert main(["label", str(inputs), "-o", str(out), "--jobs", "1", "-q"]) == 0
    reference = [
        r.row()
        for r in stance.label_articles(
            [{"id": "a.txt", "text": (inputs / "a.txt").read_text("utf-8")}]
        )
    ]
    if fmt == "jsonl":
        rows = read_jsonl(out)
    elif fmt == "csv":
        import csv

        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        rows = pq.read_table(out).to_pylist()
    got = [r for r in rows if r["article_id"] == "a.txt"]
    assert [r["text"] for r in got] == [r["text"] for r in reference]
    assert [r["label"] for r in got] == [r["label"] for r in reference]
    assert [float(r["p_neutral"]) for r in got] == pytest.approx(
        [r["p_neutral"] for r in reference], abs=1e-12
    )


@pytest.mark.slow  # starts stance in a process
def test_stdin_and_stdout(tmp_path: Path) -> None:
    done = subprocess.run(
        [*STANCE, "label", "-", "-q"],
        input="Kyiv said so. Moscow denied.",
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["article_id"] for r in rows] == ["stdin", "stdin"]


def corpus(folder: Path, n: int) -> Path:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = seeds[i % len(seeds)].read_text("utf-8")
            handle.write(json.dumps({"id": f"art{i:04d}", "text": text}) + "\n")
    return path


@pytest.mark.slow  # starts worker processes
def test_jobs_1_and_2_give_identical_output(tmp_path: Path) -> None:
    source = corpus(tmp_path, 12)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["label", str(source), "-o", str(one), "--jobs", "1", "-q"]) == 0
    assert main(["label", str(source), "-o", str(two), "--jobs", "2", "-q"]) == 0
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.slow  # starts stance in a process
def test_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    source = corpus(tmp_path, 400)
    out = tmp_path / "rows.jsonl"
    command = [*STANCE, "label", str(source), "-o", str(out), "--jobs", "1", "-q"]
    child = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    journal = out.with_name(out.name + ".stance-journal")
    deadline = time.monotonic() + 120
    # Kill it once some batches are written, mid-run.
    while time.monotonic() < deadline and child.poll() is None:
        if journal.exists() and journal.read_text().count("\nlen\t") >= 2:
            break
        time.sleep(0.05)
    assert child.poll() is None, "the run finished before it could be killed; enlarge the corpus"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with out.open("ab") as handle:  # a torn row, as a kill mid-write would leave
        handle.write(b'{"article_id": "art9999", "idx": 0, "te')
    partial = out.read_bytes().count(b"\n")
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    rows = read_jsonl(out)
    keys = [(r["article_id"], r["idx"]) for r in rows]
    assert len(keys) == len(set(keys)), "a sentence was written twice"
    expected = {
        (f"art{i:04d}", j)
        for i in range(400)
        for j in range({0: 43, 1: 52, 2: 22, 3: 110, 4: 16}[i % 5])
    }
    assert set(keys) == expected
    assert 0 < partial < len(rows)
    # A finished run started again does nothing and keeps the output.
    before = out.read_bytes()
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    assert out.read_bytes() == before


def test_other_arguments_do_not_resume_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = corpus(tmp_path, 2)
    out = tmp_path / "rows.jsonl"
    assert main(["label", str(source), "-o", str(out), "-q", "--jobs", "1"]) == 0
    assert main(["label", str(source), "-o", str(out), "-q", "--outlet", "X"]) == 2
    assert "--overwrite" in capsys.readouterr().err


@given(sentence_lists(5, 200, min_sentences=1))
@examples(25, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_survives_jsonl_in_and_out(texts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        source.write_text(
            "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)),
            "utf-8",
        )
        out = Path(folder) / "out.jsonl"
        assert main(["label", str(source), "-o", str(out), "-q", "--jobs", "1"]) == 0
        rows = read_jsonl(out) if out.read_text("utf-8") else []
        for row in rows:
            original = texts[int(row["article_id"])]
            assert original[row["start"] : row["end"]] == row["text"]


def test_evaluate_command_reports_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.jsonl"
    records = [
        {
            "doc_id": "d1",
            "idx": 1,
            "text": '"The enemy is retreating."',
            "label": "official_ukrainian",
        },
        {
            "doc_id": "d1",
            "idx": 0,
            "text": '"We hold," governor Synehubov said.',
            "label": "official_ukrainian",
        },
        {"text": "I think this war is a disgrace.", "label": "editorial_opinion"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert main(["evaluate", "--annotations", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"macro_f1", "per_label", "confusion"} <= set(report)
    assert sum(map(sum, report["confusion"])) == 3
