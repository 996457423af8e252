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

from stance._labels import LABEL_NAMES
from stance.compare._duplicates import NearDuplicate, find_near_duplicates
from stance.compare._render import LABEL_COLORS
from stance.compare._report import Comparison, compare, compare_outlets
from stance.compare._rows import read_rows
from stance.compare._stats import OutletTest, TypicalSentences, bootstrap_shares

__all__ = [
    "LABEL_COLORS",
    "LABEL_NAMES",
    "Comparison",
    "NearDuplicate",
    "OutletTest",
    "TypicalSentences",
    "bootstrap_shares",
    "compare",
    "compare_outlets",
    "find_near_duplicates",
    "read_rows",
]
