"""Optional build hook: a wheel whose billing engine is compiled with mypyc.

Off by default: ``pip install .`` builds the usual pure-Python wheel. With
``OCPI_HARNESS_COMPILE=1`` in the environment, the wheel build compiles the modules of
``harness/billing`` (except those in ``INTERPRETED``) to C extensions with mypyc, the way black
and mypy ship themselves, and the wheel carries both the extensions and the sources. The billing
engine then prices about 1.5x faster (1.4-1.5x fewer instructions per CDR); see
``bench/billing.py``. It needs a C compiler and the Python headers: with ``=1`` their absence
fails the build; with ``=auto`` (what ``tox -e compiled`` uses) it builds the pure wheel with a
warning instead.

The source tree is left untouched: mypyc's C files, objects and extensions go to a temporary
directory, so a checkout never imports a stale extension in place of the code it shows. For the
same reason an editable install is never compiled.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ENV = "OCPI_HARNESS_COMPILE"
PACKAGE = "harness/billing"
# Left interpreted: the package inits; the CLI, rendering and exercise analysis (not on the
# pricing path, and exercise is imported lazily).
INTERPRETED = frozenset(
    {
        "harness/billing/__init__.py",
        "harness/billing/adapters/__init__.py",
        "harness/billing/cli.py",
        "harness/billing/render.py",
        "harness/billing/exercise.py",
        "harness/billing/features.py",
    }
)
REQUIRES = ["mypy>=1.11,<3", "setuptools>=69"]

_SETUP = """\
import sys
from setuptools import setup
from mypyc.build import mypycify

paths = sys.argv[sys.argv.index("--") + 1 :]
del sys.argv[sys.argv.index("--") :]
setup(
    name="ocpi-harness-billing",
    ext_modules=mypycify(paths, opt_level="3", group_name="ocpi_harness_billing"),
)
"""


def mode() -> str:
    """``on``, ``auto`` (compile when a C toolchain is there) or ``off``, from ``ENV``."""
    value = os.environ.get(ENV, "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return "on"
    return "auto" if value == "auto" else "off"


def missing_toolchain() -> str | None:
    """What is missing to build C extensions for this Python, or None."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    include = sysconfig.get_paths()["include"]
    if not Path(include, "Python.h").is_file():
        return f"no Python headers ({include})"
    return None


def compiled_sources(root: Path) -> list[str]:
    """The module files to compile, relative to the project root."""
    out = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel not in INTERPRETED:
            out.append(rel)
    return out


class CustomBuildHook(BuildHookInterface):
    """Compiles the billing engine when ``OCPI_HARNESS_COMPILE`` is set (see the module doc)."""

    _workdir: str | None = None

    def dependencies(self) -> list[str]:
        return list(REQUIRES) if mode() != "off" else []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        wanted = mode()
        if wanted == "off" or self.target_name != "wheel":
            return
        if version == "editable":
            self.app.display_warning(
                f"{ENV} is set but an editable install is never compiled; "
                "build a wheel (pip install .) for the compiled billing engine"
            )
            return
        missing = missing_toolchain()
        if missing is not None:
            if wanted == "on":
                raise RuntimeError(f"{ENV}=1 but {missing}: cannot compile the billing engine")
            self.app.display_warning(f"{ENV}=auto: {missing}; building the pure-Python wheel")
            return
        root = Path(self.root)
        sources = compiled_sources(root)
        work = self._workdir = tempfile.mkdtemp(prefix="ocpi-harness-mypyc-")
        setup = Path(work, "setup.py")
        setup.write_text(_SETUP, encoding="utf-8")
        lib = Path(work, "lib")
        self.app.display_info(f"compiling {len(sources)} billing modules with mypyc")
        # cwd is the work directory (setuptools must not read our pyproject.toml); mypyc names
        # the modules from the absolute paths (harness/billing/... up to the last __init__.py)
        process = subprocess.run(
            [
                sys.executable,
                str(setup),
                "build_ext",
                "--build-lib",
                str(lib),
                "--build-temp",
                str(Path(work, "tmp")),
                "--",
                *(str(root / s) for s in sources),
            ],
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        if process.returncode:
            output = process.stdout.decode("utf-8", "replace")
            raise RuntimeError(f"mypyc failed to compile the billing engine:\n{output}")
        built = sorted(p for p in lib.rglob("*") if p.is_file())
        if not built:
            raise RuntimeError("mypyc produced no extension modules")
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(lib).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
