# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Signatures and clear TypeErrors for the extension's functions.

pybind11 functions are builtins: ``inspect.signature`` cannot read them,
and a wrong argument type raises "incompatible function arguments" with
the whole overload list. install() wraps each function and method of
slicekit._slicekit in a Python function with the signature pybind11 writes
on its docstring's first line (``inspect.signature`` works), and turns
that error into one naming the function and the parameter:
``scan(): parameter 'table' must be slicekit.Table, not str``. The call
itself is unchanged (the wrapper adds one Python call frame).
"""

from __future__ import annotations

import ast
import functools
import inspect
import numbers
import re
from typing import Any, Callable, List, Optional, Tuple

from . import _slicekit

_MODULE = "slicekit._slicekit."
_LINE = re.compile(r"^(\w+)\((.*)\)(?: -> (.*))?$")


class _Default:
    """A default pybind11 shows only as text (a C++ value)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _split(params: str) -> List[str]:
    """Top-level comma-separated parts (brackets nest)."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(params):
        if c in "[({":
            depth += 1
        elif c in "])}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(params[start:i].strip())
            start = i + 1
    if params[start:].strip():
        parts.append(params[start:].strip())
    return parts


def _default(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return _Default(text)


def parse(doc: Optional[str]) -> Optional[Tuple[inspect.Signature,
                                                 List[str]]]:
    """The signature and per-parameter type text of a pybind11 docstring,
    or None when its first line is not one signature (overloads)."""
    if not doc:
        return None
    match = _LINE.match(doc.split("\n", 1)[0])
    if not match:
        return None
    params, types = [], []
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    for part in _split(match.group(2)):
        if part == "*":
            kind = inspect.Parameter.KEYWORD_ONLY
            continue
        if part.startswith("*"):
            return None  # *args / **kwargs: leave as is
        name, _, rest = part.partition(":")
        type_text, eq, default = rest.partition(" = ")
        params.append(inspect.Parameter(
            name.strip(), kind,
            default=_default(default.strip()) if eq else
            inspect.Parameter.empty))
        types.append(type_text.strip())
    try:
        return inspect.Signature(params), types
    except ValueError:
        return None


def _pretty(type_text: str) -> str:
    return type_text.replace(_MODULE, "slicekit.")


def _accepts(type_text: str, value: Any) -> Optional[bool]:
    """Whether pybind11 would take `value` for `type_text`; None when this
    cannot tell (then the value is not blamed)."""
    if type_text in ("handle", "object", "args", "kwargs", "iterable",
                     "list", "tuple", ""):
        return None
    if type_text.startswith("Optional[") and type_text.endswith("]"):
        return True if value is None else _accepts(type_text[9:-1], value)
    if value is None:
        return False
    if type_text == "int":
        return isinstance(value, numbers.Integral) or hasattr(value,
                                                              "__index__")
    if type_text == "float":
        return isinstance(value, numbers.Real) or hasattr(value, "__float__")
    if type_text == "bool":
        return isinstance(value, (bool, numbers.Integral)) or \
            type(value).__name__ == "bool_"
    if type_text == "str":
        return isinstance(value, (str, bytes))
    if type_text.startswith(("List[", "Sequence[")):
        return isinstance(value, (list, tuple)) or hasattr(value, "__iter__")
    if type_text.startswith(("Dict[", "Mapping[")):
        return hasattr(value, "keys")
    if type_text.startswith(_MODULE):
        cls = getattr(_slicekit, type_text[len(_MODULE):], None)
        return None if cls is None else isinstance(value, cls)
    return None


def _type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _explain(name: str, signature: inspect.Signature, types: List[str],
             args: tuple, kwargs: dict) -> str:
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        return f"{name}(): {e}"
    by_name = dict(zip(signature.parameters, types))
    for param, value in bound.arguments.items():
        if param == "self":
            continue
        if _accepts(by_name[param], value) is False:
            return (f"{name}(): parameter '{param}' must be "
                    f"{_pretty(by_name[param])}, not {_type_name(value)}")
    shown = ", ".join(f"{p}: {_type_name(v)}"
                      for p, v in bound.arguments.items() if p != "self")
    return (f"{name}(): the arguments ({shown}) do not match "
            f"{name}{_pretty(str(signature))}")


def _wrap(name: str, fn: Callable) -> Optional[Callable]:
    parsed = parse(getattr(fn, "__doc__", None))
    if parsed is None:
        return None
    signature, types = parsed

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError as e:
            if "incompatible function arguments" not in str(e) and \
                    "incompatible constructor arguments" not in str(e):
                raise
            raise TypeError(_explain(name, signature, types, args,
                                     kwargs)) from None

    # Found again by pickle under its own name (pybind11 calls every
    # function PyCapsule.<name>).
    call.__qualname__ = name
    call.__module__ = _slicekit.__name__
    call.__signature__ = signature  # type: ignore[attr-defined]
    call.__wrapped_builtin__ = fn  # type: ignore[attr-defined]
    return call


def _is_builtin(value: Any) -> bool:
    return type(value).__name__ in ("builtin_function_or_method",
                                    "instancemethod")


def install() -> None:
    """Wraps the module's functions and its classes' methods in place."""
    for name, value in list(vars(_slicekit).items()):
        if name.startswith("__"):
            continue
        if _is_builtin(value):
            wrapped = _wrap(name, value)
            if wrapped is not None:
                setattr(_slicekit, name, wrapped)
        elif isinstance(value, type) and value.__module__ == _slicekit.__name__:
            _install_methods(value)


def _install_methods(cls: type) -> None:
    for name, value in list(vars(cls).items()):
        if name.startswith("__"):
            continue
        if isinstance(value, staticmethod):
            wrapped = _wrap(f"{cls.__name__}.{name}", value.__func__)
            if wrapped is not None:
                setattr(cls, name, staticmethod(wrapped))
        elif _is_builtin(value):
            func = getattr(value, "__func__", value)
            wrapped = _wrap(f"{cls.__name__}.{name}", func)
            if wrapped is not None:
                setattr(cls, name, wrapped)
