"""Speed of stance against the peers a user would pick instead, measured in one run.

A corpus is built from the seed articles: their sentences (split by stance) reshuffled to
``--sentences`` sentences and joined, one sentence a line, into articles of 30 sentences,
written as a JSON Lines file of articles. Every measurement runs in a fresh subprocess with
OMP/OPENBLAS/MKL threads set to 1, ``--runs`` times, in rounds (one run of each measurement
per round, so that a ratio's two sides see the same stretches of a shared machine); the table
shows medians, and for the jobs=2 ratios also the median of the rounds' own ratios.

1. ``Model.predict_proba`` throughput (sentences/s, in article context, batches of 32
   articles) on the shipped model;
2. end-to-end labelling (split + features + predict + rows): ``stance.label_articles`` with
   jobs=1 and jobs=2 (articles streamed from the JSONL file), and ``stance label -j 1``
   writing JSON Lines (process wall time, start-up included); and two jobs=1 processes run at
   once, independent: what this machine gives two processes, the ceiling of jobs=2;
3. cold start: ``import stance`` plus the first prediction of one sentence in a new process
   (with bytecode written first, as `pip install` does);
4. peak RSS (VmHWM) while streaming the corpus through ``label_articles`` (jobs=1), at 10%
   and at 100% of the stream, and the model files' sizes;
5. peers trained on the same annotations (seeds + authored), one core: scikit-learn
   ``TfidfVectorizer(ngram_range=(1, 2))`` + ``LogisticRegression`` and fastText supervised
   (``wordNgrams=2``), classifying the same sentences.

Prints a table (with the ratios stance/peer) and writes JSON::

    .venv/bin/python benchmarks/bench.py                 # full: 200,000 sentences, 5 runs
    .venv/bin/python benchmarks/bench.py --quick --runs 1   # ~5,000 sentences, smoke test
    .venv/bin/python benchmarks/bench.py --profile       # cProfile of label_articles, by function
    .venv/bin/python benchmarks/bench.py --steps         # each step alone, CPU µs per sentence

Each of stance's measurements (1-4) is made for each reading core (``--cores``, default
``compiled,python`` when the compiled core is built): the child processes get
``STANCE_CORE``, and report the core they used. The peers are measured once.

A row for Spark is added from ``benchmarks/results/spark.json`` when that file exists.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEEDS = ROOT / "seeds"
ARTICLE_SENTENCES = 30
BATCH_ARTICLES = 32
FULL_SENTENCES = 200_000
QUICK_SENTENCES = 5_000
ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    )
}
COLD_START = """\
import os, time
started = time.perf_counter()
import stance
stance.load().predict_proba(["British intelligence said Russia had lost momentum."])
print(time.perf_counter() - started)
from stance import _core
assert _core.active() == (os.environ.get("STANCE_CORE") or _core.active()), _core.describe()
"""
# Figures whose best run is shown beside the median (the machine is shared: load moves them).
BEST = {
    "predict_proba": "predict_proba",
    "label_jobs1": "label_articles_jobs1",
    "label_jobs2": "label_articles_jobs2",
    "label_jobs2_cold_pool": "label_articles_jobs2_cold_pool",
    "cli_jobs1": "cli_jobs1",
    "tfidf": "tfidf_lr",
    "fasttext": "fasttext",
    "python_floor": "python_floor",
}
# The targets: (result key, comparison, bound or peer key, description).
TARGETS: list[tuple[str, str, Any, str]] = [
    ("predict_proba_sps", ">=", "fasttext_sps", "classification >= fastText, one core (goal)"),
    ("predict_proba_vs_fasttext", ">=", 0.5, "classification >= 0.5 x fastText (floor)"),
    ("label_jobs1_sps", ">=", 60_000, "end-to-end labelling >= 60,000 sentences/s"),
    ("cli_vs_label", ">=", 0.8, "stance label CLI within 20% of label_articles"),
    ("jobs2_speedup", ">=", 1.8, "2 jobs >= 1.8 x 1 job"),
    ("cold_start_s", "<", 0.3, "import stance + first prediction < 0.3 s"),
    ("peak_rss_mb", "<", 200, "peak RSS < 200 MB while streaming"),
    ("model_weights_mb", "<", 10, "model file < 10 MB"),
]


# -- the corpus ---------------------------------------------------------------------------


def seed_sentences() -> list[str]:
    """Every sentence of the seed articles, as stance splits them."""
    from stance.text._splitting import split_sentences

    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    return [span.text for text in texts for span in split_sentences(text)]


def reshuffled(sentences: list[str], n: int, seed: int = 0) -> list[str]:
    """``n`` sentences: the seeds' sentences, each round in a fresh random order."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        round_ = sentences[:]
        rng.shuffle(round_)
        out.extend(round_)
    return out[:n]


def write_corpus(path: Path, n: int) -> dict[str, int]:
    """Write articles of 30 reshuffled seed sentences (one a line) as JSON Lines."""
    sentences = reshuffled(seed_sentences(), n)
    with path.open("w", encoding="utf-8") as handle:
        for number, first in enumerate(range(0, len(sentences), ARTICLE_SENTENCES)):
            text = "\n".join(sentences[first : first + ARTICLE_SENTENCES])
            record = {"id": f"a{number}", "text": text, "outlet": "bench", "date": "2022-03-01"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {
        "sentences": len(sentences),
        "articles": -(-len(sentences) // ARTICLE_SENTENCES),
        "seed_sentences": len(set(sentences)),
    }


def stream_articles(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def corpus_sentences(path: Path) -> tuple[list[str], list[int]]:
    """The corpus's sentences and their article numbers (one sentence a line)."""
    sentences: list[str] = []
    docs: list[int] = []
    for number, article in enumerate(stream_articles(path)):
        lines = article["text"].split("\n")
        sentences.extend(lines)
        docs.extend([number] * len(lines))
    return sentences, docs


def training_data() -> tuple[list[str], list[str]]:
    """Texts and labels of the shipped annotations the model was trained on (seeds+authored)."""
    from stance.annotate._records import read_annotations, shipped_path

    records = [
        record for name in ("seeds", "authored") for record in read_annotations(shipped_path(name))
    ]
    return [r["text"] for r in records], [r["label"] for r in records]


# -- measurements, each run in a child process ----------------------------------------------


def timed(work: Callable[[], int]) -> dict[str, Any]:
    started = time.perf_counter()
    n = work()
    seconds = time.perf_counter() - started
    from stance import _core

    return {"seconds": seconds, "n": n, "core": _core.active()}


def peak_rss_mb() -> float:
    """The process's peak resident set size so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_predict(corpus: Path) -> dict[str, Any]:
    import stance

    sentences, docs = corpus_sentences(corpus)
    model = stance.load()
    model.predict_proba(sentences[:ARTICLE_SENTENCES], doc_ids=docs[:ARTICLE_SENTENCES])
    step = ARTICLE_SENTENCES * BATCH_ARTICLES

    def work() -> int:
        for first in range(0, len(sentences), step):
            model.predict_proba(sentences[first : first + step], doc_ids=docs[first : first + step])
        return len(sentences)

    return timed(work)


def child_label(corpus: Path, jobs: int, warm_pool: bool = True) -> dict[str, Any]:
    """``label_articles`` over the corpus. Like jobs=1, which is timed after its model is
    loaded, jobs=2 is timed after its worker has started and loaded its own (stance keeps
    the pool between calls), unless ``warm_pool`` is False: then the clock also runs while
    the pool starts."""
    from itertools import islice

    import stance
    from stance.batch._labelling import BATCH_ARTICLES
    from stance.batch._workers import IN_FLIGHT_PER_JOB

    model = stance.load()
    list(stance.label_articles([next(stream_articles(corpus))], model=model))
    warm_up = 0.0
    if jobs > 1 and warm_pool:
        started = time.perf_counter()
        # More batches than the workers take ahead, so that every worker is given some and
        # loads its model before the clock starts.
        warm = BATCH_ARTICLES * (IN_FLIGHT_PER_JOB + 1) * jobs * 2
        list(stance.label_articles(islice(stream_articles(corpus), warm), jobs=jobs, model=model))
        warm_up = time.perf_counter() - started
    with corpus.open(encoding="utf-8") as handle:
        total = sum(1 for _ in handle)
    marks: dict[str, float] = {"start": peak_rss_mb()}

    def work() -> int:
        n = 0
        for article_no, _row in enumerate_articles(
            stance.label_articles(stream_articles(corpus), jobs=jobs, model=model)
        ):
            n += 1
            if "10%" not in marks and article_no >= total // 10:
                marks["10%"] = peak_rss_mb()
        return n

    cpu = time.process_time()
    result = timed(work)
    marks["100%"] = peak_rss_mb()
    return {
        **result,
        "rss_mb": marks,
        "pool_warm_up_s": warm_up,
        "caller_cpu_s": time.process_time() - cpu,
    }


def child_floor(corpus: Path) -> dict[str, Any]:
    """The least work any pure-Python word n-gram classifier does per sentence: lower-case,
    one regular expression for the words, and a dictionary lookup for each unigram and each
    bigram, mapped in C (no feature names built, no splitting, no sums, no rows). The
    vocabulary is the shipped model's n-grams. A bound, not a product: what CPython alone
    allows on this machine."""
    import re
    from itertools import pairwise

    import stance

    sentences, _docs = corpus_sentences(corpus)
    names = stance.load()._names
    unigrams = {name[2:]: i for i, name in enumerate(names) if name.startswith("w:")}
    bigrams = {
        tuple(name[2:].split(" ", 1)): i for i, name in enumerate(names) if name.startswith("b:")
    }
    word = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")  # the words of stance's n-grams

    def work() -> int:
        found = 0
        for sentence in sentences:
            words = word.findall(sentence.lower())
            ids = [i for i in map(unigrams.get, words) if i is not None]
            ids += [i for i in map(bigrams.get, pairwise(words)) if i is not None]
            found += len(ids)
        return len(sentences)

    work()
    return timed(work)


def enumerate_articles(rows: Iterator[Any]) -> Iterator[tuple[int, Any]]:
    """(article number, row) for rows of consecutive articles."""
    number, last = -1, None
    for row in rows:
        if row.article_id != last:
            number, last = number + 1, row.article_id
        yield number, row


def child_tfidf(corpus: Path) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, labels = training_data()
    pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=2000))
    pipeline.fit(texts, labels)
    sentences, _docs = corpus_sentences(corpus)
    pipeline.predict_proba(sentences[:100])
    return timed(lambda: len(pipeline.predict_proba(sentences)))


def child_fasttext(corpus: Path) -> dict[str, Any]:
    import fasttext

    texts, labels = training_data()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        for text, label in zip(texts, labels):
            handle.write(f"__label__{label} {' '.join(text.split())}\n")
    try:
        model = fasttext.train_supervised(handle.name, wordNgrams=2, thread=1, verbose=0, seed=0)
    finally:
        os.unlink(handle.name)
    sentences, _docs = corpus_sentences(corpus)
    model.predict(sentences[:100], k=1)
    return timed(lambda: len(model.predict(sentences, k=1)[0]))


def child_profile(corpus: Path, top: int = 30) -> dict[str, Any]:
    """cProfile of label_articles over the corpus: self time by function, in percent."""
    import cProfile
    import pstats

    import stance

    model = stance.load()
    list(stance.label_articles([next(stream_articles(corpus))], model=model))
    profile = cProfile.Profile()
    profile.enable()
    n = sum(1 for _ in stance.label_articles(stream_articles(corpus), model=model))
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in stats.values())
    rows = sorted(((entry[2], entry[3], func) for func, entry in stats.items()), reverse=True)
    return {
        "sentences": n,
        "total_s": total,
        "functions": [
            {
                "function": f"{Path(f[0]).name}:{f[1]}({f[2]})",
                "self_pct": 100 * own / total,
                "cum_pct": 100 * cum / total,
            }
            for own, cum, f in rows[:top]
        ],
    }


def child_steps(corpus: Path, repeats: int = 5) -> dict[str, Any]:
    """Each step of the labelling path timed alone over the corpus with the active core (CPU
    time of this process, median of ``repeats``), in microseconds per sentence."""
    import stance
    from stance import _core
    from stance.batch import _labelling as batch
    from stance.text._actors import load_gazetteer
    from stance.text._attribution import Attributor
    from stance.text._splitting import split_bounded

    texts = [article["text"] for article in stream_articles(corpus)]
    sentences, docs = corpus_sentences(corpus)
    articles = [text.split("\n") for text in texts]
    model, gazetteer = stance.load(), load_gazetteer()
    records = [batch.Article(str(n), text) for n, text in enumerate(texts)]
    size = ARTICLE_SENTENCES * BATCH_ARTICLES

    def per_batch(step: Callable[[list[Any]], Any], items: list[Any], n: int) -> Callable[[], None]:
        return lambda: [step(items[i : i + n]) for i in range(0, len(items), n)]

    steps: dict[str, Callable[[], Any]]
    compiled = _core.compiled() if _core.active() == "compiled" else None
    if compiled is not None:
        reader = compiled.Reader(model._names, model.feature_groups)
        bounds = [
            (a, min(a + ARTICLE_SENTENCES, len(sentences)))
            for a in range(0, len(sentences), ARTICLE_SENTENCES)
        ]
        steps = {
            "split (split_spans)": lambda: [compiled.split_spans(t, 1000) for t in texts],
            "gazetteer (Reader.find)": lambda: [reader.find(s) for s in sentences],
            "reading: words, gazetteer, attribution, voice, document, rows, sums (Reader.read)": (
                lambda: reader.read(sentences, bounds, [None] * len(bounds), model._fixed)
            ),
        }
    else:
        mentions = [gazetteer.find(s) for s in sentences]

        def attribution() -> None:
            position = 0
            for article in articles:
                attributor = Attributor(gazetteer)
                for sentence in article:
                    attributor.step(sentence, mentions[position])
                    position += 1

        steps = {
            "split (split_bounded)": lambda: [list(split_bounded(t, 1000)) for t in texts],
            "gazetteer (Gazetteer.find)": lambda: [gazetteer.find(s) for s in sentences],
            "attribution (Attributor.step, mentions given)": attribution,
            "features (Model.featurize, in context)": lambda: model.featurize(sentences, docs),
        }
    steps["predict_proba (reading + both stages + softmax)"] = per_batch(
        lambda b: model.predict_proba(b, doc_ids=[i // ARTICLE_SENTENCES for i in range(len(b))]),
        sentences,
        size,
    )
    steps["label_rows (split + reading + scores + cues + rows)"] = per_batch(
        lambda b: batch.label_rows(model, b), records, BATCH_ARTICLES
    )
    result = {}
    for name, step in steps.items():
        step()  # warm: caches, first-use compiles
        times = []
        for _ in range(repeats):
            started = time.process_time()
            step()
            times.append(time.process_time() - started)
        result[name] = 1e6 * statistics.median(times) / len(sentences)
    return {
        "sentences": len(sentences),
        "repeats": repeats,
        "core": _core.active(),
        "us_per_sentence": result,
    }


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "predict": child_predict,
    "label1": lambda corpus: child_label(corpus, 1),
    "label2": lambda corpus: child_label(corpus, 2),
    "label2cold": lambda corpus: child_label(corpus, 2, warm_pool=False),
    "floor": child_floor,
    "tfidf": child_tfidf,
    "fasttext": child_fasttext,
    "profile": child_profile,
    "steps": child_steps,
}


# -- the parent: fresh processes, medians, the table ------------------------------------------


def child_env(core: str | None = None) -> dict[str, str]:
    # Bytecode as an installed package has it (pip compiles at install time): a shell with
    # PYTHONDONTWRITEBYTECODE=1 would otherwise recompile stance's sources at every start.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env = {**env, **ONE_THREAD, "PYTHONPATH": str(ROOT)}
    if core is not None:
        env["STANCE_CORE"] = core
    return env


def child_command(kind: str, corpus: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(corpus)]


def run_child(kind: str, corpus: Path, core: str | None = None) -> dict[str, Any]:
    command = child_command(kind, corpus)
    done = subprocess.run(command, env=child_env(core), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench child {kind} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if core is not None and result.get("core", core) != core:
        raise RuntimeError(f"bench child {kind} read with the {result['core']} core, not {core}")
    return result


def run_pair(kind: str, corpus: Path, core: str | None = None) -> dict[str, Any]:
    """Two children of ``kind`` at once, as independent processes: what this machine gives
    two processes that share nothing, the ceiling of any jobs=2. Its seconds are the slower's."""
    command = child_command(kind, corpus)
    children = [
        subprocess.Popen(
            command, env=child_env(core), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = []
    for child in children:
        out, err = child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"bench child {kind} (one of a pair) failed:\n{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {"seconds": max(r["seconds"] for r in results), "n": sum(r["n"] for r in results)}


def run_wall(command: list[str], core: str | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(command, env=child_env(core), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    return {"seconds": wall, "stdout": done.stdout.strip()}


def cli_run(corpus: Path, jobs: int, core: str | None = None) -> dict[str, Any]:
    stance_cli = Path(sys.executable).with_name("stance")
    output = corpus.with_name(f"labelled-j{jobs}.jsonl")
    wall = run_wall(
        [
            str(stance_cli),
            "label",
            str(corpus),
            "-o",
            str(output),
            "-j",
            str(jobs),
            "-q",
            "--overwrite",
        ],
        core,
    )
    rows = sum(1 for _ in output.open(encoding="utf-8"))
    output.unlink()
    return {"seconds": wall["seconds"], "n": rows}


def cold_run(core: str | None = None) -> dict[str, Any]:
    wall = run_wall([sys.executable, "-c", COLD_START], core)
    return {"seconds": float(wall["stdout"].splitlines()[-1]), "process_wall_s": wall["seconds"]}


def summary_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians (and the best) of one measurement's runs."""
    median = statistics.median(r["seconds"] for r in results)
    summary: dict[str, Any] = {"median_s": median, "runs_s": [r["seconds"] for r in results]}
    if "n" in results[0]:
        summary["n"] = results[0]["n"]
        summary["sps"] = results[0]["n"] / median
        summary["best_sps"] = results[0]["n"] / min(r["seconds"] for r in results)
    if "rss_mb" in results[0]:
        summary["rss_mb"] = {k: max(r["rss_mb"][k] for r in results) for k in results[0]["rss_mb"]}
    for key in ("pool_warm_up_s", "caller_cpu_s"):
        if key in results[0]:
            summary[f"{key[:-2]}_median_s"] = statistics.median(r[key] for r in results)
    if "process_wall_s" in results[0]:
        summary["process_wall_median_s"] = statistics.median(r["process_wall_s"] for r in results)
    return summary


def interleaved(
    runs: int, plan: list[tuple[str, Callable[[], dict[str, Any]]]]
) -> dict[str, dict[str, Any]]:
    """Each measurement of ``plan`` ``runs`` times, in rounds: one run of each per round.

    A shared machine's speed drifts over minutes. Run one measurement's five times in a row
    and the next's after, and a drift between them lands in their ratio (jobs=2 / jobs=1,
    stance / fastText); in rounds, each ratio's two sides see the same stretches.
    """
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in plan}
    for number in range(runs):
        for name, once in plan:
            results[name].append(once())
            print(
                f"  {name} run {number + 1}/{runs}: {results[name][-1]['seconds']:.2f} s",
                file=sys.stderr,
                flush=True,
            )
    return {name: summary_of(found) for name, found in results.items()}


def paired_ratio(faster: dict[str, Any], slower: dict[str, Any]) -> float:
    """The median over rounds of one round's throughput ratio (the runs of a round were
    made one after the other, so each ratio compares like with like)."""
    return statistics.median(
        (faster["n"] / fast) / (slower["n"] / slow)
        for fast, slow in zip(faster["runs_s"], slower["runs_s"])
    )


def has_fasttext() -> bool:
    import importlib.util

    return importlib.util.find_spec("fasttext") is not None


def available_cores() -> list[str]:
    """The cores this checkout can measure: the compiled one when it is built, the Python one."""
    done = subprocess.run(
        [sys.executable, "-c", "from stance import _core; print(_core.compiled() is not None)"],
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return ["compiled", "python"] if done.stdout.strip() == "True" else ["python"]


def measure(
    corpus: Path, runs: int, cores: list[str]
) -> tuple[dict[str, dict[str, Any] | None], dict[str, dict[str, dict[str, Any]]]]:
    """Every measurement's runs: the peers' (fastText's is None when it is not installed),
    and stance's for each core."""
    peers: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("tfidf_lr", lambda: run_child("tfidf", corpus)),
        ("fasttext", lambda: run_child("fasttext", corpus)),
        ("python_floor", lambda: run_child("floor", corpus)),
    ]
    if not has_fasttext():
        print(
            "fastText is not installed (pip install fasttext): its peer row is left out",
            file=sys.stderr,
        )
        peers = [(name, once) for name, once in peers if name != "fasttext"]
    cold_run()  # writes the bytecode of the checkout, as `pip install` would have
    plan = list(peers)
    for core in cores:
        plan += [
            (f"{core} predict_proba", lambda core=core: run_child("predict", corpus, core)),
            (f"{core} label_articles_jobs1", lambda core=core: run_child("label1", corpus, core)),
            (
                f"{core} label_articles_jobs1_pair",
                lambda core=core: run_pair("label1", corpus, core),
            ),
            (f"{core} label_articles_jobs2", lambda core=core: run_child("label2", corpus, core)),
            (
                f"{core} label_articles_jobs2_cold_pool",
                lambda core=core: run_child("label2cold", corpus, core),
            ),
            (f"{core} cli_jobs1", lambda core=core: cli_run(corpus, 1, core)),
            (f"{core} cold_start", lambda core=core: cold_run(core)),
        ]
    measured = interleaved(runs, plan)
    shared: dict[str, dict[str, Any] | None] = {"fasttext": None}
    shared.update({name: measured[name] for name, _ in peers})
    by_core = {
        core: {
            name.split(" ", 1)[1]: summary
            for name, summary in measured.items()
            if name.startswith(f"{core} ")
        }
        for core in cores
    }
    return shared, by_core


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(mem) / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {
            name: installed_version(name)
            for name in ("numpy", "scikit-learn", "fasttext", "nltk", "joblib")
        },
    }


def installed_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def model_files() -> dict[str, Any]:
    from stance.model._files import default_model_dir

    folder = default_model_dir()
    manifest = json.loads((folder / "manifest.json").read_text())
    sizes = {
        p.name: p.stat().st_size
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith("__")
    }
    return {
        "dir": str(folder),
        "bytes": sizes,
        "trained": manifest.get("training", {}).get("date"),
        "weights_sha256": manifest["files"]["framing.weights.npz"]["sha256"],
    }


def figures(
    raw: dict[str, dict[str, Any] | None], files: dict[str, Any]
) -> dict[str, float | None]:
    """The headline numbers, one per target or ratio (None: fastText not installed)."""
    fasttext = raw["fasttext"]
    out: dict[str, float | None] = {
        "predict_proba_sps": raw["predict_proba"]["sps"],
        "tfidf_sps": raw["tfidf_lr"]["sps"],
        "fasttext_sps": fasttext["sps"] if fasttext else None,
        "label_jobs1_sps": raw["label_articles_jobs1"]["sps"],
        "label_jobs2_sps": raw["label_articles_jobs2"]["sps"],
        "label_jobs2_cold_pool_sps": raw["label_articles_jobs2_cold_pool"]["sps"],
        "python_floor_sps": raw["python_floor"]["sps"],
        "cli_jobs1_sps": raw["cli_jobs1"]["sps"],
        "cold_start_s": raw["cold_start"]["median_s"],
        "cold_start_process_s": raw["cold_start"]["process_wall_median_s"],
        "peak_rss_mb": raw["label_articles_jobs1"]["rss_mb"]["100%"],
        "peak_rss_10pct_mb": raw["label_articles_jobs1"]["rss_mb"]["10%"],
        "model_weights_mb": files["bytes"]["framing.weights.npz"] / 1e6,
        "model_estimator_mb": files["bytes"]["framing.joblib"] / 1e6,
    }
    out["predict_proba_vs_fasttext"] = (
        raw["predict_proba"]["sps"] / fasttext["sps"] if fasttext else None
    )
    out["cli_vs_label"] = raw["cli_jobs1"]["sps"] / raw["label_articles_jobs1"]["sps"]
    out["jobs2_speedup"] = raw["label_articles_jobs2"]["sps"] / raw["label_articles_jobs1"]["sps"]
    out["jobs2_speedup_paired"] = paired_ratio(
        raw["label_articles_jobs2"], raw["label_articles_jobs1"]
    )
    out["pair_speedup_paired"] = paired_ratio(
        raw["label_articles_jobs1_pair"], raw["label_articles_jobs1"]
    )
    out["pair_speedup"] = (
        raw["label_articles_jobs1_pair"]["sps"] / raw["label_articles_jobs1"]["sps"]
    )
    out["jobs2_cold_pool_speedup"] = (
        raw["label_articles_jobs2_cold_pool"]["sps"] / raw["label_articles_jobs1"]["sps"]
    )
    out.update(
        {
            f"{key}_best_sps": measured["best_sps"] if (measured := raw[name]) else None
            for key, name in BEST.items()
        }
    )
    return out


def verdicts(fig: dict[str, float | None]) -> list[dict[str, Any]]:
    """Each target met (True), missed (False) or not measured (None: no fastText)."""
    out = []
    for key, op, bound, text in TARGETS:
        limit = fig[bound] if isinstance(bound, str) else bound
        value = fig[key]
        met = (
            None
            if limit is None or value is None
            else bool(value >= limit if op == ">=" else value < limit)
        )
        out.append({"target": text, "figure": value, "bound": limit, "met": met})
    return out


def spark_row() -> dict[str, Any] | None:
    path = RESULTS / "spark.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text().strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return None


def table(fig: dict[str, Any], spark: dict[str, Any] | None) -> str:
    tf, ft = fig["tfidf_sps"], fig["fasttext_sps"]

    def speed(name: str, value: float, best: float | None = None) -> str:
        shown = f"{value:,.0f}" + (f" (best {best:,.0f})" if best else "")
        versus_ft = f"{value / ft:.3f}" if ft else "n/a"
        return f"| {name} | {shown} sentences/s | {value / tf:.3f} | {versus_ft} |"

    def measured(name: str, key: str) -> str:
        return speed(name, fig[f"{key}_sps"], fig[f"{key}_best_sps"])

    lines = [
        "| measure | figure | stance / TF-IDF+LR | stance / fastText |",
        "|---|---:|---:|---:|",
        measured("`Model.predict_proba`, 1 core", "predict_proba"),
        measured("`label_articles`, jobs=1", "label_jobs1"),
        measured("`label_articles`, jobs=2 (workers started before the clock)", "label_jobs2"),
        measured(
            "`label_articles`, jobs=2, workers started inside the timing", "label_jobs2_cold_pool"
        ),
        measured("`stance label -j 1` → JSONL (wall, start-up incl.)", "cli_jobs1"),
        f"| `stance label` / `label_articles` | {fig['cli_vs_label']:.2f} × | | |",
        f"| jobs=2 / jobs=1 | {fig['jobs2_speedup']:.2f} × (round by round: "
        f"{fig['jobs2_speedup_paired']:.2f} ×; workers' start-up timed too: "
        f"{fig['jobs2_cold_pool_speedup']:.2f} ×) | | |",
        f"| two jobs=1 processes at once / one (this machine's ceiling for jobs=2) | "
        f"{fig['pair_speedup']:.2f} × (round by round: {fig['pair_speedup_paired']:.2f} ×) | | |",
        f"| peer: TF-IDF(1,2) + LogisticRegression, 1 core | {tf:,.0f} "
        f"(best {fig['tfidf_best_sps']:,.0f}) sentences/s | 1 | |",
        f"| peer: fastText supervised wordNgrams=2, k=1, 1 core | {ft:,.0f} "
        f"(best {fig['fasttext_best_sps']:,.0f}) sentences/s | | 1 |"
        if ft
        else "| peer: fastText supervised wordNgrams=2, k=1, 1 core | not installed "
        "(`pip install fasttext`) | | n/a |",
        measured(
            "bound: pure-Python n-gram lookup alone (lower, word regex, dict per "
            "unigram and bigram), 1 core",
            "python_floor",
        ),
        f"| cold start: `import stance` + 1st prediction | {fig['cold_start_s']:.3f} s "
        f"(process {fig['cold_start_process_s']:.3f} s) | | |",
        f"| peak RSS streaming, at 10% / 100% | {fig['peak_rss_10pct_mb']:.0f} MB / "
        f"{fig['peak_rss_mb']:.0f} MB | | |",
        f"| model files: weights / sklearn estimator | {fig['model_weights_mb']:.2f} MB / "
        f"{fig['model_estimator_mb']:.2f} MB | | |",
    ]
    if spark is not None and "spark_local2_warm_sps" in spark:
        lines.append(
            speed(
                "Spark local[2] warm (results/spark.json, own corpus)",
                float(spark["spark_local2_warm_sps"]),
            )
        )
    return "\n".join(lines)


def steps_table(steps: dict[str, Any]) -> str:
    lines = [
        f"{steps['sentences']:,} sentences, CPU time, median of {steps['repeats']}",
        "",
        "| step | µs per sentence | alone, sentences/s |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {name} | {us:.1f} | {1e6 / us:,.0f} |" for name, us in steps["us_per_sentence"].items()
    ]
    return "\n".join(lines)


def verdict_lines(checks: list[dict[str, Any]]) -> str:
    def line(check: dict[str, Any]) -> str:
        if check["met"] is None:
            return f"- not measured: {check['target']} (fastText is not installed)"
        return (
            f"- {'met   ' if check['met'] else 'MISSED'} {check['target']}: "
            f"{check['figure']:,.3f} (bound {check['bound']:,.3f})"
        )

    return "\n".join(map(line, checks))


# -- entry points ---------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sentences",
        type=int,
        default=None,
        help=f"corpus size (default {FULL_SENTENCES:,}; --quick: {QUICK_SENTENCES:,})",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--quick", action="store_true", help="a ~5,000-sentence smoke run")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON file (default results/bench.json; --quick: bench-quick.json)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of label_articles on the corpus and exit",
    )
    parser.add_argument(
        "--steps",
        action="store_true",
        help="time each step of the labelling path alone (CPU µs per sentence, "
        "median of 5) and exit",
    )
    parser.add_argument(
        "--cores",
        default=None,
        help="reading cores to measure, comma-separated (default: compiled,python when the "
        "compiled core is built; --steps and --profile use the first)",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "CORPUS"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](Path(args.child[1]))))
        return 0
    n = args.sentences or (QUICK_SENTENCES if args.quick else FULL_SENTENCES)
    output = args.output or RESULTS / ("bench-quick.json" if args.quick else "bench.json")
    with tempfile.TemporaryDirectory(prefix="stance-bench-") as folder:
        corpus = Path(folder) / "corpus.jsonl"
        info = write_corpus(corpus, n)
        cores = args.cores.split(",") if args.cores else available_cores()
        if args.profile:
            print(json.dumps(run_child("profile", corpus, cores[0]), indent=1))
            return 0
        if args.steps:
            print(steps_table(run_child("steps", corpus, cores[0])))
            return 0
        load_before = os.getloadavg()
        started = time.perf_counter()
        model_before = model_files()["weights_sha256"]
        shared, by_core = measure(corpus, args.runs, cores)
        load_after = os.getloadavg()
    files = model_files()
    files["changed_during_run"] = files["weights_sha256"] != model_before
    if files["changed_during_run"]:
        print("warning: the model was retrained during the run; run again", file=sys.stderr)
    results = {}
    for core, measured in by_core.items():
        raw = {**shared, **measured}
        fig = figures(raw, files)
        results[core] = {"figures": fig, "targets": verdicts(fig), "measurements": raw}
    first = results[cores[0]]
    spark = spark_row()
    report = {
        "command": " ".join(["benchmarks/bench.py", *sys.argv[1:]]),
        "corpus": info,
        "runs": args.runs,
        "machine": machine(),
        "model": files,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "elapsed_s": time.perf_counter() - started,
        "cores_measured": cores,
        # The first core's figures (the compiled one when it is built); each core's below.
        "figures": first["figures"],
        "targets": first["targets"],
        "measurements": first["measurements"],
        "cores": results,
        "spark": spark,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    for core, result in results.items():
        print(f"\n## {core} core\n")
        print(table(result["figures"], spark))
        print(verdict_lines(result["targets"]))
    print(
        f"load average before/after (1, 5, 15 min): {load_before} / {load_after}; written {output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
