"""Reading labelled rows for comparison: files, frames or SentenceLabels, checked and typed;
periods of their dates."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stance import _io
from stance._errors import InputError
from stance._labels import LABELS, UNCERTAIN

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


def _read_jsonl(path: Path) -> tuple[pd.DataFrame, list[str]]:
    import pandas as pd

    records, places = [], []
    for line_no, record in _io.read_jsonl(path):
        records.append(record)
        places.append(f"{path}:{line_no}")
    return pd.DataFrame.from_records(records), places


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    import pandas as pd

    try:
        # Everything as text first: ids like "007" and empty dates must survive as written.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:  # a file with not even a header: no rows
        frame = pd.DataFrame()
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 (at byte {err.start}); save it as UTF-8") from None
    except pd.errors.ParserError as err:
        raise InputError(f"{path}: not a valid CSV file ({err})") from None
    # A row of stance label's CSV is one line (sentences hold no line breaks); line 1 is the head.
    return frame, [f"{path}:{n + 2}" for n in range(len(frame))]


def _read_parquet(path: Path) -> tuple[pd.DataFrame, list[str]]:
    import pandas as pd
    import pyarrow as pa

    try:
        frame = pd.read_parquet(path)
    except (pa.ArrowException, ValueError) as err:
        raise InputError(f"{path}: not a readable Parquet file ({err})") from None
    return frame, [f"{path}: row {n + 1}" for n in range(len(frame))]


_READERS = {".jsonl": _read_jsonl, ".ndjson": _read_jsonl, ".json": _read_jsonl}
_READERS.update({".csv": _read_csv, ".parquet": _read_parquet, ".pq": _read_parquet})


def _read_one(path: Path) -> tuple[pd.DataFrame, list[str]]:
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"{path}: labelled rows must be .jsonl, .csv or .parquet")
    try:
        frame, places = reader(path)
    except OSError as err:
        raise InputError(_io.file_problem(err, path)) from None
    _check_probabilities(frame, places, textual=reader is _read_csv)
    return frame, places


def _refuse_repeated_sentences(frame: pd.DataFrame, places: list[str]) -> None:
    """A sentence (outlet, article, idx) given twice would count twice: refuse it, at its place."""
    if "idx" not in frame.columns or not len(frame):
        return
    key = frame["outlet"] + "\x1f" + frame["article_id"] + "\x1f" + frame["idx"].astype(str)
    repeated = key.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    again = int(np.flatnonzero(repeated)[0])
    first = int(np.flatnonzero((key == key.iloc[again]).to_numpy())[0])
    item = frame.iloc[again]
    raise InputError(
        f"{places[again]}: sentence {item['idx']} of article {item['article_id']!r} "
        f"({item['outlet']}) is given again (first at {places[first]}); "
        f"{int(repeated.sum())} row(s) repeat one seen before, and would be counted twice: "
        "give each labelled file once (a file given twice, or an output written twice?)"
    )


def _bad_value(value: object, textual: bool) -> str | None:
    """Why ``value`` is not a probability, or None."""
    if textual:
        try:
            number = float(str(value))
        except ValueError:
            return f"{value!r} is not a number"
    elif isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return f"{value!r} is a {type(value).__name__}, not a number"
    else:
        number = float(value)
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        return f"{value!r} is not a probability between 0 and 1"
    return None


def _check_probabilities(frame: pd.DataFrame, places: list[str], *, textual: bool) -> None:
    """Every ``p_<label>`` value is a finite number in [0, 1], else an error at its place."""
    for column in (f"p_{label}" for label in LABELS):
        if column not in frame.columns:
            continue
        values = frame[column]
        if not textual and values.dtype.kind in "fiu":
            numbers = values.to_numpy(dtype=float)
            bad = np.flatnonzero(~(np.isfinite(numbers) & (numbers >= 0) & (numbers <= 1)))
        else:
            bad = np.array(
                [n for n, v in enumerate(values.tolist()) if _bad_value(v, textual) is not None],
                dtype=np.int64,
            )
        if len(bad):
            first = int(bad[0])
            value = values.iloc[first]
            value = value.item() if isinstance(value, np.generic) else value
            why = _bad_value(value, textual) or f"{value!r} is not a probability between 0 and 1"
            more = f" ({len(bad)} rows like it)" if len(bad) > 1 else ""
            raise InputError(
                f"{places[first]}: {column} {why}{more}; probabilities must be numbers between "
                "0 and 1, as stance label writes them: label the articles again, or fix the file"
            )


def read_rows(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Labelled rows from ``stance label`` output files (.jsonl, .csv, .parquet), concatenated."""
    import pandas as pd

    names = [Path(name) for name in paths]
    if not names:
        raise InputError("no labelled files given")
    frames, places = [], []
    for name in names:
        frame, where = _read_one(name)
        if len(frame):
            frames.append(frame)
            places += where
    if not frames:
        raise InputError(
            f"nothing to compare: {', '.join(map(str, names))} hold(s) no labelled rows; "
            "label some articles first (stance label)"
        )
    rows = _normalise(pd.concat(frames, ignore_index=True))
    _refuse_repeated_sentences(rows, places)
    return rows


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
    unknown = sorted(set(frame["label"]) - {*LABELS, UNCERTAIN})
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


def abstentions(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows the model answered, and how many it abstained on (``stance label
    --min-confidence`` labels them ``uncertain``): shares are of answered sentences."""
    answered = frame["label"] != UNCERTAIN
    if len(frame) and not answered.any():
        raise InputError(
            f"nothing to compare: all {len(frame)} sentences are labelled '{UNCERTAIN}' (the "
            "model abstained below --min-confidence); label them again with a lower "
            "--min-confidence, or without it"
        )
    return frame[answered].reset_index(drop=True), int((~answered).sum())


def _prepared(rows: object, by: str | None) -> pd.DataFrame:
    frame = _as_frame(rows)
    # The same id in two outlets is two articles (ids are often just file names or numbers).
    frame["_article"] = frame["outlet"] + "\x1f" + frame["article_id"]
    if by is not None:
        frame["period"] = _periods(frame["date"], by)
    return frame
