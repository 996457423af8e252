"""Reading labelled rows for comparison: files, frames or SentenceLabels, checked and typed;
periods of their dates."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance._errors import InputError
from stance._labels import LABELS

if TYPE_CHECKING:
    import pandas as pd

PERIODS = ("week", "month", "year")
UNDATED = "undated"
NO_OUTLET = "(no outlet)"

_SHARE = "share_"
_LOW = "low_"
_HIGH = "high_"
_LABELLED_SUFFIXES = {".csv", ".parquet", ".pq"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}

# -- reading ---------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{line_no}: malformed JSON line ({err.msg})") from None
    return records


def _read_one(path: Path) -> pd.DataFrame:
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix in _JSONL_SUFFIXES:
        return pd.DataFrame.from_records(_read_jsonl(path))
    if suffix == ".csv":
        # Everything as text first: ids like "007" and empty dates must survive as written.
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    raise InputError(f"{path}: labelled rows must be .jsonl, .csv or .parquet")


def read_rows(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Labelled rows from ``stance label`` output files (.jsonl, .csv, .parquet), concatenated."""
    import pandas as pd

    frames = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        frames.append(_read_one(path))
    if not frames:
        raise InputError("no labelled files given")
    return _normalise(pd.concat(frames, ignore_index=True))


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Check the columns compare needs and give every column one type."""
    import pandas as pd

    missing = [c for c in ("article_id", "label") if c not in frame.columns]
    if missing:
        raise InputError(
            f"labelled rows need the columns {', '.join(missing)}; "
            f"these have {', '.join(map(str, frame.columns)) or 'none'}"
        )
    frame = frame.copy()
    for column in ("outlet", "date", "text"):
        if column not in frame.columns:
            frame[column] = ""
    for column in ("article_id", "outlet", "date", "text", "label"):
        frame[column] = frame[column].fillna("").astype(str)
    frame["outlet"] = frame["outlet"].where(frame["outlet"].str.strip() != "", NO_OUTLET)
    unknown = sorted(set(frame["label"]) - set(LABELS))
    if unknown:
        raise InputError(
            f"unknown label(s) {', '.join(map(repr, unknown))}; labels are {', '.join(LABELS)}"
        )
    for column in (f"p_{label}" for label in LABELS):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    if "idx" in frame.columns:
        frame["idx"] = pd.to_numeric(frame["idx"], errors="coerce")
    return frame.reset_index(drop=True)


def _as_frame(rows: object) -> pd.DataFrame:
    """A DataFrame of rows given as a DataFrame, dicts, or SentenceLabel-like objects."""
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        return _normalise(rows)
    records = [_as_record(row) for row in rows]  # type: ignore[attr-defined]
    if not records:
        raise InputError("no labelled rows to compare")
    return _normalise(pd.DataFrame.from_records(records))


def _as_record(row: object) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    as_row = getattr(row, "row", None)
    if callable(as_row):
        return as_row()
    raise InputError(f"a row must be a dict or a stance SentenceLabel, got {type(row).__name__}")


# -- periods ---------------------------------------------------------------------------------


def _parse_date(value: str) -> Any:
    import warnings

    import pandas as pd

    if not value.strip():
        return pd.NaT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateutil's guesses warn; an unparsed date is undated
        try:
            return pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            return pd.NaT


def _period_name(stamp: Any, by: str) -> str:
    if stamp is None or stamp != stamp:  # NaT compares unequal to itself
        return UNDATED
    if by == "year":
        return f"{stamp.year:04d}"
    if by == "month":
        return f"{stamp.year:04d}-{stamp.month:02d}"
    year, week, _ = stamp.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _periods(dates: pd.Series, by: str) -> pd.Series:
    """The period of every row; each distinct date string is parsed once."""
    names = {value: _period_name(_parse_date(value), by) for value in dates.unique()}
    return dates.map(names)


def _check_by(by: str | None) -> None:
    if by is not None and by not in PERIODS:
        raise InputError(f"by must be None or one of {', '.join(PERIODS)}, got {by!r}")


def _period_order(name: str) -> tuple[int, str]:
    return (1, "") if name == UNDATED else (0, name)


def _prepared(rows: object, by: str | None) -> pd.DataFrame:
    frame = _as_frame(rows)
    # The same id in two outlets is two articles (ids are often just file names or numbers).
    frame["_article"] = frame["outlet"] + "\x1f" + frame["article_id"]
    if by is not None:
        frame["period"] = _periods(frame["date"], by)
    return frame
