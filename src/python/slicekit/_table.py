# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""Tables from and to NumPy arrays and pandas DataFrames, without a CSV
round trip.

Each column becomes one payload entry that the extension reads straight
from the array buffers (Table._from_columns, Table._append_columns):
floats as float32 with a validity mask, integers as int64, strings as
dictionary codes plus the distinct strings (pandas' factorize or a
Categorical's own codes), or a NumPy bytes ("S") array as is.

Types: the standard metric columns keep their fixed types (as in ReadCsv),
`data_row_id` is the id, `types=` overrides, and any other column follows
its dtype: float -> float, int/bool -> int, str/bytes/object/category ->
categorical. NULL is NaN in a float array, None/NaN/pd.NA in an object or
nullable array, -1 in a Categorical's codes.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _errors
from . import _slicekit
from ._slicekit import Table, standard_column_types

_STANDARD = standard_column_types()
_ID = "data_row_id"
_TYPES = ("float", "int", "categorical", "id")


def _pandas():
    import pandas  # imported on first use: NumPy-only callers skip it
    return pandas


def _invalid(message: str) -> _errors.Error:
    return _errors.make_error("INVALID_ARGUMENT", message)


def _as_array(values: Any) -> Any:
    """A NumPy array, or a pandas Series for what NumPy cannot hold well
    (nullable and categorical extension arrays)."""
    pd = _pandas()
    if isinstance(values, (pd.Series, pd.Index)):
        return values
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return pd.Series(values)
    if np.isscalar(values):
        return values
    values = list(values)
    # An empty list is an empty float column, as it always was, said
    # explicitly: pandas warns (FutureWarning) when left to choose.
    return pd.Series(values, dtype=None if values else np.float64)


def _infer(name: str, values: Any) -> str:
    pd = _pandas()
    if isinstance(values, np.ndarray):
        kind = values.dtype.kind
        dtype = values.dtype
    else:
        dtype = values.dtype
        kind = getattr(dtype, "kind", "O")
        if isinstance(dtype, pd.CategoricalDtype):
            return "categorical"
    if kind == "f":
        return "float"
    if kind in "iub":
        return "int"
    if kind in "SU":
        return "categorical"
    if kind == "O":
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        if inferred in ("integer", "boolean"):
            return "int"
        if inferred in ("floating", "mixed-integer-float", "decimal"):
            return "float"
        if inferred == "empty":
            # Every value NULL: ReadCsv calls such a column int too.
            return "int"
        if inferred in ("string", "bytes", "mixed", "categorical"):
            return "categorical"
    raise _invalid(f"column '{name}': cannot store values of dtype {dtype} "
                   "(convert them to int, float or str)")


def _float_column(name: str, values: Any) -> Tuple:
    pd = _pandas()
    try:
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
            as_double = values.astype(np.float64, copy=False)
        else:
            as_double = pd.Series(values).to_numpy(dtype=np.float64,
                                                  na_value=np.nan)
    except (TypeError, ValueError) as e:
        raise _invalid(
            f"column '{name}': values are not numbers ({e})") from None
    nulls = np.isnan(as_double)
    valid = None if not nulls.any() else (~nulls).astype(np.uint8)
    with np.errstate(over="ignore"):
        floats = as_double.astype(np.float32)
    return (name, "float", "floats", floats, valid)


def _int_values(name: str,
                values: Any) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    pd = _pandas()
    if isinstance(values, np.ndarray) and values.dtype.kind in "ib":
        return values.astype(np.int64, copy=False), None
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    nulls = series.isna().to_numpy()
    valid = None if not nulls.any() else (~nulls).astype(np.uint8)

    def refuse(i: int, value: Any, why: str) -> _errors.Error:
        return _invalid(f"column '{name}', row {i}: value {value!r} {why}")

    kind = series.dtype.kind
    if kind in "iub":  # NumPy or nullable (Int64, boolean) integers
        if kind == "u":
            big = np.flatnonzero(series.to_numpy(dtype=np.uint64, na_value=0)
                                 >= np.uint64(2**63))
            if big.size:
                i = int(big[0])
                raise refuse(i, series.iloc[i], "is out of the int64 range")
        return series.to_numpy(dtype=np.int64, na_value=0), valid
    if kind == "f":
        doubles = series.to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~nulls & ((np.trunc(doubles) != doubles) |
                                           (np.abs(doubles) >= 2.0**63)))
        if bad.size:
            i = int(bad[0])
            why = ("is out of the int64 range" if np.isfinite(doubles[i]) and
                   doubles[i] == np.trunc(doubles[i]) else "is not an integer")
            raise refuse(i, doubles[i], why)
        return np.where(nulls, 0, doubles).astype(np.int64), valid
    objects = series.to_numpy(dtype=object)
    out = np.zeros(len(objects), dtype=np.int64)
    for i, v in enumerate(objects):
        if nulls[i]:
            continue
        if isinstance(v, (numbers.Integral, np.bool_)):
            exact = int(v)
        elif isinstance(v, numbers.Real) and math.isfinite(v) and \
                float(v).is_integer():
            exact = int(v)
        else:
            raise refuse(i, v, "is not an integer")
        if not -2**63 <= exact < 2**63:
            raise refuse(i, v, "is out of the int64 range")
        out[i] = exact
    return out, valid


def _text(value: Any) -> Union[str, bytes]:
    return value if isinstance(value, (str, bytes)) else str(value)


def _integral_ids(name: str, values: Any) -> Any:
    """Object ids with each float that is an integer as that int (1.0 is
    '1'); any other float (other than NaN, a NULL) is refused."""
    kind = _pandas().api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "bytes", "integer", "empty"):
        return values  # no float among them (the common case, at C speed)
    objects = np.asarray(values, dtype=object)
    out = None
    for i, v in enumerate(objects):
        if isinstance(v, (float, np.floating)) and v == v:
            if not (math.isfinite(v) and float(v).is_integer()):
                raise _invalid(f"column '{name}', row {i}: value {v!r} is "
                               "not an integer (a float data_row_id must be "
                               "integral; give ids as str or int)")
            if out is None:
                out = objects.copy()
            out[i] = int(v)
    return objects if out is None else out


def _string_column(name: str, type_: str, values: Any) -> Tuple:
    pd = _pandas()
    if isinstance(values, np.ndarray) and values.dtype.kind == "S":
        return (name, type_, "fixed", values, None)
    dtype = getattr(values, "dtype", None)
    kind = getattr(dtype, "kind", "O")
    if kind in "iu" and not isinstance(dtype, pd.CategoricalDtype):
        ints, valid = _int_values(name, values)
        return (name, type_, "ints", ints, valid)
    if type_ == "id" and kind == "f":
        # 1.0 is the id '1', as the int 1 is; 1.5 is refused (its text
        # would depend on how it is printed). NaN is NULL, which the table
        # refuses for an id with the row's position.
        ints, valid = _int_values(name, values)
        return (name, type_, "ints", ints, valid)
    if type_ == "id" and kind == "O":
        values = _integral_ids(name, values)
    if isinstance(dtype, pd.CategoricalDtype):
        series = pd.Series(values)
        codes = series.cat.codes.to_numpy(dtype=np.int64)
        categories = [_text(c) for c in series.cat.categories]
        return (name, type_, "codes", codes, categories)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object),
                                  use_na_sentinel=True)
    return (name, type_, "codes", codes.astype(np.int64, copy=False),
            [_text(u) for u in uniques])


def _column(name: str, type_: str, values: Any) -> Tuple:
    if type_ == "float":
        return _float_column(name, values)
    if type_ == "int":
        ints, valid = _int_values(name, values)
        return (name, "int", "ints", ints, valid)
    return _string_column(name, type_, values)


def _items(data: Any) -> List[Tuple[str, Any]]:
    pd = _pandas()
    if isinstance(data, pd.DataFrame):
        return [(str(c), data[c]) for c in data.columns]
    if isinstance(data, Mapping):
        return [(str(k), _as_array(v)) for k, v in data.items()]
    raise TypeError("table data must be a pandas DataFrame or a mapping of "
                    f"column name to array, not {type(data).__name__}")


def payload(data: Any, types: Optional[Mapping[str, str]] = None,
            schema: Optional[Sequence[Tuple[str, str]]] = None) -> List[Tuple]:
    """The column payload of `data` for a new table (types inferred) or,
    with `schema`, for appending to a table with that schema."""
    items = _items(data)
    for t in (types or {}).values():
        if t not in _TYPES:
            raise _invalid(f"unknown column type '{t}' (use 'float', 'int', "
                           "'categorical' or 'id')")
    if schema is not None:
        given = dict(items)
        expected = [n for n, _ in schema]
        missing = [n for n in expected if n not in given]
        extra = [n for n in given if n not in dict(schema)]
        if missing or extra:
            raise _invalid(
                "the columns differ from the table's: "
                + (f"missing {missing}" if missing else "")
                + ("; " if missing and extra else "")
                + (f"unknown {extra}" if extra else ""))
        return [_column(n, t, given[n]) for n, t in schema]
    return [_column(name, type_, values)
            for (name, values), (_, type_) in zip(items, _schema(items, types))]


def _schema(items: List[Tuple[str, Any]],
            types: Optional[Mapping[str, str]]) -> List[Tuple[str, str]]:
    out = []
    for name, values in items:
        type_ = (types or {}).get(name)
        if type_ is None:
            type_ = "id" if name == _ID else _STANDARD.get(name) or _infer(
                name, values)
        out.append((name, type_))
    return out


def infer_schema(data: Any, types: Optional[Mapping[str, str]] = None
                 ) -> List[Tuple[str, str]]:
    """The [(name, type)] that from_pandas(data, types) gives its table."""
    return _schema(_items(data), types)


def empty_columns(schema: Sequence[Tuple[str, str]]) -> Dict[str, Any]:
    """Zero rows of each column of `schema`, for an empty table."""
    dtypes = {"float": np.float32, "int": np.int64}
    return {n: np.empty(0, dtype=dtypes.get(t, "S1")) for n, t in schema}


def null_rows(schema: Sequence[Tuple[str, str]], ids: Sequence[Any]
              ) -> Dict[str, Any]:
    """Rows with these ids and NULL in every other column of `schema`."""
    pd = _pandas()
    n = len(ids)
    out: Dict[str, Any] = {}
    for name, type_ in schema:
        if type_ == "id":
            out[name] = pd.Series(list(ids), dtype=object)
        elif type_ == "float":
            out[name] = np.full(n, np.nan)
        elif type_ == "int":
            out[name] = pd.array([None] * n, dtype="Int64")
        else:
            out[name] = pd.Series([None] * n, dtype=object)
    return out


def from_pandas(df: Any, types: Optional[Mapping[str, str]] = None,
                chunk_rows: int = 65536) -> Table:
    """A Table holding the rows of a pandas DataFrame (or a mapping of
    column name to array), in order; see the module docstring for types."""
    return Table._from_columns(payload(df, types), chunk_rows)


def append(table: Table, data: Any) -> None:
    """Appends the rows of a DataFrame or mapping with the table's columns
    (any order), all or none; values convert to the table's types."""
    table._append_columns(payload(data, schema=table.schema))


def to_pandas(table: Table, rows: Any = None,
              columns: Optional[Sequence[str]] = None) -> Any:
    """The rows (positions, a boolean mask with one entry per row, or a
    Selection; default every live row) as a DataFrame indexed
    by row position: float columns float32 with NaN for NULL, int columns
    pandas Int64 (nullable), strings object columns with None for NULL."""
    pd = _pandas()
    names = list(columns) if columns is not None else table.columns
    # Positions, a boolean mask, a Selection (its live rows) or None, all
    # checked by the extension.
    positions = table._rows(rows)
    gathered = table._gather(positions, names)
    data: Dict[str, Any] = {}
    for name, column in zip(names, gathered):
        data[name] = _column_values(column)
    return pd.DataFrame(data, index=pd.Index(positions, name="row"))


def _column_values(column: Tuple) -> Any:
    pd = _pandas()
    if column[0] == "float":
        return column[1]
    if column[0] == "int":
        return pd.arrays.IntegerArray(column[1], column[2])
    codes, uniques = column[1], column[2]
    lookup = np.empty(len(uniques) + 1, dtype=object)
    lookup[:-1] = uniques
    lookup[-1] = None
    return lookup[codes]


def column(table: Table, name: str, rows: Any = None) -> np.ndarray:
    """One column of `rows` (positions, a boolean mask or a Selection;
    default every live row) as a NumPy array:
    float32 with NaN for NULL, int64 (a float64 array with NaN when a
    value is NULL), or an object array of str with None."""
    (got,) = table._gather(rows, [name])
    if got[0] == "int":
        values, nulls = got[1], got[2]
        if nulls.any():
            out = values.astype(np.float64)
            out[nulls] = np.nan
            return out
        return values
    return _column_values(got)
