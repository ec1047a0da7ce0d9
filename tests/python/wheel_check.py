# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""`pip wheel .` and installing the wheel into a fresh virtual environment.

Usage: wheel_check.py SOURCE_DIR BUILD_DIR

The packaging files (pyproject.toml, setup.py, the package) are copied to
a scratch directory and built with SLICEKIT_PREBUILT=BUILD_DIR, so the
wheel holds the extension this build made (setup.py's CMake step is the
same one `pip install .` runs without it). The wheel is installed into a
new `python3 -m venv --system-site-packages` (NumPy and pandas from
Debian) and used from outside both trees."""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

source, build = (pathlib.Path(p).resolve() for p in sys.argv[1:3])


def run(*args, **kwargs):
    print("+", " ".join(map(str, args)), flush=True)
    subprocess.run([str(a) for a in args], check=True, **kwargs)


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    tree = tmp / "src"
    tree.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy2(source / name, tree / name)
    shutil.copytree(source / "src" / "python" / "slicekit",
                    tree / "src" / "python" / "slicekit")
    env = dict(os.environ, SLICEKIT_PREBUILT=str(build),
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    wheels = tmp / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-build-isolation",
        "--no-deps", "-w", wheels, tree, env=env)
    [wheel] = wheels.glob("slicekit-0.1.0-*.whl")
    assert "-none-any" not in wheel.name, wheel.name  # platform-specific
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("slicekit/__init__.py", "slicekit/_slicekit.pyi",
                   "slicekit/py.typed"):
        assert needed in names, (needed, names)
    assert any(n.startswith("slicekit/_slicekit.") and n.endswith(".so")
               for n in names), names
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--no-deps", wheel, env=env)
    use = """
import pathlib, sys
import slicekit as sk
import pandas as pd
assert pathlib.Path(sk.__file__).resolve().is_relative_to(
    pathlib.Path(sys.prefix).resolve()), sk.__file__
t = sk.Table.from_pandas(pd.DataFrame({"data_row_id": ["a", "b", "c"],
                                       "fp": [0, 2, 5]}))
assert list(t.row_ids(sk.scan(t, "fp >= 2"))) == ["b", "c"]
print("wheel_check: using", sk.__file__)
"""
    run(python, "-c", use, env=env, cwd=tmp)
print("wheel_check: done")
