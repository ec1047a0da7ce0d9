# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""The type stub (slicekit/_slicekit.pyi) names exactly what the extension
exports, class by class, so it cannot silently fall behind. (No type
checker is among the Debian packages the project uses; this is the check
that can run.)"""

import ast
import pathlib

import slicekit as sk
from slicekit import _slicekit

STUB = pathlib.Path(sk.__file__).with_name("_slicekit.pyi")


def _public(names):
    return {n for n in names if not n.startswith("__")}


def test_stub_names_what_the_extension_exports():
    tree = ast.parse(STUB.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            members[node.name] = {
                n.target.id if isinstance(n, ast.AnnAssign) else n.name
                for n in node.body
                if isinstance(n, (ast.FunctionDef, ast.AnnAssign))}
        elif isinstance(node, ast.FunctionDef):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
    aliases = {"ColumnTypeName", "FilterLike", "OrderByLike", "RowsLike",
               "IdLike", "Value"}
    runtime = _public(dir(_slicekit))
    assert top == runtime, (top - runtime, runtime - top)
    for name, declared in members.items():
        cls = getattr(_slicekit, name)
        actual = _public(n for n in dir(cls)
                         if not n.startswith("_") or n in ("_from_columns",))
        actual -= {"_from_columns"}
        assert _public(declared) == actual, (name, declared ^ actual)
    assert aliases.isdisjoint(runtime)
