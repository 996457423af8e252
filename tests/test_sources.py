"""The one article source: every command that reads articles reads the same ones, the same way.

The tiny model (tests/tiny_model.py) labels here in place of the shipped one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import stance
from stance._cli import main
from stance.batch._sources import Skips, iter_located

ROOT = Path(__file__).resolve().parent.parent
STANCE = [sys.executable, "-m", "stance"]

pytestmark = pytest.mark.usefixtures("tiny_default_model")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("Kyiv said the bridge held. Moscow denied it.", "utf-8")
    (root / "sub" / "b.txt").write_text("Peskov told reporters nothing.", "utf-8")
    (root / "sub" / "SHOUT.TXT").write_text("NATO said so.", "utf-8")
    (root / "more.ndjson").write_text(
        json.dumps({"id": "n1", "text": "Britain's intelligence said so."}) + "\n", "utf-8"
    )
    (root / "notes.md").write_text("not an article", "utf-8")
    return root


def test_label_and_export_read_the_same_articles(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rows.jsonl"
    assert main(["label", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    labelled = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    tasks = tmp_path / "tasks.jsonl"
    argv = ["annotations", "export", str(folder), "--format", "prodigy", "-o", str(tasks)]
    assert main([*argv, "--no-predictions"]) == 0
    exported = [json.loads(line) for line in tasks.read_text("utf-8").splitlines()]
    expected_ids = ["a.txt", "n1", "sub/SHOUT.TXT", "sub/b.txt"]  # recursive, any case
    assert list(dict.fromkeys(r["article_id"] for r in labelled)) == expected_ids
    assert list(dict.fromkeys(t["meta"]["doc"] for t in exported)) == expected_ids
    assert [(r["article_id"], r["idx"], r["text"]) for r in labelled] == [
        (t["meta"]["doc"], t["meta"]["idx"], t["text"]) for t in exported
    ]


def test_suggest_reads_them_too(folder: Path) -> None:
    from stance.annotate._active import read_articles

    assert [a.id for a in read_articles([folder])] == [
        "a.txt",
        "n1",
        "sub/SHOUT.TXT",
        "sub/b.txt",
    ]


def test_there_is_one_article_class() -> None:
    from stance.annotate import _active

    sources = [p.read_text("utf-8") for p in (ROOT / "stance").rglob("*.py")]
    assert sum(text.count("class Article") for text in sources) == 1
    assert _active.Article is stance.batch.Article


def test_a_jsonl_file_with_a_byte_order_mark_keeps_its_first_record(tmp_path: Path) -> None:
    source = tmp_path / "bom.jsonl"
    records = [{"id": "first", "text": "Kyiv said so."}, {"id": "second", "text": "Moscow too."}]
    source.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in records).encode())
    catalog = tmp_path / "catalog.csv"
    catalog.write_bytes(b"\xef\xbb\xbffile,outlet,published\nx.txt,Wire,2022-03-01\n")
    (tmp_path / "x.txt").write_bytes(b"\xef\xbb\xbfPeskov said so.")
    found = list(iter_located([str(source), str(tmp_path / "x.txt")], skips=Skips()))
    assert [f.article.id for f in found] == ["first", "second", "x.txt"]
    assert found[2].article.outlet == "Wire" and found[2].article.text == "Peskov said so."


def test_stdin_streams_json_lines_and_reads_text_whole() -> None:
    import io

    from stance.batch._sources import _stdin

    lines = b'\xef\xbb\xbf\n  {"id": 1, "text": "Kyiv said so."}\n{"id": "2", "text": "Fine."}\n'
    found = list(_stdin("", Skips(), io.BytesIO(lines)))
    assert [(f.article.id, f.where) for f in found] == [("1", "<stdin>:2"), ("2", "<stdin>:3")]
    text = list(_stdin("Wire", Skips(), io.BytesIO(b"\n\nKyiv said so.\nMore.")))
    assert [(f.article.id, f.article.outlet) for f in text] == [("stdin", "Wire")]


@pytest.mark.slow  # starts stance in a process
def test_export_of_a_missing_folder_is_a_clean_error(tmp_path: Path) -> None:
    out = ["-o", str(tmp_path / "t.jsonl"), "--no-predictions"]
    done = subprocess.run(
        [*STANCE, "annotations", "export", str(tmp_path / "missing"), "--format", "prodigy", *out],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"stance: error: {tmp_path / 'missing'}: no such file")


def test_a_byte_order_mark_is_accepted_in_every_text_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bom = b"\xef\xbb\xbf"
    # Articles: .txt, .jsonl and the catalog beside them.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(bom + b"Kyiv said the bridge held.")
    (folder / "b.jsonl").write_bytes(bom + b'{"id": "b", "text": "Moscow denied it."}\n')
    (folder / "catalog.csv").write_bytes(bom + b"file,outlet,published\na.txt,Wire,2022-03-01\n")
    rows_path = tmp_path / "rows.csv"
    assert main(["label", str(folder), "-o", str(rows_path), "-q", "-j", "1"]) == 0
    assert "skipped" not in capsys.readouterr().err.replace("nothing skipped", "")
    # Labelled rows: CSV and JSON Lines with a BOM.
    rows_path.write_bytes(bom + rows_path.read_bytes())
    jsonl_rows = tmp_path / "rows.jsonl"
    assert main(["label", str(folder), "-o", str(jsonl_rows), "-q", "-j", "1"]) == 0
    jsonl_rows.write_bytes(bom + jsonl_rows.read_bytes())
    for labelled in (rows_path, jsonl_rows):
        assert main(["compare", str(labelled), "--format", "json", "--bootstrap", "10"]) == 0
        shares = json.loads(capsys.readouterr().out)["shares"]
        assert {s["outlet"] for s in shares} == {"Wire", "(no outlet)"}
    # Annotations: JSON Lines (evaluate, agree) and a Label Studio JSON export.
    record = {"doc": "d", "idx": 0, "text": "Kyiv said so.", "label": "official_ukrainian"}
    annotations = tmp_path / "mine.jsonl"
    annotations.write_bytes(bom + (json.dumps(record) + "\n").encode())
    assert main(["evaluate", "--annotations", str(annotations), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 1
    assert main(["annotations", "agree", str(annotations), str(annotations), "--json"]) == 0
    capsys.readouterr()
    task = {"id": 1, "data": record, "annotations": [{"result": [
        {"type": "choices", "value": {"choices": ["neutral"]}}]}]}  # fmt: skip
    export = tmp_path / "export.json"
    export.write_bytes(bom + json.dumps([task]).encode())
    assert main(["annotations", "import", str(export), "--format", "label-studio"]) == 0
    assert json.loads(capsys.readouterr().out)["label"] == "neutral"


def test_a_record_with_a_lone_surrogate_is_reported_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "arts.jsonl"
    source.write_text(
        '{"id": "a", "text": "Kyiv said \\ud800 so."}\n{"id": "b", "text": "Fine."}\n', "utf-8"
    )
    assert main(["label", str(source), "-o", str(tmp_path / "rows.jsonl"), "-q", "-j", "1"]) == 0
    assert f"{source}:1: malformed record (a lone UTF-16 surrogate" in capsys.readouterr().err
