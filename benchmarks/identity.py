"""Speed work must not move accuracy: compare this checkout's outputs with another revision's.

Runs the splitter, the gazetteer and the feature extractor of two revisions of stance (this
working tree, and ``--against REV`` exported with ``git archive``) over the same texts, each in
its own process, and reports every difference:

- sentence spans of the five seeds, of every passage of ``annotations/authored.jsonl`` and
  ``annotations/dev.jsonl`` joined by spaces and by line breaks, and of ``--fragments``
  news-like random strings (abbreviations, initials, numbers, quotes, ellipses, ?!);
- gazetteer mentions (offsets, actor, group, certainty) of every sentence of those articles;
- the feature names of every sentence of those articles, read in their article.

Identical features on every annotated sentence mean the shipped weights apply unchanged::

    .venv/bin/python benchmarks/identity.py --against fcf7b65

Exits 1 if anything differs. The old revision's splitter may need ``nltk`` (the test extra).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKENS = [
    "Mr",
    "Mr.",
    "U.S.",
    "p.m.",
    "a.m.",
    "8.21",
    "“",
    "”",
    '"',
    ".",
    "?",
    "!",
    "...",
    "…",
    "\n",
    " ",
    "  ",
    "Kyiv",
    "said",
    "Feb.",
    "1,000.5",
    "Видео",
    "’",
    "'",
    "(",
    ")",
    "e.g.",
    "i.e.",
    "No.",
    "Gen.",
    "Dr.",
    "he",
    "The",
    "asked",
    "St.",
    "J.",
    "R.",
    "Smith",
    "3.",
    "2022.",
    "Why",
    "?!",
    '?"',
    '."',
    ".”",
    "»",
    "«",
    "Oct.",
    "vs.",
    "etc.",
    "Inc.",
    "-",
    ":",
    ";",
    ",",
    "A",
    "a",
    "I",
    "war",
    "U.K.",
    "EU.",
    "Ukraine's",
    "[1]",
    "\t",
]


def passages(path: Path) -> list[list[str]]:
    docs: dict[str, list[tuple[int, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        docs.setdefault(record["doc"], []).append((record["idx"], record["text"]))
    return [[text for _idx, text in sorted(parts)] for parts in docs.values()]


def inputs(fragments: int) -> dict[str, Any]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    annotated = [
        *passages(ROOT / "annotations" / "authored.jsonl"),
        *passages(ROOT / "annotations" / "dev.jsonl"),
    ]
    rng = random.Random(1)
    noise = [
        "".join(
            rng.choice(TOKENS) + rng.choice(["", " ", " ", " "]) for _ in range(rng.randint(1, 40))
        )
        for _ in range(fragments)
    ]
    texts = [*seeds, *(" ".join(p) for p in annotated), *("\n".join(p) for p in annotated), *noise]
    return {"texts": texts, "seeds": seeds, "articles": annotated}


def outputs(data: dict[str, Any]) -> dict[str, Any]:
    """What the stance on sys.path makes of ``data`` (run in the child process)."""
    from stance.text._actors import load_gazetteer
    from stance.text._features import DEFAULT_GROUPS, featurize_article
    from stance.text._splitting import split_sentences

    splits = [[tuple(s) for s in split_sentences(t)] for t in data["texts"]]
    articles = [[s.text for s in split_sentences(t)] for t in data["seeds"]] + data["articles"]
    gazetteer = load_gazetteer()
    mentions = [
        [(m.start, m.end, m.text, m.actor.id, m.group, m.certain) for m in gazetteer.find(s)]
        for a in articles
        for s in a
    ]
    feats = [sorted(f) for a in articles for f in featurize_article(a, DEFAULT_GROUPS)]
    return {
        "splits": splits,
        "mentions": mentions,
        "features": feats,
        "sentences": [s for a in articles for s in a],
    }


def run(source: Path, data_file: Path, out_file: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(source)}
    subprocess.run(
        [sys.executable, __file__, "--child", str(data_file), str(out_file)],
        env=env,
        check=True,
        cwd=tempfile.gettempdir(),
    )


def export(revision: str, folder: Path) -> Path:
    archive = folder / "old.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), revision, "stance"],
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "old", filter="data")
    return folder / "old"


def differences(name: str, old: list[Any], new: list[Any], shown: list[Any]) -> int:
    count = 0
    for item, before, after in zip(shown, old, new, strict=True):
        if before != after:
            count += 1
            if count <= 3:
                print(
                    f"  {name} differs for {str(item)[:100]!r}:\n    before {before!r:.300}\n"
                    f"    after  {after!r:.300}"
                )
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="git revision to compare with")
    parser.add_argument(
        "--fragments",
        type=int,
        default=30_000,
        help="random news-like strings for the splitter (default 30,000)",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        data = pickle.loads(Path(args.child[0]).read_bytes())
        Path(args.child[1]).write_bytes(pickle.dumps(outputs(data)))
        return 0
    with tempfile.TemporaryDirectory(prefix="stance-identity-") as name:
        folder = Path(name)
        data_file = folder / "inputs.pickle"
        data_file.write_bytes(pickle.dumps(inputs(args.fragments)))
        run(export(args.against, folder), data_file, folder / "old.pickle")
        run(ROOT, data_file, folder / "new.pickle")
        old = pickle.loads((folder / "old.pickle").read_bytes())
        new = pickle.loads((folder / "new.pickle").read_bytes())
        texts = pickle.loads(data_file.read_bytes())["texts"]
    counts = {
        "split": differences("split", old["splits"], new["splits"], texts),
        "mentions": differences("mentions", old["mentions"], new["mentions"], old["sentences"]),
        "features": differences("features", old["features"], new["features"], old["sentences"]),
    }
    totals = {
        "split": len(texts),
        "mentions": len(old["sentences"]),
        "features": len(old["sentences"]),
    }
    for key, count in counts.items():
        print(f"{key}: {count} of {totals[key]:,} differ (against {args.against})")
    return 1 if any(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
