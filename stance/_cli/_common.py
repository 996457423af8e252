"""What the commands share: the model as a probability function, the progress line, clipping."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from stance.annotate._formats import ProbaFn


def model_proba_fn() -> ProbaFn:
    """The bundled model as a ``proba_fn(texts, doc_ids)`` (tests replace this)."""
    import stance

    model = stance.load()
    return lambda texts, doc_ids: model.predict_proba(texts, doc_ids=doc_ids)


def short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class Progress:
    """A one-line progress display on stderr, shown only when stderr is a terminal."""

    def __init__(self, stream: TextIO, enabled: bool | None = None) -> None:
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self.articles = 0
        self.sentences = 0

    def update(self, articles: int, sentences: int) -> None:
        self.articles += articles
        self.sentences += sentences
        if self.enabled:
            elapsed = max(time.perf_counter() - self.started, 1e-9)
            self.stream.write(
                f"\r{self.articles:,} articles  {self.sentences:,} sentences  "
                f"{self.sentences / elapsed:,.0f} sentences/s"
            )
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
