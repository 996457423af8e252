"""The comparison of outlets: :func:`compare` gathers shares, the test, near-duplicates and typical
sentences into a :class:`Comparison`."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance._io import dumps, write_text
from stance.compare._duplicates import (
    NEAR_DUPLICATE_JACCARD,
    NearDuplicate,
    _without_copies,
    find_near_duplicates,
)
from stance.compare._render import _format, _plot
from stance.compare._rows import _HIGH, _LOW, _check_by, _prepared, abstentions
from stance.compare._stats import (
    N_TYPICAL,
    OutletTest,
    TypicalSentences,
    _shares,
    outlet_test,
    typical_sentences,
)

if TYPE_CHECKING:
    import pandas as pd


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (strict JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


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

    def reported_shares(self) -> pd.DataFrame:
        """The shares as reported: no interval (NaN) for a row resting on a single article,
        where a bootstrap over articles has nothing to resample."""
        shares = self.shares.copy()
        single = shares["articles"] < 2
        bounds = [c for c in shares.columns if c.startswith((_LOW, _HIGH))]
        shares.loc[single, bounds] = float("nan")
        return shares

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by, "bootstrap": self.n_boot, "seed": self.seed, "dedupe": self.dedupe,
            "interval": "95% percentile, bootstrap over articles within each outlet; null for "
                        "a row resting on a single article",
            "shares": json.loads(self.reported_shares().to_json(orient="records")),
            "test": asdict(self.test) if self.test is not None else None,
            "near_duplicates": [{"articles": [{"outlet": o, "article_id": a}
                                              for o, a in group.articles],
                                 "outlets": list(group.outlets), "jaccard": group.jaccard}
                                for group in self.near_duplicates],
            "typical": [asdict(t) for t in self.typical],
            "notes": self.notes,
        }  # fmt: skip

    def to_json(self, indent: int | None = 2) -> str:
        """The report as strict JSON: a figure that is not a finite number is ``null``."""
        return dumps(_finite(self.to_dict()), indent=indent)

    def to_csv(self, path: str | Path | None = None) -> str:
        """The shares table as CSV (no interval for a single article's row); written to
        ``path`` if given, and returned."""
        text = self.reported_shares().to_csv(index=False, lineterminator="\n")
        if path is not None:
            write_text(path, text)
        return text

    def format_table(self, width: int = 60) -> str:
        """A readable plain-text report: shares table, test, near-duplicates, typical sentences."""
        return _format(self, width)

    def plot(self, path: str | Path) -> Path:
        """A PNG chart: bars of each outlet's shares, or with ``by`` lines over periods."""
        return _plot(self, Path(path))


def compare(
    rows: object,
    by: str | None = None,
    dedupe: bool = False,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    n_typical: int = N_TYPICAL,
    near_duplicate_jaccard: float = NEAR_DUPLICATE_JACCARD,
) -> Comparison:
    """Compare outlets' label shares; see the module docstring for what is computed and why."""
    _check_by(by)
    frame, abstained = abstentions(_prepared(rows, by))
    duplicates = find_near_duplicates(frame, near_duplicate_jaccard)
    notes = []
    if abstained:
        notes.append(
            f"{abstained} sentence(s) labelled 'uncertain' (the model abstained below "
            "--min-confidence) are left out: shares are of the sentences it labelled"
        )
    if dedupe and duplicates:
        frame = _without_copies(frame, duplicates)
        copies = sum(len(group.articles) - 1 for group in duplicates)
        notes.append(f"dedupe: {copies} near-duplicate article(s) left out, first copy kept")
    test = outlet_test(frame, n_perm=n_boot, seed=seed)
    if test is None:
        notes.append("no test: it needs at least two outlets and two labels in use")
    elif test.p_permutation is not None and frame.groupby("outlet")["_article"].nunique().max() < 2:
        notes.append(
            "every outlet rests on one article: shuffling articles between outlets cannot "
            "tell them apart, so the test over articles has no power here (label more "
            "articles per outlet)"
        )
    shares = _shares(frame, by, n_boot, seed)
    single = shares["articles"] < 2
    if single.any():
        names = ", ".join(dict.fromkeys(shares.loc[single, "outlet"].astype(str)))
        notes.append(
            f"no interval for {int(single.sum())} row(s) resting on a single article ({names}): "
            "an interval over articles needs at least two articles"
        )
    return Comparison(
        shares,
        by,
        test,
        duplicates,
        typical_sentences(frame, n_typical),
        n_boot,
        seed,
        dedupe,
        notes,
    )


def compare_outlets(
    rows: object, by: str | None = None, *, n_boot: int = 2000, seed: int = 0, dedupe: bool = False
) -> pd.DataFrame:
    """Per outlet (and period): sentences, articles, each label's share and 95% interval.

    Columns: ``outlet`` (``period`` with ``by``), ``sentences``, ``articles``, then for each
    label ``share_<label>``, ``low_<label>``, ``high_<label>``. Intervals come from a bootstrap
    over articles within the outlet.
    """
    _check_by(by)
    frame, _ = abstentions(_prepared(rows, by))
    if dedupe:
        frame = _without_copies(frame, find_near_duplicates(frame))
    return _shares(frame, by, n_boot, seed)
