"""The counts tables of docs/annotation-guide.md, from the shipped annotation files.

python benchmarks/annotation_tables.py
"""

from __future__ import annotations

from collections import Counter

from stance._labels import LABELS
from stance.annotate._records import read_annotations, shipped_path

SHORT = {
    "official_ukrainian": "ukr",
    "russian_mod": "rus",
    "western_intelligence": "west",
    "editorial_opinion": "opin",
    "neutral": "neut",
}


def table(records: list[dict], key: str, title: str) -> str:
    counts: dict[str, Counter[str]] = {}
    for record in records:
        counts.setdefault(str(record[key]), Counter())[record["label"]] += 1
    lines = [
        f"**{title}**",
        "",
        f"| {key} | " + " | ".join(SHORT[lab] for lab in LABELS) + " | total |",
        "|---" * (len(LABELS) + 2) + "|",
    ]
    for name in sorted(counts):
        row = counts[name]
        lines.append(
            f"| {name} | "
            + " | ".join(str(row[lab]) for lab in LABELS)
            + f" | {sum(row.values())} |"
        )
    total = Counter(r["label"] for r in records)
    lines.append(
        "| **all** | "
        + " | ".join(f"**{total[lab]}**" for lab in LABELS)
        + f" | **{len(records)}** |"
    )
    return "\n".join(lines)


def main() -> None:
    seeds = read_annotations(shipped_path("seeds"))
    authored = read_annotations(shipped_path("authored"))
    dev = read_annotations(shipped_path("dev"))
    print(table(seeds, "doc", "Seeds: label x document"), end="\n\n")
    print(table(authored, "style", "Authored set: label x style"), end="\n\n")
    print(
        f"Authored set: {len(authored)} sentences in {len({r['doc'] for r in authored})} passages.",
        end="\n\n",
    )
    print(table(dev, "style", "Dev set: label x style"), end="\n\n")
    print(table(dev, "outlet", "Dev set: label x outlet"), end="\n\n")
    print(
        f"Dev set: {len(dev)} sentences in {len({r['doc'] for r in dev})} passages from "
        f"{len({r['outlet'] for r in dev})} outlets."
    )


if __name__ == "__main__":
    main()
