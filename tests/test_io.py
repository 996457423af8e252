"""The one JSONL reader and writer (stance._io): line ends, byte order marks, strict JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given

from stance import InputError, StanceError
from stance._io import dumps, read_jsonl, read_text, write_jsonl, write_text
from tests.strategies import examples, json_records

STANCE = [sys.executable, "-m", "stance"]
SEPARATORS = "\u2028\u2029\x85"


def test_a_separator_inside_a_string_never_breaks_a_record(tmp_path: Path) -> None:
    text = "Kyiv said\u2028 the bridge\x85 held.\u2029 Moscow denied it."
    path = tmp_path / "in.jsonl"
    path.write_bytes((json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n").encode())
    assert [record["text"] for _, record in read_jsonl(path)] == [text]
    stream = io.BytesIO(path.read_bytes())
    assert [record["text"] for _, record in read_jsonl(stream, name="<stdin>")] == [text]


@pytest.mark.slow  # starts stance in a process
def test_stdin_and_file_give_the_same_rows_for_a_separator_inside_a_string(
    tmp_path: Path,
) -> None:
    # Stdin used to be split with str.splitlines(): "malformed JSON" and no rows.
    data = (
        json.dumps(
            {"id": "a", "text": "Kyiv said\u2028 it held. Moscow denied."}, ensure_ascii=False
        )
        + "\n"
    ).encode("utf-8")
    source = tmp_path / "in.jsonl"
    source.write_bytes(data)
    from_file = subprocess.run(
        [*STANCE, "label", str(source), "-q", "-j", "1"], capture_output=True, check=True
    )
    from_stdin = subprocess.run(
        [*STANCE, "label", "-", "-q", "-j", "1"], input=data, capture_output=True, check=True
    )
    assert from_stdin.stdout == from_file.stdout and from_file.stdout.count(b"\n") >= 1
    assert b"stance: skipped" not in from_stdin.stderr


def test_a_byte_order_mark_keeps_the_first_record(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "first", "text": "Kyiv said so."}\n{"id": "2"}\n')
    assert [record["id"] for _, record in read_jsonl(path)] == ["first", "2"]
    text = tmp_path / "bom.txt"
    text.write_bytes(b"\xef\xbb\xbfKyiv said so.")
    assert read_text(text) == "Kyiv said so."


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"p": NaN}', "NaN is not JSON"),
        ('{"p": Infinity}', "Infinity is not JSON"),
        ('{"p": -Infinity}', "-Infinity is not JSON"),
        ('{"p": 1e999}', "the number 1e999 is out of range"),
        ('["a list"]', "expected a JSON object, got list"),
        ('{"text": "a\x01b"}', "Invalid control character at column 12"),
        ('{"text": ', "Expecting value at column 10"),
    ],
)
def test_strict_json_and_problems_name_file_line_and_column(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ok": 1}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:3: (not valid JSON|expected)"):
        list(read_jsonl(path))
    reported: list[tuple[str, str]] = []
    good = list(read_jsonl(path, on_bad=lambda where, why: reported.append((where, why))))
    assert good == [(1, {"ok": 1})]
    assert reported[0][0] == f"{path}:3" and problem in reported[0][1]


def test_undecodable_lines_are_reported_with_their_place(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"text": "ok"}\n{"text": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.jsonl:2: not UTF-8 \(byte 0xe9"):
        list(read_jsonl(path))


def test_a_missing_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.jsonl: no such file or directory; check the path"):
        list(read_jsonl(tmp_path / "nope.jsonl"))
    with pytest.raises(InputError, match="is a directory; give a file"):
        list(read_jsonl(tmp_path))


def test_the_writer_is_strict_and_separator_safe(tmp_path: Path) -> None:
    line = dumps({"text": f"a{SEPARATORS}b"})
    assert all(char not in line for char in SEPARATORS) and len(line.splitlines()) == 1
    assert json.loads(line) == {"text": f"a{SEPARATORS}b"}
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            dumps({"p": value})
    path = tmp_path / "out.jsonl"
    assert write_jsonl([{"text": f"x{SEPARATORS}"}, {"n": 1}], path) == 2
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_writing_is_atomic_a_failure_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_text(path, "old\n")

    def records():
        yield {"a": 1}
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_jsonl(records(), path)
    assert path.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "out.jsonl"
    ]
    with pytest.raises(StanceError, match="is a directory; give a file name"):
        write_text(tmp_path, "x")


@given(json_records(5))
@examples(50)
def test_what_is_written_reads_back(records: list[dict]) -> None:
    data = b"".join((dumps(record) + "\n").encode("utf-8") for record in records)
    assert [record for _, record in read_jsonl(io.BytesIO(data))] == records


def test_a_lone_surrogate_is_written_escaped_and_reads_back(tmp_path: Path) -> None:
    from stance._io import jsonl_bytes

    records = [{"text": "a\ud800b"}, {"text": "é\u2028"}]
    data = jsonl_bytes(records)
    data.decode("utf-8")  # valid UTF-8 whatever the records hold
    assert [record for _, record in read_jsonl(io.BytesIO(data))] == records
    path = tmp_path / "out.jsonl"
    write_jsonl(records, path)
    assert [record for _, record in read_jsonl(path)] == records
