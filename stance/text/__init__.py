"""Text and attribution: sentences, the actor gazetteer, who says what, and the model's features.

``split_sentences`` cuts a news page into sentences; ``find_actors`` finds the gazetteer's actors
(``actors.tsv`` beside this module) in a text; ``attribute`` finds the speaker of a sentence and
their framing group; ``featurize_article`` turns an article's sentences into the features the
linear model reads.
"""

from stance.text._actors import Actor, Gazetteer, Mention, find_actors, load_gazetteer
from stance.text._attribution import Attribution, Attributor, attribute
from stance.text._features import ALL_GROUPS, DEFAULT_GROUPS, featurize_article
from stance.text._splitting import ABBREVIATIONS, Span, split_sentences

__all__ = [
    "ABBREVIATIONS",
    "ALL_GROUPS",
    "DEFAULT_GROUPS",
    "Actor",
    "Attribution",
    "Attributor",
    "Gazetteer",
    "Mention",
    "Span",
    "attribute",
    "featurize_article",
    "find_actors",
    "load_gazetteer",
    "split_sentences",
]
