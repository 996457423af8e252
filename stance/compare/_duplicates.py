"""Near-duplicate articles (agency copy republished by several outlets): MinHash LSH finds
candidates, exact word-shingle Jaccard confirms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.5
_MINHASH_BANDS = 42
_MINHASH_ROWS = 3  # 42 bands of 3: a pair at Jaccard 0.5 becomes a candidate 99.6% of the time


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
        combined += hashes[offset : offset + max(0, span)] * weights[offset]
    starts = np.arange(max(0, span))
    inside = starts + SHINGLE_WORDS <= ends[article[: max(0, span)]]
    owner, found = article[: max(0, span)][inside], combined[inside]
    order = np.lexsort((found, owner))
    owner, found = owner[order], found[order]
    keep = np.ones(len(found), dtype=bool)
    keep[1:] = (found[1:] != found[:-1]) | (owner[1:] != owner[:-1])
    owner, found = owner[keep], found[keep]
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1))
    shingles = [found[bounds[i] : bounds[i + 1]] for i in range(len(texts))]
    for i in np.flatnonzero((lengths > 0) & (lengths < SHINGLE_WORDS)):
        first = ends[i] - lengths[i]
        whole = (hashes[first : ends[i]] * weights[: lengths[i]]).sum(dtype=np.uint64)
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
    mixers = (
        np.random.default_rng(20220226).integers(
            1, np.iinfo(np.uint64).max, _MINHASH_ROWS, dtype=np.uint64
        )
        | 1
    )
    for band in range(_MINHASH_BANDS):
        rows = signatures[usable, band * _MINHASH_ROWS : (band + 1) * _MINHASH_ROWS]
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
            pairs.update((i, j) for n, i in enumerate(found) for j in found[n + 1 :])
    return pairs


def _article_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per article in first-seen order: outlet, id and its sentences joined."""
    ordered = frame
    if "idx" in frame.columns and frame["idx"].notna().all():
        ordered = frame.assign(_order=np.arange(len(frame))).sort_values(
            ["_article", "idx", "_order"], kind="stable"
        )
    sentences: dict[str, list[str]] = {}
    for article, text in zip(ordered["_article"], ordered["text"], strict=True):
        sentences.setdefault(article, []).append(text)
    first = frame.drop_duplicates("_article")[["_article", "outlet", "article_id"]]
    texts = [" ".join(sentences[article]) for article in first["_article"]]
    return first.assign(text=texts).reset_index(drop=True)


def find_near_duplicates(
    frame: pd.DataFrame, threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[NearDuplicate]:
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
            ids = tuple(
                (str(articles.at[m, "outlet"]), str(articles.at[m, "article_id"]))
                for m in sorted(members)
            )
            found.append(NearDuplicate(ids, round(lowest[top], 4)))
    return found


def _without_copies(frame: pd.DataFrame, duplicates: list[NearDuplicate]) -> pd.DataFrame:
    dropped = {
        f"{outlet}\x1f{article_id}"
        for group in duplicates
        for outlet, article_id in group.articles[1:]
    }
    return frame[~frame["_article"].isin(dropped)].reset_index(drop=True)
