# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""The build step behind pyproject.toml: CMake builds the extension
(target slicekit_python) and lays out the package in <build>/python/
slicekit/, which is what goes into the wheel.

Environment:
  SLICEKIT_CMAKE_BUILD_DIR  the CMake build directory (default
                            build/pip-<python version>); an existing one is
                            reused, so a second install only relinks what
                            changed
  SLICEKIT_CMAKE_ARGS       extra arguments for the configure step
  SLICEKIT_PREBUILT         a build directory whose python/slicekit/ is
                            already built: packaged as it is, no CMake run
                            (what tests/python/wheel_test.sh uses)
"""

import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


def _cmake_build() -> pathlib.Path:
    prebuilt = os.environ.get("SLICEKIT_PREBUILT")
    if prebuilt:
        return pathlib.Path(prebuilt).resolve()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    build = pathlib.Path(os.environ.get("SLICEKIT_CMAKE_BUILD_DIR",
                                        ROOT / "build" / f"pip-{version}"))
    configure = [
        "cmake", "-S", str(ROOT), "-B", str(build),
        "-DCMAKE_BUILD_TYPE=Release", "-DSLICEKIT_BUILD_PYTHON=ON",
        "-DSLICEKIT_BUILD_TESTS=OFF", "-DSLICEKIT_BUILD_EXAMPLES=OFF",
        "-DSLICEKIT_INSTALL=OFF", f"-DPython3_EXECUTABLE={sys.executable}",
    ]
    if shutil.which("ccache"):
        configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
    configure += shlex.split(os.environ.get("SLICEKIT_CMAKE_ARGS", ""))
    subprocess.run(configure, check=True)
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count()))
    subprocess.run(["cmake", "--build", str(build), "--target",
                    "slicekit_python", "-j", jobs], check=True)
    return build


class CMakeBuild(build_ext):
    """Copies the CMake-built package (extension and Python files) into
    the wheel's tree instead of compiling anything itself."""

    def run(self):
        package = _cmake_build() / "python" / "slicekit"
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        if not (package / f"_slicekit{suffix}").exists():
            raise RuntimeError(f"{package}: no _slicekit{suffix} (built for "
                               "another Python?)")
        target = pathlib.Path(self.build_lib) / "slicekit"
        target.mkdir(parents=True, exist_ok=True)
        for f in package.iterdir():
            if f.is_file() and (f.suffix in (".py", ".pyi", ".so") or
                                f.name == "py.typed"):
                shutil.copy2(f, target / f.name)


# The egg-info and setuptools' own build tree go under build/, which git
# ignores, so an install leaves the source tree clean.
(ROOT / "build" / "setuptools").mkdir(parents=True, exist_ok=True)

setup(
    packages=["slicekit"],
    package_dir={"slicekit": "src/python/slicekit"},
    package_data={"slicekit": ["*.pyi", "py.typed"]},
    ext_modules=[Extension("slicekit._slicekit", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": "build/setuptools"},
             "egg_info": {"egg_base": "build/setuptools"}},
)
