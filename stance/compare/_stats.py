"""The statistics of a comparison: label shares with a bootstrap over articles, the outlet x
label chi-square with a permutation test over articles, and each outlet's typical sentences."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from stance._labels import LABELS
from stance.compare._rows import _HIGH, _LOW, _SHARE, _period_order

if TYPE_CHECKING:
    import pandas as pd

_MIN_EXPECTED = 5.0
N_TYPICAL = 3
_BOOT_CELLS = 4_000_000  # resamples x articles held in memory at once


# -- the bootstrap over articles ------------------------------------------------------------


def _article_counts(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per article (in first-seen order) and its label counts (articles x labels)."""
    import pandas as pd

    codes = pd.Categorical(frame["label"], categories=list(LABELS)).codes
    article_codes, articles = pd.factorize(frame["_article"], sort=False)
    counts = np.zeros((len(articles), len(LABELS)), dtype=np.int64)
    np.add.at(counts, (article_codes, codes), 1)
    first = frame.drop_duplicates("_article").set_index("_article").loc[articles]
    return first.reset_index(), counts


def bootstrap_shares(
    counts: np.ndarray, n_boot: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of each label and their 95% percentile interval, resampling whole articles.

    ``counts`` is articles x labels. Each resample draws as many articles as there are, with
    replacement (as counts per article), and recomputes the sentence shares of the pool.
    """
    totals = counts.sum(axis=1)
    share = counts.sum(axis=0) / totals.sum()
    n_articles = len(counts)
    if n_boot < 1 or n_articles == 0:
        return share, share.copy(), share.copy()
    draws = []
    chunk = max(1, _BOOT_CELLS // max(1, n_articles))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        # Draw article indices; count how often each article is drawn in each resample.
        drawn = rng.integers(0, n_articles, (size, n_articles))
        cells = (np.arange(size)[:, None] * n_articles + drawn).ravel()
        weights = np.bincount(cells, minlength=size * n_articles).reshape(size, n_articles)
        draws.append((weights @ counts) / (weights @ totals)[:, None])
    resampled = np.concatenate(draws)
    low, high = np.percentile(resampled, [2.5, 97.5], axis=0)
    # With few, skewed articles a percentile interval can sit wholly beside the estimate;
    # widen it to take the estimate in, so a reported interval always brackets its share.
    return share, np.minimum(low, share), np.maximum(high, share)


def _shares(frame: pd.DataFrame, by: str | None, n_boot: int, seed: int) -> pd.DataFrame:
    import pandas as pd

    keys = ["outlet"] if by is None else ["outlet", "period"]
    parts = dict(iter(frame.groupby(keys, sort=False)))  # keys are tuples: keys is a list
    groups = sorted(parts, key=lambda key: _group_order(key, by))
    streams = np.random.SeedSequence(seed).spawn(len(groups))
    records = []
    for key, stream in zip(groups, streams, strict=True):
        _, counts = _article_counts(parts[key])
        share, low, high = bootstrap_shares(counts, n_boot, np.random.default_rng(stream))
        record: dict[str, Any] = dict(zip(keys, key, strict=True))
        record.update(sentences=int(counts.sum()), articles=len(counts))
        for k, label in enumerate(LABELS):
            record[_SHARE + label] = float(share[k])
            record[_LOW + label] = float(low[k])
            record[_HIGH + label] = float(high[k])
        records.append(record)
    return pd.DataFrame.from_records(records)


def _group_order(key: tuple[str, ...], by: str | None) -> tuple[Any, ...]:
    if by is None:
        return key
    outlet, period = key
    return (outlet, *_period_order(period))


# -- the chi-square test ---------------------------------------------------------------------


@dataclass(frozen=True)
class OutletTest:
    """Outlet x label: the test over articles (``p_permutation``: the chi-square statistic's
    p-value when whole articles are shuffled between outlets), which is the one to read, and
    the plain chi-square over sentences (``p_value``), which ignores that sentences cluster
    in articles and is kept for reference."""

    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    n_sentences: int
    small_expected_cells: int
    cells: int
    p_permutation: float | None
    permutations: int
    note: str

    def line(self) -> str:
        """The headline test (over articles), then the sentence-level figures, labelled."""
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        """For the terminal: the test over articles first, the sentence chi-square as such."""
        if self.p_permutation is not None:
            head = (
                f"Outlet x label, tested over articles: p {_p_text(self.p_permutation)} "
                f"({self.permutations:,} permutations of whole articles between outlets); "
                f"Cramer's V = {self.cramers_v:.2f}"
            )
        else:
            head = (
                "Outlet x label: no test over articles (--bootstrap 0); "
                f"Cramer's V = {self.cramers_v:.2f}"
            )
        return [
            head,
            f"  for reference only: chi-square({self.dof}) = {self.chi2:.1f}, "
            f"p {_p_text(self.p_value)} over {self.n_sentences:,} sentences; it treats "
            "sentences as independent, ignoring that the sentences of one article go "
            "together, so it overstates the evidence: read the test over articles",
        ]


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    """Sentence counts, outlet x label (every label a column), outlets sorted."""
    import pandas as pd

    outlet_codes, outlets = pd.factorize(frame["outlet"], sort=True)
    label_codes = pd.Categorical(frame["label"], categories=list(LABELS)).codes
    counts = np.zeros((len(outlets), len(LABELS)), dtype=np.int64)
    np.add.at(counts, (outlet_codes, label_codes), 1)
    return pd.DataFrame(counts, index=pd.Index(outlets, name="outlet"), columns=list(LABELS))


def _chi2_stat(tables: np.ndarray) -> np.ndarray:
    """Pearson chi-square of a stack of tables (..., outlets, labels)."""
    rows = tables.sum(axis=-1, keepdims=True)
    columns = tables.sum(axis=-2, keepdims=True)
    expected = rows * columns / tables.sum(axis=(-2, -1), keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(expected > 0, (tables - expected) ** 2 / expected, 0.0)
    return cells.sum(axis=(-2, -1))


def _permutation_p(frame: pd.DataFrame, observed: float, n_perm: int, seed: int) -> float | None:
    """P-value of the chi-square when whole articles, not sentences, are shuffled among outlets."""
    if n_perm < 1:
        return None
    articles, counts = _article_counts(frame)
    counts = counts[:, counts.sum(axis=0) > 0].astype(float)
    _, outlet_codes = np.unique(articles["outlet"].to_numpy(), return_inverse=True)
    n_outlets = int(outlet_codes.max()) + 1
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    chunk = max(1, _BOOT_CELLS // len(outlet_codes))
    at_least = 0
    for start in range(0, n_perm, chunk):
        size = min(chunk, n_perm - start)
        shuffled = rng.permuted(np.tile(outlet_codes, (size, 1)), axis=1)
        # Table cell (permutation, outlet, label) = sum of the label's counts of its articles.
        cell = (np.arange(size)[:, None] * n_outlets + shuffled).ravel()
        tables = np.stack(
            [
                np.bincount(cell, weights=np.tile(column, size), minlength=size * n_outlets)
                for column in counts.T
            ],
            axis=-1,
        ).reshape(size, n_outlets, -1)
        at_least += int((_chi2_stat(tables) >= observed * (1 - 1e-9)).sum())
    return (1 + at_least) / (1 + n_perm)


def outlet_test(frame: pd.DataFrame, n_perm: int = 0, seed: int = 0) -> OutletTest | None:
    """The outlet x label chi-square test, or None when there is nothing to compare."""
    from scipy.stats import chi2_contingency

    table = _table(frame)
    table = table.loc[:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return None
    observed = table.to_numpy()
    # No Yates correction: Cramér's V is defined on the plain Pearson statistic.
    result = chi2_contingency(observed, correction=False)
    n = int(observed.sum())
    v = float(np.sqrt(result.statistic / (n * (min(observed.shape) - 1))))
    small = int((result.expected_freq < _MIN_EXPECTED).sum())
    note = ""
    if small:
        note = (
            f"{small} of {observed.size} cells have expected counts below "
            f"{_MIN_EXPECTED:g}: the chi-square p-value may be unreliable"
        )
    p_perm = _permutation_p(frame, float(result.statistic), n_perm, seed)
    return OutletTest(
        float(result.statistic),
        int(result.dof),
        float(result.pvalue),
        v,
        n,
        small,
        int(observed.size),
        p_perm,
        n_perm if p_perm is not None else 0,
        note,
    )


# -- typical sentences -----------------------------------------------------------------------


@dataclass(frozen=True)
class TypicalSentences:
    """An outlet's most over-represented label and its most confident sentences of it."""

    outlet: str
    label: str
    share: float
    share_elsewhere: float | None
    sentences: tuple[dict[str, Any], ...]  # article_id, text, probability


def _over_represented(table: pd.DataFrame, outlet: str) -> tuple[str, float, float | None]:
    """The label with the largest adjusted residual for the outlet (most common if alone)."""
    counts = table.to_numpy(dtype=float)
    row = table.index.get_loc(outlet)
    share = counts[row] / counts[row].sum()
    if len(table) < 2:
        best = int(np.argmax(share))
        return LABELS[best], float(share[best]), None
    n = counts.sum()
    row_share = counts.sum(axis=1, keepdims=True) / n
    col_share = counts.sum(axis=0, keepdims=True) / n
    expected = n * row_share * col_share
    with np.errstate(divide="ignore", invalid="ignore"):
        residual = (counts - expected) / np.sqrt(expected * (1 - row_share) * (1 - col_share))
    residual = np.nan_to_num(residual, nan=-np.inf)
    best = int(np.argmax(residual[row]))
    others = np.delete(counts, row, axis=0).sum(axis=0)
    return LABELS[best], float(share[best]), float(others[best] / others.sum())


_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_CONTENT_WORDS = 6


def has_content(text: str) -> bool:
    """A sentence with real content, not page furniture: at least six words of letters, a
    sentence's end (a stop, a question or exclamation mark, a closing quote), and not a
    byline, a dateline, a bare timestamp or a furniture line ("Sign up to our newsletter",
    "Photo: Getty Images"); the shapes are the model's own (text features)."""
    words = len(_LETTER_WORD.findall(text))
    if words < MIN_CONTENT_WORDS:
        return False
    from stance.text._features import _shape

    shape: set[str] = set()
    _shape(text, shape)
    if shape & {"s:byline", "s:no_stop"} or {"s:date", "s:clock"} <= shape:
        return False
    # "support", "share" or "photo" in a long sentence is content; in a short one, furniture.
    return "s:furniture" not in shape or words >= 12


def _own_name(outlet: str) -> str:
    """The outlet's name as its pages print it ("RFE/RL (republished by a blog)" -> "rfe/rl");
    a sentence naming it is the outlet's promotion of itself, not its reporting."""
    name = outlet.split(" (")[0].strip().lower().removeprefix("the ")
    return name if len(name) >= 4 else "\x00"


def typical_sentences(frame: pd.DataFrame, per_outlet: int = N_TYPICAL) -> list[TypicalSentences]:
    """For each outlet, the sentences of its most over-represented label, most confident first,
    among sentences with real content (:func:`has_content`) that do not name the outlet
    itself ("The Independent is trusted by..."), each text once."""
    table = _table(frame)
    found = []
    for outlet in table.index:
        label, share, elsewhere = _over_represented(table, outlet)
        chosen = frame[(frame["outlet"] == outlet) & (frame["label"] == label)]
        own_name = _own_name(str(outlet))
        real = [has_content(text) and own_name not in text.lower() for text in chosen["text"]]
        chosen = chosen[np.array(real, dtype=bool)]
        probability = f"p_{label}"
        if probability in chosen.columns:
            chosen = chosen.sort_values(probability, ascending=False, kind="stable")
        chosen = chosen.drop_duplicates("text").head(per_outlet)
        sentences = tuple(
            {
                "article_id": str(r["article_id"]),
                "text": str(r["text"]),
                "probability": _maybe_float(r.get(probability)),
            }
            for r in chosen.to_dict("records")
        )
        found.append(TypicalSentences(str(outlet), label, share, elsewhere, sentences))
    return found


def _maybe_float(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None
