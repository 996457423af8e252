"""The five framing labels (docs/annotation-guide.md), in one order for model, data and reports."""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS",
    "GROUPS",
    "LABELS",
    "LABEL_NAMES",
    "SHORT_NAMES",
    "SOURCE_LABELS",
    "UNCERTAIN",
    "check_confidence",
    "check_label",
]

LABELS: tuple[str, ...] = (
    "official_ukrainian",
    "russian_mod",
    "western_intelligence",
    "editorial_opinion",
    "neutral",
)
# The labels that name an outside source (an actor speaks for one of these).
SOURCE_LABELS: tuple[str, ...] = LABELS[:3]
# What a gazetteer actor can speak for: a source group, or a third party (neutral).
GROUPS: tuple[str, ...] = (*SOURCE_LABELS, "neutral")
# What a sentence gets when the model's confidence is below the user's threshold.
UNCERTAIN = "uncertain"

# The labels as people read them: in charts and legends, in table heads, in narrow columns.
LABEL_NAMES: dict[str, str] = {
    "official_ukrainian": "Ukrainian officials",
    "russian_mod": "Russian MoD / Kremlin",
    "western_intelligence": "Western intelligence",
    "editorial_opinion": "Editorial opinion",
    "neutral": "Neutral narration",
}
SHORT_NAMES: dict[str, str] = {
    "official_ukrainian": "Ukr. official",
    "russian_mod": "Russian MoD",
    "western_intelligence": "Western intel",
    "editorial_opinion": "Opinion",
    "neutral": "Neutral",
}
ABBREVIATIONS: dict[str, str] = {
    "official_ukrainian": "ukr",
    "russian_mod": "rus",
    "western_intelligence": "west",
    "editorial_opinion": "opin",
    "neutral": "neut",
}


def check_label(label: object, where: str = "label") -> str:
    """Return ``label`` if it is one of :data:`LABELS`, else raise a message naming the choices."""
    if not isinstance(label, str) or label not in LABELS:
        from stance._errors import InputError

        raise InputError(f"{where} must be one of {', '.join(LABELS)}; got {label!r}")
    return label


def check_confidence(value: object) -> float | None:
    """``min_confidence`` as a float in [0, 1], or None; else a clear error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        from stance._errors import InputError

        raise InputError(
            f"min_confidence must be a probability between 0 and 1 (or None for no "
            f"abstention), got {value!r}"
        )
    return float(value)
