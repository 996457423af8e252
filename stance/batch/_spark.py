"""Label news archives on Apache Spark: the rows of ``stance label``, computed on executors.

Needs the ``spark`` extra (``pip install "stance[spark]"``) and Java 17+. Every row comes from
:func:`stance.batch.label_rows`, the one labelling path, called inside ``mapInPandas``; the
model is loaded once per executor Python process (``stance.model.load`` caches it).

The API (keyword arguments after ``*``)::

    label_dataframe(df, *, id_col="id", text_col="text", outlet_col="outlet", date_col="date",
                    url_col="url", model_path=None, batch_size=64) -> pyspark.sql.DataFrame

    label_paths(input, output, *, master="local[*]", input_format=None, output_format=None,
                model_path=None, id_col="id", text_col="text", outlet_col="outlet",
                date_col="date", url_col="url", batch_size=64, overwrite=False) -> dict[str, Any]

    spark_session(master="local[*]", app_name="stance") -> pyspark.sql.SparkSession

``label_dataframe`` returns one row per sentence with the columns of :data:`stance.batch.COLUMNS`
(article_id, outlet, date: string; idx, start, end: long; text, label: string; p_<label>:
double; cues: string; cut: boolean), followed by every other input column, carried through
unchanged.
Articles whose text is null or not a string are skipped (no rows) and logged, as
``stance label`` skips them; ``outlet``, ``date`` and ``url`` columns are optional. An
article's ``url``, like its outlet, is evidence of its voice (a government's site); unlike the
outlet it is not a column of the rows, so it is carried through with the other input columns.

``label_paths`` reads Parquet or JSON Lines (a file or a directory, read recursively), writes
a Parquet (default) or JSON Lines directory, and returns counts as a dict: ``engine, master,
input, output, input_format, output_format, articles, skipped, sentences, startup_seconds,
seconds``. Formats are ``"parquet"`` or ``"json"`` (alias ``"jsonl"``); when not given they are
read off the names (``.parquet``, ``.jsonl``/``.json``/``.ndjson``, else the files in a local
input directory), else Parquet. In JSON Lines a ``text`` that is not a JSON string (a number,
an object) is skipped, as in ``stance label``. An existing output is an error unless
``overwrite=True``. ``master=None`` keeps the session that ``spark-submit`` configured; a
session started here is stopped at the end, one already running is left alone.

The CLI: ``stance label --engine spark INPUT -o OUTPUT --master local[4]`` calls
``label_paths(INPUT, OUTPUT, master=..., output_format=..., model_path=...)``.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance._errors import InputError
from stance._paths import python_path_for_workers
from stance.batch._labelling import COLUMNS, PROBA_COLUMNS, Article, as_article, label_rows

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

    from stance.model._runtime import Model

__all__ = ["label_dataframe", "label_paths", "output_schema", "spark_session"]

log = logging.getLogger(__name__)

BATCH_ARTICLES = 64
INT_COLUMNS = ("idx", "start", "end")
FORMATS = ("parquet", "json")
_SUFFIXES = {".parquet": "parquet", ".jsonl": "json", ".json": "json", ".ndjson": "json"}
# pyspark 4.x warns on every pandas >= 3 use; stance's Spark tests pin the rows bit for bit.
_PANDAS_WARNING = "PySpark does not yet fully support pandas"


def _pyspark() -> Any:
    """The pyspark module, or an error saying how to install it."""
    try:
        import pyspark
    except ImportError:
        raise ImportError(
            'stance.batch._spark needs pyspark: pip install "stance[spark]" '
            "(and Java 17 or newer on the machine)"
        ) from None
    return pyspark


@contextmanager
def _quiet_pandas_warning() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
        yield


# -- schema -----------------------------------------------------------------------------------


def output_schema(input_schema: StructType, consumed: set[str]) -> StructType:
    """The schema of labelled rows: :data:`COLUMNS`, then the input columns not ``consumed``."""
    _pyspark()
    from pyspark.sql.types import (
        BooleanType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    def kind(name: str) -> Any:
        if name in INT_COLUMNS:
            return LongType()
        if name == "cut":
            return BooleanType()
        return DoubleType() if name in PROBA_COLUMNS else StringType()

    fields = [StructField(name, kind(name), nullable=False) for name in COLUMNS]
    taken = {name.lower() for name in COLUMNS}
    for field in input_schema.fields:
        if field.name in consumed:
            continue
        if field.name.lower() in taken:
            raise InputError(
                f"input column {field.name!r} clashes with the output column of "
                "the same name; rename or drop it before labelling"
            )
        fields.append(field)
    return StructType(fields)


# -- executor side ----------------------------------------------------------------------------


def _missing(value: object) -> bool:
    """Null as Arrow hands it to pandas: None, NaN, pd.NA or NaT."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _articles(
    chunk: pd.DataFrame, cols: dict[str, str | None]
) -> tuple[list[Article], list[int], list[str]]:
    """Valid articles of a chunk, their positions in it, and the ids of the skipped ones."""
    articles: list[Article] = []
    positions: list[int] = []
    skipped: list[str] = []
    present = {role: name for role, name in cols.items() if name is not None}
    for pos, values in enumerate(zip(*(chunk[name] for name in present.values()), strict=True)):
        record = {role: None if _missing(v) else v for role, v in zip(present, values, strict=True)}
        try:
            articles.append(as_article(record, pos))  # the single-machine checks, unchanged
        except InputError:
            skipped.append(str(record["id"]))
            continue
        positions.append(pos)
    return articles, positions, skipped


def _label_chunk(
    model: Model, chunk: pd.DataFrame, cols: dict[str, str | None], carried: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    import pandas as pd

    articles, positions, skipped = _articles(chunk, cols)
    # label_rows copies Article.id into each row untouched: let it carry the batch position,
    # so a row finds its article (and carried columns) even when ids repeat.
    tagged = [replace(a, id=str(n)) for n, a in enumerate(articles)]
    records = []
    owner = []
    for row in label_rows(model, tagged):
        number = int(row.article_id)
        record = row.row()
        record["article_id"] = articles[number].id
        records.append(record)
        owner.append(positions[number])
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame = frame.astype(
        {
            **dict.fromkeys(INT_COLUMNS, "int64"),
            **dict.fromkeys(PROBA_COLUMNS, "float64"),
            "cut": "bool",
        }
    )
    extra = chunk[carried].iloc[owner].reset_index(drop=True)
    return pd.concat([frame, extra], axis=1), skipped


def _label_batches(
    batches: Iterator[pd.DataFrame],
    *,
    cols: dict[str, str | None],
    carried: list[str],
    model_path: str | None,
    batch_size: int,
) -> Iterator[pd.DataFrame]:
    """The ``mapInPandas`` function: Arrow batches of articles in, labelled sentences out."""
    from stance.model._runtime import load

    model = load(model_path)  # cached at module level: once per executor Python process
    for batch in batches:
        for start in range(0, len(batch), batch_size):
            frame, skipped = _label_chunk(
                model, batch.iloc[start : start + batch_size], cols, carried
            )
            if skipped:
                log.warning(
                    "stance spark: skipped %d article(s) with null or non-string text (ids %s)",
                    len(skipped),
                    ", ".join(skipped[:10]),
                )
            if len(frame):
                yield frame


# -- driver side ------------------------------------------------------------------------------


def _columns(
    df: DataFrame, id_col: str, text_col: str, outlet_col: str, date_col: str, url_col: str
) -> dict[str, str | None]:
    names = set(df.columns)
    for role, name in (("id", id_col), ("text", text_col)):
        if name not in names:
            raise InputError(
                f"the DataFrame has no {role} column {name!r}; it has "
                f"{', '.join(df.columns) or 'no columns'} (pass {role}_col=...)"
            )
    return {
        "id": id_col,
        "text": text_col,
        "outlet": outlet_col if outlet_col in names else None,
        "date": date_col if date_col in names else None,
        "url": url_col if url_col in names else None,
    }


def _prepared(df: DataFrame, cols: dict[str, str | None]) -> DataFrame:
    """Id, outlet, date and url as Spark strings: nulls stay null, dates read as str() reads
    them."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    kinds = dict(df.dtypes)
    for role in ("id", "outlet", "date", "url"):
        name = cols[role]
        if name is not None and df.schema[name].dataType != StringType():
            df = df.withColumn(name, F.col(name).cast("string"))
    text = cols["text"]
    if text is not None and kinds[text] != "string":
        log.warning(
            "stance.batch._spark: text column %r is %s, not string: every article will be skipped",
            text,
            kinds[text],
        )
    return df


def label_dataframe(
    df: DataFrame,
    *,
    id_col: str = "id",
    text_col: str = "text",
    outlet_col: str = "outlet",
    date_col: str = "date",
    url_col: str = "url",
    model_path: str | Path | None = None,
    batch_size: int = BATCH_ARTICLES,
) -> DataFrame:
    """Label a DataFrame of articles: one row per sentence, as ``stance label`` writes them.

    ``model_path`` must be readable on every executor (``None``: the model shipped in the
    installed package). The result is lazy; rows keep the input order within a partition.
    """
    _pyspark()
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(f"batch_size must be a positive integer, got {batch_size!r}")
    from stance.model._runtime import load

    path = str(Path(model_path).resolve()) if model_path is not None else None
    load(path)  # fail on the driver, with stance's message, before any task starts
    cols = _columns(df, id_col, text_col, outlet_col, date_col, url_col)
    # The url is read, not consumed: no column of the rows holds it.
    consumed = {name for role, name in cols.items() if name is not None and role != "url"}
    schema = output_schema(df.schema, consumed)
    carried = [f.name for f in df.schema.fields if f.name not in consumed]
    func = partial(
        _label_batches, cols=cols, carried=carried, model_path=path, batch_size=batch_size
    )
    with _quiet_pandas_warning():
        return _prepared(df, cols).mapInPandas(func, schema)


def spark_session(master: str | None = "local[*]", app_name: str = "stance") -> SparkSession:
    """A Spark session set up for stance; ``master=None`` keeps what spark-submit configured.

    For a local master the Python workers run this interpreter (``PYSPARK_PYTHON``) and see
    this stance, so a virtualenv or a source checkout works without installing anything more.
    """
    _pyspark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            os.environ["PYSPARK_PYTHON"] = sys.executable
            os.environ["PYTHONPATH"] = python_path_for_workers()
    settings = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.shuffle.partitions": "4",  # nothing shuffles; keep any later step small
        "spark.ui.enabled": "false",
        "spark.python.worker.reuse": "true",  # the model cache lives in the worker process
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    with _quiet_pandas_warning():
        return builder.getOrCreate()


def _local(path: str) -> Path | None:
    """A local filesystem path, or None for a URI Spark resolves (hdfs://, s3a://...)."""
    if "://" in path and not path.startswith("file://"):
        return None
    return Path(path.removeprefix("file://"))


def _checked_format(given: str) -> str:
    """``parquet`` or ``json``; ``jsonl``/``ndjson`` (the CLI's words) mean ``json``."""
    fmt = {"jsonl": "json", "ndjson": "json"}.get(given.lower(), given.lower())
    if fmt not in FORMATS:
        raise InputError(
            f"Spark reads and writes Parquet or JSON Lines (parquet, json, jsonl), not {given!r}"
        )
    return fmt


def _output_format(path: str, given: str | None) -> str:
    """As given, else by the name (``out.jsonl`` -> json), else Parquet."""
    if given is not None:
        return _checked_format(given)
    return _SUFFIXES.get(Path(path.rstrip("/")).suffix.lower(), "parquet")


def _input_format(path: str, given: str | None) -> str:
    """As given, else by the name, else by the files in a local directory, else Parquet."""
    if given is not None:
        return _checked_format(given)
    suffix = Path(path.rstrip("/")).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    local = _local(path)
    if local is not None and local.is_dir():
        found = {
            _SUFFIXES[p.suffix.lower()]
            for p in local.rglob("*")
            if p.suffix.lower() in _SUFFIXES and not p.name.startswith((".", "_"))
        }
        if len(found) == 1:
            return found.pop()
        if found:
            raise InputError(f"{path} holds both Parquet and JSON files; pass input_format")
    return "parquet"


def _read(spark: SparkSession, path: str, fmt: str, text_col: str) -> DataFrame:
    local = _local(path)
    if local is not None and not local.exists():
        raise InputError(f"no such input: {path}")
    reader = spark.read.option("recursiveFileLookup", "true")
    if fmt == "parquet":
        return reader.parquet(path)
    # JSON Lines: one article a line (Spark's default, not multiLine).
    return _json_text_as_given(reader, reader.json(path), path, text_col)


def _json_text_as_given(reader: Any, inferred: DataFrame, path: str, text_col: str) -> DataFrame:
    """JSON with ``text_col`` null unless the line holds a JSON string there.

    Spark's JSON reader turns ``"text": 42`` into the string "42" when other lines hold
    strings; reading the field as a variant keeps its JSON type, so such an article is
    skipped as ``stance label`` skips it.
    """
    if text_col not in inferred.columns:
        return inferred
    try:
        from pyspark.sql import functions as F
        from pyspark.sql.types import StructField, StructType, VariantType
    except ImportError:  # pyspark < 4 has no variant type
        log.warning(
            "stance.batch._spark: pyspark < 4 reads a non-string JSON %r as its JSON text", text_col
        )
        return inferred
    schema = StructType(
        [
            StructField(f.name, VariantType()) if f.name == text_col else f
            for f in inferred.schema.fields
        ]
    )
    raw = reader.schema(schema).json(path)
    value = F.col(text_col)
    text = F.when(F.schema_of_variant(value) == "STRING", F.variant_get(value, "$", "string"))
    return raw.withColumn(text_col, text)


def _input_counts(df: DataFrame, text_col: str) -> tuple[int, int]:
    """(articles, skipped): skipped are the rows whose text is null or not a string."""
    from pyspark.sql import functions as F

    if dict(df.dtypes).get(text_col) != "string":
        total = df.count()
        return total, total
    row = df.agg(F.count(F.lit(1)), F.count(F.col(text_col))).first()
    assert row is not None  # an aggregate without grouping has exactly one row
    total, texts = row
    return int(total), int(total) - int(texts)


def label_paths(
    input: str | Path,
    output: str | Path,
    *,
    master: str | None = "local[*]",
    input_format: str | None = None,
    output_format: str | None = None,
    model_path: str | Path | None = None,
    id_col: str = "id",
    text_col: str = "text",
    outlet_col: str = "outlet",
    date_col: str = "date",
    url_col: str = "url",
    batch_size: int = BATCH_ARTICLES,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Label Parquet or JSON Lines articles at ``input`` into a directory at ``output``.

    Returns the counts: articles read, skipped (null or non-string text), sentences written,
    and the seconds spent starting Spark apart from the seconds spent labelling.
    """
    source, target = str(input), str(output)
    in_fmt = _input_format(source, input_format)
    out_fmt = _output_format(target, output_format)
    local_target = _local(target)
    _refuse_overlap(_local(source), local_target)
    if not overwrite and local_target is not None and local_target.exists():
        raise InputError(f"{target} exists; pass overwrite=True (or remove it) to replace it")
    started = time.perf_counter()
    _pyspark()
    from pyspark.sql import SparkSession

    existing = SparkSession.getActiveSession()
    spark = spark_session(master)
    startup = time.perf_counter() - started
    try:
        counts = _run(
            spark,
            source,
            target,
            in_fmt,
            out_fmt,
            overwrite=overwrite,
            model_path=model_path,
            batch_size=batch_size,
            names=(id_col, text_col, outlet_col, date_col, url_col),
        )
    finally:
        if existing is None:
            spark.stop()  # we started it: free the JVM's executors and ports
    summary = {
        "engine": "spark",
        "master": _master(spark, master),
        "input": source,
        "output": target,
        "input_format": in_fmt,
        "output_format": out_fmt,
        **counts,
        "startup_seconds": round(startup, 3),
        "seconds": round(time.perf_counter() - started - startup, 3),
    }
    log.info("stance.batch._spark: %s", summary)
    return summary


def _refuse_overlap(source: Path | None, target: Path | None) -> None:
    """An output that is the input, inside it or holding it is refused, whatever the flags:
    Spark's overwrite deletes the output folder before writing, and reads inputs recursively."""
    if source is None or target is None:
        return
    source, target = source.resolve(), target.resolve()
    if source == target or source in target.parents or target in source.parents:
        raise InputError(
            f"{target}: the output is, holds or lies inside the input {source}; writing it would "
            "destroy or re-read the input: choose an output folder outside the input"
        )


def _master(spark: SparkSession, asked: str | None) -> str:
    try:
        return str(spark.sparkContext.master)
    except Exception:  # a stopped or remote (Spark Connect) session has no context to ask
        return str(asked)


def _run(
    spark: SparkSession,
    source: str,
    target: str,
    in_fmt: str,
    out_fmt: str,
    *,
    overwrite: bool,
    model_path: str | Path | None,
    batch_size: int,
    names: tuple[str, str, str, str, str],
) -> dict[str, int]:
    id_col, text_col, outlet_col, date_col, url_col = names
    articles = _read(spark, source, in_fmt, text_col)
    labelled = label_dataframe(
        articles,
        id_col=id_col,
        text_col=text_col,
        outlet_col=outlet_col,
        date_col=date_col,
        url_col=url_col,
        model_path=model_path,
        batch_size=batch_size,
    )
    total, skipped = _input_counts(articles, text_col)
    writer = labelled.write.mode("overwrite" if overwrite else "errorifexists")
    with _quiet_pandas_warning():
        (writer.parquet if out_fmt == "parquet" else writer.json)(target)
    # Count what was written: Parquet from its footers, JSON Lines by lines (no re-parsing).
    if out_fmt == "parquet":
        sentences = spark.read.schema(labelled.schema).parquet(target).count()
    else:
        sentences = spark.read.text(target).count()
    if skipped:
        log.warning(
            "stance spark: skipped %d of %d article(s): null or non-string %r",
            skipped,
            total,
            text_col,
        )
    return {"articles": total, "skipped": skipped, "sentences": sentences}
