"""Comparing outlets: how much of each outlet's copy carries whose voice, with honest intervals.

Rows are labelled sentences (see :data:`stance.batch.COLUMNS`). Per outlet (and, with ``by``,
per week, month or year) we report sentence and article counts and the share of each label with
a 95% percentile interval from a bootstrap over *articles*: the sentences of one article share a
writer, a topic and a source, so resampling sentences would pretend to far more independent
evidence than there is. Alongside: a chi-square test of outlet x label with Cramér's V (and a
permutation p-value that moves whole articles), the sentences most typical of each outlet, and
near-duplicate articles (agency copy republished by several outlets), which ``dedupe`` counts
once.

numpy is the only heavy import at module level; pandas, scipy and matplotlib load on use.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stance._errors import InputError
from stance.labels import LABELS

if TYPE_CHECKING:
    import argparse

    import pandas as pd

__all__ = ["LABEL_NAMES", "Comparison", "NearDuplicate", "OutletTest", "TypicalSentences",
           "add_command", "compare", "compare_outlets", "read_rows", "rows_from_inputs"]

PERIODS = ("week", "month", "year")
UNDATED = "undated"
NO_OUTLET = "(no outlet)"
LABEL_NAMES = {
    "official_ukrainian": "Ukrainian officials",
    "russian_mod": "Russian MoD / Kremlin",
    "western_intelligence": "Western intelligence",
    "editorial_opinion": "Editorial opinion",
    "neutral": "Neutral narration",
}
# Short column heads for the terminal table, so five labels fit in a normal width.
_SHORT_NAMES = {
    "official_ukrainian": "Ukr. official",
    "russian_mod": "Russian MoD",
    "western_intelligence": "Western intel",
    "editorial_opinion": "Opinion",
    "neutral": "Neutral",
}
# Colours people read without a legend lookup: Ukraine blue, Russia red, grey for no source.
LABEL_COLORS = {
    "official_ukrainian": "#1f5fbf",
    "russian_mod": "#c8302c",
    "western_intelligence": "#2a9d5c",
    "editorial_opinion": "#e39b17",
    "neutral": "#9a9a9a",
}
_SHARE = "share_"
_LOW = "low_"
_HIGH = "high_"
SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.5
_MINHASH_BANDS = 42
_MINHASH_ROWS = 3  # 42 bands of 3: a pair at Jaccard 0.5 becomes a candidate 99.6% of the time
_MIN_EXPECTED = 5.0
N_TYPICAL = 3
_BOOT_CELLS = 4_000_000  # resamples x articles held in memory at once
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
        raise InputError(f"labelled rows need the columns {', '.join(missing)}; "
                         f"these have {', '.join(map(str, frame.columns)) or 'none'}")
    frame = frame.copy()
    for column in ("outlet", "date", "text"):
        if column not in frame.columns:
            frame[column] = ""
    for column in ("article_id", "outlet", "date", "text", "label"):
        frame[column] = frame[column].fillna("").astype(str)
    frame["outlet"] = frame["outlet"].where(frame["outlet"].str.strip() != "", NO_OUTLET)
    unknown = sorted(set(frame["label"]) - set(LABELS))
    if unknown:
        raise InputError(f"unknown label(s) {', '.join(map(repr, unknown))}; "
                         f"labels are {', '.join(LABELS)}")
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


def bootstrap_shares(counts: np.ndarray, n_boot: int,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    """Chi-square test of independence of outlet and label over sentences."""

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
        """One line for the terminal."""
        text = (f"Outlet x label: chi-square({self.dof}) = {self.chi2:.1f}, "
                f"p {_p_text(self.p_value)}, Cramer's V = {self.cramers_v:.2f} "
                f"(n = {self.n_sentences:,} sentences)")
        if self.p_permutation is not None:
            text += (f"; p over articles {_p_text(self.p_permutation)} "
                     f"({self.permutations:,} permutations)")
        return text


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
        tables = np.stack([np.bincount(cell, weights=np.tile(column, size),
                                       minlength=size * n_outlets)
                           for column in counts.T], axis=-1).reshape(size, n_outlets, -1)
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
        note = (f"{small} of {observed.size} cells have expected counts below "
                f"{_MIN_EXPECTED:g}: the chi-square p-value may be unreliable")
    p_perm = _permutation_p(frame, float(result.statistic), n_perm, seed)
    return OutletTest(float(result.statistic), int(result.dof), float(result.pvalue), v, n,
                      small, int(observed.size), p_perm, n_perm if p_perm is not None else 0,
                      note)


# -- near-duplicate articles -----------------------------------------------------------------


@dataclass(frozen=True)
class NearDuplicate:
    """A group of articles whose texts are near copies (word-shingle Jaccard >= threshold)."""

    articles: tuple[tuple[str, str], ...]  # (outlet, article_id), the first one kept by dedupe
    jaccard: float  # the lowest similarity of the linked pairs

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(outlet for outlet, _ in self.articles))

    def line(self) -> str:
        members = ", ".join(f"{article_id} ({outlet})" for outlet, article_id in self.articles)
        return f"{members}: word-shingle Jaccard >= {self.jaccard:.2f}"


def _shingle_sets(texts: list[str]) -> list[np.ndarray]:
    """Each text's word 5-shingles as sorted unique 64-bit hashes (one shingle if shorter)."""
    import pandas as pd

    words = [re.findall(r"\w+", text.lower()) for text in texts]
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    codes, vocabulary = pd.factorize(pd.Series([w for ws in words for w in ws], dtype=object))
    rng = np.random.default_rng(20220224)  # fixed: hashes must not depend on the user's seed
    top = np.iinfo(np.uint64).max
    hashes = rng.integers(0, top, len(vocabulary), dtype=np.uint64, endpoint=True)[codes]
    weights = rng.integers(1, top, SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)
    article = np.repeat(np.arange(len(texts)), lengths)
    ends = np.cumsum(lengths)
    # Shingle hash: a random linear combination of its words' hashes, wrapping mod 2**64.
    span = len(hashes) - SHINGLE_WORDS + 1
    combined = np.zeros(max(0, span), dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):
        combined += hashes[offset:offset + max(0, span)] * weights[offset]
    starts = np.arange(max(0, span))
    inside = starts + SHINGLE_WORDS <= ends[article[:max(0, span)]]
    owner, found = article[:max(0, span)][inside], combined[inside]
    order = np.lexsort((found, owner))
    owner, found = owner[order], found[order]
    keep = np.ones(len(found), dtype=bool)
    keep[1:] = (found[1:] != found[:-1]) | (owner[1:] != owner[:-1])
    owner, found = owner[keep], found[keep]
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1))
    shingles = [found[bounds[i]:bounds[i + 1]] for i in range(len(texts))]
    for i in np.flatnonzero((lengths > 0) & (lengths < SHINGLE_WORDS)):
        first = ends[i] - lengths[i]
        whole = (hashes[first:ends[i]] * weights[:lengths[i]]).sum(dtype=np.uint64)
        shingles[i] = np.array([whole], dtype=np.uint64)
    return shingles


def _minhash(shingles: list[np.ndarray]) -> np.ndarray:
    """MinHash signatures (articles x permutations) by multiply-shift hashing of the shingles.

    Articles without shingles get the maximal signature and are never candidates.
    """
    n_perm = _MINHASH_BANDS * _MINHASH_ROWS
    rng = np.random.default_rng(20220225)
    multipliers = rng.integers(1, np.iinfo(np.uint64).max, n_perm, dtype=np.uint64) | 1
    increments = rng.integers(0, np.iinfo(np.uint64).max, n_perm, dtype=np.uint64)
    signatures = np.full((len(shingles), n_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    filled = [i for i, found in enumerate(shingles) if len(found)]
    if not filled:
        return signatures
    values = np.concatenate([shingles[i] for i in filled])
    starts = np.cumsum([0] + [len(shingles[i]) for i in filled[:-1]])
    shift = np.uint64(32)
    for k in range(n_perm):
        hashed = (values * multipliers[k] + increments[k]) >> shift
        signatures[filled, k] = np.minimum.reduceat(hashed, starts)
    return signatures


def _candidate_pairs(signatures: np.ndarray, usable: np.ndarray) -> set[tuple[int, int]]:
    """Article pairs agreeing on every row of at least one LSH band of their signatures."""
    pairs: set[tuple[int, int]] = set()
    mixers = np.random.default_rng(20220226).integers(
        1, np.iinfo(np.uint64).max, _MINHASH_ROWS, dtype=np.uint64) | 1
    for band in range(_MINHASH_BANDS):
        rows = signatures[usable, band * _MINHASH_ROWS:(band + 1) * _MINHASH_ROWS]
        keys = (rows * mixers).sum(axis=1)  # one key per band; collisions are checked later
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        shared = np.zeros(len(keys), dtype=bool)
        shared[1:] |= same
        shared[:-1] |= same
        # Only buckets holding two or more articles matter; most articles are alone.
        members, member_keys = order[shared], sorted_keys[shared]
        for group in np.split(members, np.flatnonzero(np.diff(member_keys)) + 1):
            found = sorted(usable[group].tolist())
            pairs.update((i, j) for n, i in enumerate(found) for j in found[n + 1:])
    return pairs


def _article_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per article in first-seen order: outlet, id and its sentences joined."""
    ordered = frame
    if "idx" in frame.columns and frame["idx"].notna().all():
        ordered = frame.assign(_order=np.arange(len(frame))).sort_values(
            ["_article", "idx", "_order"], kind="stable")
    sentences: dict[str, list[str]] = {}
    for article, text in zip(ordered["_article"], ordered["text"], strict=True):
        sentences.setdefault(article, []).append(text)
    first = frame.drop_duplicates("_article")[["_article", "outlet", "article_id"]]
    texts = [" ".join(sentences[article]) for article in first["_article"]]
    return first.assign(text=texts).reset_index(drop=True)


def find_near_duplicates(frame: pd.DataFrame,
                         threshold: float = NEAR_DUPLICATE_JACCARD) -> list[NearDuplicate]:
    """Clusters of near-copy articles: MinHash LSH finds candidates, exact Jaccard confirms."""
    articles = _article_texts(frame)
    shingles = _shingle_sets(list(articles["text"]))
    usable = np.array([i for i, found in enumerate(shingles) if len(found)], dtype=np.int64)
    signatures = _minhash(shingles)
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lowest: dict[int, float] = {}
    for i, j in sorted(_candidate_pairs(signatures, usable)):
        shared = len(np.intersect1d(shingles[i], shingles[j], assume_unique=True))
        jaccard = shared / (len(shingles[i]) + len(shingles[j]) - shared)
        if jaccard >= threshold:
            a, b = sorted((root(i), root(j)))
            parent[b] = a  # the earlier article stays the root: it is the one dedupe keeps
            lowest[a] = min(lowest.get(a, 1.0), lowest.pop(b, 1.0), jaccard)
    clusters: dict[int, list[int]] = {}
    for i in range(len(articles)):
        clusters.setdefault(root(i), []).append(i)
    found = []
    for top, members in clusters.items():
        if len(members) > 1:
            ids = tuple((str(articles.at[m, "outlet"]), str(articles.at[m, "article_id"]))
                        for m in sorted(members))
            found.append(NearDuplicate(ids, round(lowest[top], 4)))
    return found


def _without_copies(frame: pd.DataFrame, duplicates: list[NearDuplicate]) -> pd.DataFrame:
    dropped = {f"{outlet}\x1f{article_id}" for group in duplicates
               for outlet, article_id in group.articles[1:]}
    return frame[~frame["_article"].isin(dropped)].reset_index(drop=True)


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


def typical_sentences(frame: pd.DataFrame, per_outlet: int = N_TYPICAL) -> list[TypicalSentences]:
    """For each outlet, the sentences of its most over-represented label, most confident first."""
    table = _table(frame)
    found = []
    for outlet in table.index:
        label, share, elsewhere = _over_represented(table, outlet)
        chosen = frame[(frame["outlet"] == outlet) & (frame["label"] == label)]
        probability = f"p_{label}"
        if probability in chosen.columns:
            chosen = chosen.sort_values(probability, ascending=False, kind="stable")
        chosen = chosen.drop_duplicates("text").head(per_outlet)
        sentences = tuple(
            {"article_id": str(r["article_id"]), "text": str(r["text"]),
             "probability": _maybe_float(r.get(probability))}
            for r in chosen.to_dict("records"))
        found.append(TypicalSentences(str(outlet), label, share, elsewhere, sentences))
    return found


def _maybe_float(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number


# -- the result ------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Everything ``stance compare`` reports; ``shares`` is :func:`compare_outlets`' frame."""

    shares: pd.DataFrame
    by: str | None
    test: OutletTest | None
    near_duplicates: list[NearDuplicate]
    typical: list[TypicalSentences]
    n_boot: int
    seed: int
    dedupe: bool
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Per outlet (and period): counts, and each label's share with its 95% interval."""
        return self.shares.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by, "bootstrap": self.n_boot, "seed": self.seed, "dedupe": self.dedupe,
            "interval": "95% percentile, bootstrap over articles within each outlet",
            "shares": json.loads(self.shares.to_json(orient="records")),
            "test": asdict(self.test) if self.test is not None else None,
            "near_duplicates": [{"articles": [{"outlet": o, "article_id": a}
                                              for o, a in group.articles],
                                 "outlets": list(group.outlets), "jaccard": group.jaccard}
                                for group in self.near_duplicates],
            "typical": [asdict(t) for t in self.typical],
            "notes": self.notes,
        }  # fmt: skip

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_csv(self, path: str | Path | None = None) -> str:
        """The shares table as CSV; written to ``path`` if given, and returned."""
        text = self.shares.to_csv(index=False, lineterminator="\n")
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def format_table(self, width: int = 60) -> str:
        """A readable plain-text report: shares table, test, near-duplicates, typical sentences."""
        return _format(self, width)

    def plot(self, path: str | Path) -> Path:
        """A PNG chart: bars of each outlet's shares, or with ``by`` lines over periods."""
        return _plot(self, Path(path))


def compare(rows: object, by: str | None = None, dedupe: bool = False, *, n_boot: int = 2000,
            seed: int = 0, n_typical: int = N_TYPICAL,
            near_duplicate_jaccard: float = NEAR_DUPLICATE_JACCARD) -> Comparison:
    """Compare outlets' label shares; see the module docstring for what is computed and why."""
    _check_by(by)
    frame = _prepared(rows, by)
    duplicates = find_near_duplicates(frame, near_duplicate_jaccard)
    notes = []
    if dedupe and duplicates:
        frame = _without_copies(frame, duplicates)
        copies = sum(len(group.articles) - 1 for group in duplicates)
        notes.append(f"dedupe: {copies} near-duplicate article(s) left out, first copy kept")
    test = outlet_test(frame, n_perm=n_boot, seed=seed)
    if test is None:
        notes.append("no chi-square test: it needs at least two outlets and two labels in use")
    shares = _shares(frame, by, n_boot, seed)
    single = int((shares["articles"] < 2).sum())
    if single:
        notes.append(f"{single} row(s) rest on a single article: their intervals have zero "
                     "width, as one article shows no variation between articles")
    return Comparison(shares, by, test, duplicates, typical_sentences(frame, n_typical),
                      n_boot, seed, dedupe, notes)


def compare_outlets(rows: object, by: str | None = None, *, n_boot: int = 2000, seed: int = 0,
                    dedupe: bool = False) -> pd.DataFrame:
    """Per outlet (and period): sentences, articles, each label's share and 95% interval.

    Columns: ``outlet`` (``period`` with ``by``), ``sentences``, ``articles``, then for each
    label ``share_<label>``, ``low_<label>``, ``high_<label>``. Intervals come from a bootstrap
    over articles within the outlet.
    """
    _check_by(by)
    frame = _prepared(rows, by)
    if dedupe:
        frame = _without_copies(frame, find_near_duplicates(frame))
    return _shares(frame, by, n_boot, seed)


def _prepared(rows: object, by: str | None) -> pd.DataFrame:
    frame = _as_frame(rows)
    # The same id in two outlets is two articles (ids are often just file names or numbers).
    frame["_article"] = frame["outlet"] + "\x1f" + frame["article_id"]
    if by is not None:
        frame["period"] = _periods(frame["date"], by)
    return frame


# -- the terminal table ----------------------------------------------------------------------


def _cell(share: float, low: float, high: float) -> str:
    return f"{100 * share:.0f} ({100 * low:.0f}-{100 * high:.0f})"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


def _shares_lines(result: Comparison) -> list[str]:
    shares = result.shares
    outlet_width = min(32, max([6, *(len(o) for o in shares["outlet"])]))
    heads = ["outlet".ljust(outlet_width)]
    if result.by is not None:
        heads.append(result.by.ljust(8))
    heads += ["sentences", "articles"] + [_SHORT_NAMES[label].ljust(13) for label in LABELS]
    lines = ["  ".join(heads).rstrip()]
    for record in shares.to_dict("records"):
        cells = [_clip(str(record["outlet"]), outlet_width).ljust(outlet_width)]
        if result.by is not None:
            cells.append(str(record["period"]).ljust(8))
        cells += [f"{record['sentences']:>9,}", f"{record['articles']:>8,}"]
        cells += [_cell(record[_SHARE + label], record[_LOW + label],
                        record[_HIGH + label]).ljust(13) for label in LABELS]
        lines.append("  ".join(cells).rstrip())
    return lines


def _format(result: Comparison, width: int) -> str:
    lines = [f"Share of sentences by label, % (95% interval: bootstrap over articles, "
             f"{result.n_boot:,} resamples)", ""]
    lines += _shares_lines(result)
    lines.append("")
    if result.test is not None:
        lines.append(result.test.line())
        if result.test.note:
            lines.append(f"  note: {result.test.note}")
    lines += [f"note: {note}" for note in result.notes]
    lines += ["", "Near-duplicate articles (republished copy):"]
    lines += [f"  {group.line()}" for group in result.near_duplicates] or ["  none found"]
    lines += ["", "Most typical sentences (each outlet's most over-represented label):"]
    for typical in result.typical:
        elsewhere = ("" if typical.share_elsewhere is None
                     else f" vs {100 * typical.share_elsewhere:.0f}% elsewhere")
        lines.append(f"  {typical.outlet}: {LABEL_NAMES[typical.label]} "
                     f"({100 * typical.share:.0f}%{elsewhere})")
        for sentence in typical.sentences:
            lines.append(f"    - {_clip(' '.join(sentence['text'].split()), width * 2)}")
    return "\n".join(lines) + "\n"


# -- charts ----------------------------------------------------------------------------------


def _plot(result: Comparison, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    figure = _bars(result, plt) if result.by is None else _lines(result, plt)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _outlet_tick(record: dict[str, Any]) -> str:
    return (f"{_clip(str(record['outlet']), 34)}\n{_counted(record['sentences'], 'sentence')}, "
            f"{_counted(record['articles'], 'article')}")


def _bars(result: Comparison, plt: Any) -> Any:
    records = result.shares.to_dict("records")
    n_labels = len(LABELS)
    bar = 0.8 / n_labels
    figure, axes = plt.subplots(figsize=(10, 1.2 + 1.1 * len(records)))
    for k, label in enumerate(LABELS):
        # Top to bottom in label order within each outlet's group; outlets top to bottom too.
        positions = [len(records) - 1 - row + 0.4 - bar * (k + 0.5) for row in range(len(records))]
        shares = np.array([100 * r[_SHARE + label] for r in records])
        errors = np.array([[100 * (r[_SHARE + label] - r[_LOW + label]) for r in records],
                           [100 * (r[_HIGH + label] - r[_SHARE + label]) for r in records]])
        axes.barh(positions, shares, height=bar * 0.92, color=LABEL_COLORS[label],
                  label=LABEL_NAMES[label], xerr=errors,
                  error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333333"})
    axes.set_yticks(range(len(records)))
    axes.set_yticklabels([_outlet_tick(r) for r in reversed(records)])
    for edge in np.arange(len(records) - 1) + 0.5:
        axes.axhline(edge, color="#dddddd", linewidth=0.8)
    axes.set_ylim(-0.5, len(records) - 0.5)
    widest = max(100 * r[_HIGH + label] for r in records for label in LABELS)
    axes.set_xlim(0, min(100, 10 * np.ceil(widest / 10 + 0.05)))
    axes.set_xlabel("Share of the outlet's sentences (%)")
    axes.set_ylabel("Outlet")
    axes.grid(axis="x", color="#eeeeee")
    axes.set_axisbelow(True)
    lonely = "; one-article outlets have no interval" if any(
        r["articles"] < 2 for r in records) else ""
    axes.set_title("Whose voice do the sentences carry? Label shares by outlet\n"
                   f"error bars: 95% intervals, bootstrap over articles ({result.n_boot:,} "
                   f"resamples){lonely}", fontsize=11)
    axes.legend(title="Label", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    figure.tight_layout()
    return figure


def _lines(result: Comparison, plt: Any) -> Any:
    shares = result.shares[result.shares["period"] != UNDATED]
    periods = sorted(set(shares["period"]), key=_period_order)
    position = {name: n for n, name in enumerate(periods)}
    outlets = list(dict.fromkeys(result.shares["outlet"]))
    colours = plt.get_cmap("tab10")
    figure, grid = plt.subplots(2, 3, figsize=(15, 8.5), sharex=True, sharey=True)
    panels = grid.ravel()
    for panel, label in zip(panels, LABELS, strict=False):
        for n, outlet in enumerate(outlets):
            own = shares[shares["outlet"] == outlet].sort_values(
                "period", key=lambda s: s.map(position))
            x = own["period"].map(position).to_numpy()
            colour = colours(n % 10)
            panel.plot(x, 100 * own[_SHARE + label], marker="o", color=colour, label=outlet)
            panel.fill_between(x, 100 * own[_LOW + label], 100 * own[_HIGH + label],
                               color=colour, alpha=0.15, linewidth=0)
        # Titles stay black: the line colours here are outlets, not labels.
        panel.set_title(LABEL_NAMES[label], fontweight="bold")
        panel.grid(color="#eeeeee")
        panel.set_ylim(0, 100)
    for panel in grid[:, 0]:
        panel.set_ylabel("Share of sentences (%)")
    for panel in panels[:len(LABELS)]:
        panel.set_xticks(range(len(periods)))
        panel.set_xticklabels(periods, rotation=45, ha="right")
        panel.tick_params(labelbottom=True)
        panel.set_xlabel(result.by.capitalize() if result.by else "")
    legend = panels[-1]
    legend.axis("off")
    handles, names = panels[0].get_legend_handles_labels()
    legend.legend(handles, names, title="Outlet (bands: 95% intervals)", loc="center")
    undated = int((result.shares["period"] == UNDATED).sum())
    footnote = f"; {undated} undated outlet row(s) not drawn" if undated else ""
    figure.suptitle(f"Label shares by outlet and {result.by}\nbands: 95% intervals, bootstrap "
                    f"over articles ({result.n_boot:,} resamples){footnote}", fontsize=12)
    figure.tight_layout()
    return figure


# -- the command -----------------------------------------------------------------------------


def _is_labelled(path: Path) -> bool:
    """Labelled rows (compare reads them) rather than articles (to be labelled first)?"""
    suffix = path.suffix.lower()
    if not path.is_file():
        return False
    if suffix in _LABELLED_SUFFIXES:
        return True
    if suffix not in _JSONL_SUFFIXES:
        return False
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(record, dict) and "label" in record and "article_id" in record
    return False


def rows_from_inputs(paths: Sequence[str], args: argparse.Namespace) -> pd.DataFrame:
    """Rows to compare: labelled files are read; anything else is labelled first.

    This is the hook where ``stance compare`` meets ``stance label``: articles (text files,
    directories, JSON Lines of articles, ``-``) go through :func:`stance.batch.label_articles`.
    """
    import pandas as pd

    labelled = [p for p in paths if p != "-" and _is_labelled(Path(p))]
    articles = [p for p in paths if p not in labelled]
    frames = [read_rows(labelled)] if labelled else []
    if articles:
        from stance.batch import label_articles
        from stance.reading import Skips, iter_articles

        skips = Skips(stream=sys.stderr)
        found = iter_articles(articles, catalog=getattr(args, "catalog", None),
                              outlet=getattr(args, "outlet", None), skips=skips)
        rows = [row.row() for row in label_articles(found, jobs=getattr(args, "jobs", 1))]
        if skips.entries:
            print(f"stance: {skips.summary()}", file=sys.stderr)
        if rows:
            frames.append(pd.DataFrame.from_records(rows))
    if not frames:
        raise InputError("nothing to compare: no labelled rows or readable articles were given")
    return _normalise(pd.concat(frames, ignore_index=True))


def add_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``stance compare`` to an argparse subparsers object; its handler is ``func``."""
    parser = subparsers.add_parser(
        "compare", help="compare outlets' label shares, with intervals, a test and a chart",
        description="Per outlet: sentence and article counts, the share of each label with a "
                    "95%% interval (bootstrap over articles), a chi-square test of outlet x "
                    "label, near-duplicate articles and each outlet's most typical sentences.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="labelled output of stance label (.jsonl, .csv, .parquet); "
                             "articles are labelled first")
    parser.add_argument("--by", choices=PERIODS, help="also split each outlet by period")
    parser.add_argument("--dedupe", action="store_true",
                        help="count each near-duplicate story once (its first copy)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table",
                        help="table for people (default), csv or json for tools")
    parser.add_argument("-o", "--output", metavar="OUT", help="write the report here, not stdout")
    parser.add_argument("--chart", metavar="PNG", help="write a PNG chart of the shares")
    parser.add_argument("--bootstrap", type=int, default=2000, metavar="N",
                        help="bootstrap resamples (default 2000)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed")
    parser.add_argument("--catalog", help="catalog CSV for article inputs (file, outlet, ...)")
    parser.add_argument("--outlet", help="outlet of article inputs that name none")
    parser.set_defaults(func=run_compare)
    return parser


def run_compare(args: argparse.Namespace) -> int:
    """The handler of ``stance compare``: report to stdout (or ``-o``), chart if asked."""
    if args.bootstrap < 0:
        raise InputError(f"--bootstrap must be 0 or more, got {args.bootstrap}")
    rows = rows_from_inputs(args.inputs, args)
    result = compare(rows, by=args.by, dedupe=args.dedupe, n_boot=args.bootstrap, seed=args.seed)
    report = {"table": result.format_table, "csv": result.to_csv,
              "json": lambda: result.to_json() + "\n"}[args.format]()
    if args.output and args.output != "-":
        Path(args.output).write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    if args.chart:
        result.plot(args.chart)
        print(f"stance: chart written to {args.chart}", file=sys.stderr)
    return 0
