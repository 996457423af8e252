"""Build of stance's compiled reading core (``stance/text/_compiled.pyx``, with Cython).

Everything else is declared in ``pyproject.toml``. The extension is optional: without a C
compiler, the Python headers or Cython, ``pip install .`` still installs the pure-Python
package, prints why the compiled core was not built, and stance reads text with its Python
reference (``stance --version`` says which core is in use).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SOURCE = Path("stance") / "text" / "_compiled.pyx"
NOT_BUILT = (
    "stance: the compiled reading core was not built ({reason}); stance is installed with its "
    "Python reference core, which gives the same labels more slowly. To build it, install a C "
    "compiler and the Python headers (e.g. apt-get install gcc python3-dev) and reinstall."
)


def _warn(reason: str) -> None:
    print("\n" + NOT_BUILT.format(reason=reason) + "\n", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that reports a failed compile instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as err:  # no compiler at all: distutils raises before any extension
            _warn(f"{type(err).__name__}: {err}")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as err:
            _warn(f"{type(err).__name__}: {err}")


def extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize
    except ImportError:
        _warn("Cython is not available at build time")
        return []
    # The source's digest goes into the binary, so that a checkout can tell a stale build.
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    extension = Extension(
        "stance.text._compiled",
        [str(SOURCE)],
        define_macros=[("STANCE_SOURCE_SHA256", f'"{digest}"')],
        extra_compile_args=["-O2"],
    )
    try:
        return cythonize(
            [extension],
            language_level=3,
            compiler_directives={
                "boundscheck": False,
                "wraparound": False,
                "cdivision": True,
                "initializedcheck": False,
            },
            quiet=True,
        )
    except Exception as err:  # a Cython that cannot translate this source
        _warn(f"Cython failed: {type(err).__name__}: {err}")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
