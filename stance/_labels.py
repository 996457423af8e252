"""The five framing labels of LABELS.md, in a fixed order shared by model, data and reports."""

from __future__ import annotations

__all__ = ["GROUPS", "LABELS", "SOURCE_LABELS", "check_label"]

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


def check_label(label: object, where: str = "label") -> str:
    """Return ``label`` if it is one of :data:`LABELS`, else raise a message naming the choices."""
    if label not in LABELS:
        from stance._errors import InputError

        raise InputError(f"{where} must be one of {', '.join(LABELS)}; got {label!r}")
    return label  # type: ignore[return-value]
