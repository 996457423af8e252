"""Forty labelled sentences in six documents: enough to train, cross-validate and audit on in a
second or two (the training, calibration and command-line tests).

Wire reports, a briefing and two opinion pieces, every label in several documents; written for
the tests, in the style of the annotation guide (docs/annotation-guide.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCUMENTS = {
    "wire-1": [
        ("Ukraine's air force said it shot down 11 of 14 drones overnight.", "official_ukrainian"),
        ("The drones were aimed at energy facilities in the south.", "neutral"),
        ("Russia's defence ministry said its forces destroyed a fuel depot.", "russian_mod"),
        ("Neither claim could be independently verified.", "neutral"),
        (
            "British military intelligence said Moscow was short of missiles.",
            "western_intelligence",
        ),
        ("Zelenskiy said the attacks would not break Ukraine.", "official_ukrainian"),
        ("Power was restored to most homes by the evening.", "neutral"),
    ],
    "wire-2": [
        ("The Kremlin said the talks had reached a dead end.", "russian_mod"),
        ("Peskov told reporters that Kyiv was to blame.", "russian_mod"),
        ("Ukraine's foreign ministry rejected the claim.", "official_ukrainian"),
        ("The Pentagon said it saw no sign of a new offensive.", "western_intelligence"),
        ("The two delegations last met in March.", "neutral"),
        ("Shelling continued along the front line.", "neutral"),
        ("Kuleba said Russia was not serious about peace.", "official_ukrainian"),
    ],
    "opinion-1": [
        ("I think this war is a disgrace and must end.", "editorial_opinion"),
        ("We should not look away from what is happening.", "editorial_opinion"),
        ("The city has been without water for a week.", "neutral"),
        ("Surely the West can do more than it has.", "editorial_opinion"),
        ("NATO said it would send more air defence systems.", "western_intelligence"),
        ("It is a shameful moment for Europe.", "editorial_opinion"),
    ],
    "briefing-1": [
        ("The ministry of defence of the Russian Federation reported new gains.", "russian_mod"),
        ("Russian forces took control of a village in Donetsk, the ministry said.", "russian_mod"),
        (
            "The US intelligence assessment said Russia had lost thousands of tanks.",
            "western_intelligence",
        ),
        ("The village had about 300 residents before the war.", "neutral"),
        ("Ukraine's general staff said the attack was repelled.", "official_ukrainian"),
        ("The claims could not be confirmed.", "neutral"),
        ("The CIA director said Moscow underestimated Ukraine.", "western_intelligence"),
    ],
    "opinion-2": [
        ("We must not forget the victims of Bucha.", "editorial_opinion"),
        ("Their suffering demands justice, and I believe it will come.", "editorial_opinion"),
        ("Zelenskiy visited the town in April.", "neutral"),
        ("The Kremlin has denied any involvement.", "russian_mod"),
        ("Perhaps history will judge us by how we respond.", "editorial_opinion"),
        (
            "British intelligence said the evidence pointed to Russian units.",
            "western_intelligence",
        ),
    ],
    "wire-3": [
        ("Ukraine's energy minister said half the grid was damaged.", "official_ukrainian"),
        ("Repair crews worked through the night.", "neutral"),
        ("Moscow said the strikes hit military targets only.", "russian_mod"),
        ("The Institute for the Study of War said Russia was regrouping.", "western_intelligence"),
        ("Temperatures fell below freezing on Sunday.", "neutral"),
        ("Ukrainian officials said three people were killed.", "official_ukrainian"),
        ("The UN said it was alarmed by the attacks.", "neutral"),
    ],
}


def records() -> list[dict[str, Any]]:
    """The annotation records (doc, idx, text, label), documents in order."""
    return [
        {"doc": doc, "idx": idx, "text": text, "label": label}
        for doc, sentences in DOCUMENTS.items()
        for idx, (text, label) in enumerate(sentences)
    ]


def write(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    """Write ``rows`` (default: :func:`records`) as an annotation JSONL file at ``path``."""
    rows = records() if rows is None else rows
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
