# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Shared fixtures. The package comes from PYTHONPATH=<build>/python (ctest
sets it; so does scripts/test.sh through ctest); this directory is added
to PYTHONPATH too, so that Dask worker processes import reference.py."""

import os
import pathlib

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"

paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
if str(HERE) not in paths:
    os.environ["PYTHONPATH"] = os.pathsep.join(paths + [str(HERE)])


@pytest.fixture
def rng(request):
    # One seed per test, printed on failure: rerun with the same seed.
    seed = int(os.environ.get("SLICEKIT_TEST_SEED", "20260401"))
    seed += sum(map(ord, request.node.name))
    print(f"seed {seed}")
    return np.random.default_rng(seed)


@pytest.fixture
def coco_dir():
    return DATA / "coco_small"
