"""A non-editable install works from another directory, and the README's commands are CI's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed (not editable) into a folder of its own, dependencies aside."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        cwd=target,
    )
    return target


def run_installed(installed: Path, code: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.slow  # installs the package
def test_installed_copy_is_the_one_imported(installed: Path, tmp_path: Path) -> None:
    where = run_installed(installed, "import stance; print(stance.__file__)", tmp_path)
    assert where.startswith(str(installed))


@pytest.mark.slow  # installs the package
def test_split_load_predict_from_another_directory(installed: Path, tmp_path: Path) -> None:
    code = (
        "import stance; print(stance.split_sentences('Hi. There')); "
        "m = stance.load(); "
        "print(m.predict(['British intelligence said Russia had lost momentum.'])); "
        "ds = stance.load_annotations(); print(len(ds), ds.features['label'].num_classes)"
    )
    lines = run_installed(installed, code, tmp_path).splitlines()
    assert lines[0] == "[Span(start=0, end=3, text='Hi.'), Span(start=4, end=9, text='There')]"
    assert lines[1] == "['western_intelligence']"
    assert lines[2].endswith(" 5") and int(lines[2].split()[0]) > 200


@pytest.mark.slow  # installs the package
def test_installed_model_is_verified_against_its_manifest(installed: Path, tmp_path: Path) -> None:
    weights = installed / "stance" / "_data" / "models" / "framing.weights.npz"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0x01
    weights.write_bytes(bytes(data))
    code = (
        "import stance\ntry:\n    stance.load()\nexcept stance.ModelFileError as e:\n"
        "    print('refused', 'SHA-256' in str(e))"
    )
    try:
        assert run_installed(installed, code, tmp_path) == "refused True"
    finally:
        data[-10] ^= 0x01
        weights.write_bytes(bytes(data))


@pytest.mark.slow  # installs the package
def test_the_install_builds_the_compiled_core(installed: Path, tmp_path: Path) -> None:
    if shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no C compiler: the install has the Python core only")
    code = "from stance import _core; print(_core.active()); print(_core.compiled().__file__)"
    core, where = run_installed(installed, code, tmp_path).splitlines()
    assert core == "compiled"
    assert where.startswith(str(installed / "stance" / "text" / "_compiled."))


@pytest.mark.slow  # installs the package
def test_an_installed_copys_workers_run_that_copy(installed: Path, tmp_path: Path) -> None:
    code = (
        "import os, stance\n"
        "from stance.batch import _workers\n"
        "from stance._paths import data_dir\n"
        "tasks = [(('models',), n) for n in range(12)]\n"
        "found = {str(p) for _, p in _workers.ordered_map(data_dir, tasks, 2)}\n"
        "pids = {p for _, p in _workers.ordered_map(os.getpid, [((), n) for n in range(12)], 2)}\n"
        "texts = ['Peskov said the talks had failed. He added nothing.'] * 40\n"
        "one = [r.row() for r in stance.label_articles(texts, jobs=1)]\n"
        "two = [r.row() for r in stance.label_articles(texts, jobs=2)]\n"
        "print(sorted(found)); print(len(pids), len(one), one == two)"
    )
    found, checks = run_installed(installed, code, tmp_path).splitlines()
    # the caller and its worker read the installed copy's data, not a checkout's
    assert found == repr([str(installed / "stance" / "_data" / "models")])
    assert checks == "2 80 True"


_NOT_SOURCE = (
    ".git", ".venv", "build", "dist", "*.egg-info", "*.so", "_compiled.c", "__pycache__",
    ".hypothesis", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".stance-cache", "out",
)  # fmt: skip


@pytest.mark.slow  # installs the package
def test_an_install_without_a_compiler_runs_on_the_python_core(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    target = tmp_path_factory.mktemp("site-no-cc")
    # A clean copy of the source: a checkout's build/ folder keeps the extension of an earlier
    # build, which setuptools would put into this install even though its compile failed.
    source = tmp_path_factory.mktemp("source") / "stance"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-v",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        cwd=target,
        env={**os.environ, "CC": "/bin/false", "LDSHARED": "/bin/false"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "the compiled reading core was not built" in done.stdout + done.stderr
    assert not list((target / "stance" / "text").glob("_compiled.*.so"))
    code = (
        "import stance; from stance import _core; print(_core.active()); "
        "print(stance.load().predict(['British intelligence said Russia had lost momentum.']))"
    )
    assert run_installed(target, code, tmp_path).splitlines() == [
        "python",
        "['western_intelligence']",
    ]
    env = {**os.environ, "PYTHONPATH": str(target)}
    version = subprocess.run(
        [sys.executable, "-m", "stance", "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "python core: the compiled core is not built" in version.stdout


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_has_the_two_commands_and_ci_runs_the_test_one() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    setup_and_run, test = commands
    assert "stance label seeds/" in setup_and_run and "stance compare" in setup_and_run
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == test
    # CI lints, checks the format and the types before it tests, and stops at the first finding.
    checks = [
        ".venv/bin/ruff check stance tests benchmarks",
        ".venv/bin/ruff format --check stance tests benchmarks",
        ".venv/bin/mypy stance",
        ".venv/bin/python -m pytest",
    ]
    assert test.split(" && ")[-len(checks) :] == checks
