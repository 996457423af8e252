"""Batch labelling: article sources, the one labelling path, resumable output, and Spark.

:func:`label_rows` is the single labelling path used by the API, the CLI and Spark; the rest
streams articles through it and writes rows so that an interrupted run can resume.
"""

from stance.batch._labelling import (
    CHUNK_CHARS,
    COLUMNS,
    MAX_SENTENCE_CHARS,
    PROBA_COLUMNS,
    Article,
    SentenceLabel,
    label_article,
    label_articles,
    label_dataset,
    label_rows,
)
from stance.batch._spark import label_dataframe, label_paths, spark_session

__all__ = [
    "CHUNK_CHARS",
    "COLUMNS",
    "MAX_SENTENCE_CHARS",
    "PROBA_COLUMNS",
    "Article",
    "SentenceLabel",
    "label_article",
    "label_articles",
    "label_dataframe",
    "label_dataset",
    "label_paths",
    "label_rows",
    "spark_session",
]
