# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""One model run over many partitions on Dask workers.

A :class:`PartitionedTable` hash-partitions rows by ``data_row_id`` into P
partitions; each partition is a :class:`slicekit.Table` living in a Dask
worker process. Every operation ships a small function to the partitions
(one task each) and merges the answers on the client, so that it returns
exactly what one Table holding all the rows returns:

- counts add;
- row ids in an order come from each partition's own top-(offset + limit)
  (the C++ bounded heap), merged with a heap on the client in the same
  order (values; NULLs last per key; ties by ``data_row_id`` byte-wise);
- pages use the C++ keyset cursors, which name values and an id, never a
  position, so a cursor made by one partition resumes on every other;
- summaries add their counts and recompute precision, recall and F1 from
  the sums with the C++ formulas (identical doubles); the means of
  confidence and IoU combine from each part's mean and value count (equal
  up to floating-point summation order, ~1e-15 relative);
- appends are routed to their partitions and checked as a whole first, so
  a bad batch fails with the single table's error and changes nothing.

The partition of a row is ``zlib.crc32(id bytes) % P`` (the UTF-8 bytes of
a str id, the decimal text of an int id; :func:`partition_of`): stable
across processes, Python runs and machines, unlike ``hash()``.

Failures: a partition's source (its rows at creation) and the log of its
appends and deletes stay on the client. When a worker dies, the tasks it
held run elsewhere, find the partition missing, and the client rebuilds it
on a live worker from source and log, then retries (``max_retries``
times); past that, or after ``timeout`` seconds, it raises
:class:`PartitionLostError` / DeadlineExceededError. A retried answer is
the same answer: every read is checked against the partition's version.

One client drives a PartitionedTable (its methods serialize on a lock);
the slices it explores stay in one ordinary SliceStore (SQLite for a host).
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _errors, _table
from ._slicekit import (AutoSlice, ClassSummary, Expr, OrderBy, Selection,
                        Slice, SliceSummary, SummaryComparison, Table,
                        Watermark, _order_keys, hash_partitions, order_cursor,
                        order_page, order_rows, parse_filter, scan, summarize)
from ._slicekit import Curator as _Curator
from ._slicekit import auto_slices as _auto_slices

ID = "data_row_id"


def partition_of(ids: Any, partitions: int) -> np.ndarray:
    """The partition of each id: CRC-32 (zlib.crc32) of its bytes modulo
    `partitions`, as an int32 array."""
    return hash_partitions(ids, partitions)


class PartitionLostError(_errors.UnavailableError):
    """A partition could not be reached or rebuilt within the retries."""

    def __init__(self, code: str = "UNAVAILABLE", message: str = "") -> None:
        super().__init__(code, message)


_LOST = object()  # a finished result that could not be fetched


class _Missing(Exception):
    """Raised on a worker that does not hold the asked-for partition version
    (it died and the task ran elsewhere, or the partition moved)."""


# ---- Worker side -----------------------------------------------------------


class _Partition:
    def __init__(self, table: Table, version: int) -> None:
        self.table = table
        self.version = version
        self.lock = threading.Lock()


def _registry() -> Dict[Tuple[str, int], _Partition]:
    from distributed import get_worker
    worker = get_worker()
    registry = getattr(worker, "_slicekit_partitions", None)
    if registry is None:
        registry = {}
        worker._slicekit_partitions = registry
    return registry


def _apply(table: Table, entry: Tuple) -> None:
    kind = entry[0]
    if kind == "append":
        _table.append(table, entry[1])
    elif kind == "delete":
        table.delete(entry[1])
    elif kind == "compact":
        table.compact()
    else:
        raise ValueError(f"unknown log entry {kind!r}")


def _chunks(data: Any) -> Any:
    """A source's rows: one DataFrame or mapping, or an iterable of them
    (a generator keeps a big partition's memory to one chunk at a time)."""
    import pandas as pd
    if data is None:
        return []
    if isinstance(data, (pd.DataFrame, dict)) or hasattr(data, "keys"):
        return [data]
    return data


def _load(source: Any, p: int, partitions: int,
          schema: Sequence[Tuple[str, str]], chunk_rows: int) -> Table:
    data = source(p, partitions) if callable(source) else source
    table = Table._from_columns(
        _table.payload(_table.empty_columns(schema), schema=schema),
        chunk_rows)
    for chunk in _chunks(data):
        ids = np.asarray(_ids_of(chunk))
        wrong = np.flatnonzero(partition_of(ids, partitions) != p) \
            if len(ids) else []
        if len(wrong):
            raise _errors.make_error(
                "INVALID_ARGUMENT",
                f"the source of partition {p} holds row "
                f"'{_id_text(ids[wrong[0]])}', which belongs to partition "
                f"{int(partition_of(ids[wrong[:1]], partitions)[0])}")
        _table.append(table, chunk)
    return table


def _build(uid: str, p: int, partitions: int, version: int, source: Any,
           log: List[Tuple], schema: Sequence[Tuple[str, str]],
           chunk_rows: int) -> str:
    """Creates partition p here from its source and log; returns this
    worker's address."""
    from distributed import get_worker
    table = _load(source, p, partitions, schema, chunk_rows)
    for entry in log[:version]:
        _apply(table, entry)
    _registry()[(uid, p)] = _Partition(table, version)
    return get_worker().address


# The scan threads of the operation running on this worker thread.
_scan = threading.local()


def _threads() -> int:
    return getattr(_scan, "threads", 1)


def _run(uid: str, p: int, version: int, op: str, args: Tuple,
         threads: int = 1, delay_s: float = 0.0) -> Any:
    """Runs a read-only operation on partition p at `version`, its scans
    on `threads` threads."""
    part = _registry().get((uid, p))
    if part is None or part.version != version:
        raise _Missing(uid, p, version)
    if delay_s:
        time.sleep(delay_s)  # tests: time to kill this worker mid-query
    _scan.threads = threads
    return _OPS[op](part.table, *args)


def _mutate(uid: str, p: int, version: int, entry: Tuple) -> None:
    """Applies log entry number `version` (0-based) to partition p, once."""
    part = _registry().get((uid, p))
    if part is None:
        raise _Missing(uid, p, version)
    with part.lock:
        if part.version == version + 1:
            return  # already there: the partition was rebuilt from the log
        if part.version != version:
            raise _Missing(uid, p, version)
        _apply(part.table, entry)
        part.version += 1


def _drop(uid: str) -> int:
    registry = _registry()
    doomed = [k for k in registry if k[0] == uid]
    for k in doomed:
        del registry[k]
    return len(doomed)


def _selection(table: Table, filter: Optional[Expr]) -> Selection:
    return (table.live_rows() if filter is None else
            scan(table, filter, threads=_threads()))


def _key_values(table: Table, rows: np.ndarray,
                keys: Sequence[OrderBy]) -> Tuple[List[bytes], List[List[Any]]]:
    """The ids (bytes) of `rows` and, per key, their values for merging:
    float, int, bytes or None (NULL); None for the id key."""
    names = [ID] + [k.column for k in keys if k.column != ID]
    gathered = dict(zip(names, table._gather(rows, names)))
    ids = [u.encode("utf-8", "surrogateescape") for u in gathered[ID][2]]
    values = []
    for k in keys:
        if k.column == ID:
            values.append(None)
            continue
        column = gathered[k.column]
        if column[0] == "float":
            values.append([None if v != v else float(v) for v in column[1]])
        elif column[0] == "int":
            values.append([None if n else int(v)
                           for v, n in zip(column[1], column[2])])
        else:
            strings = [u.encode("utf-8", "surrogateescape") for u in column[2]]
            values.append([None if c < 0 else strings[c] for c in column[1]])
    return ids, values


def _resolved(keys: Sequence[OrderBy]) -> List[OrderBy]:
    # As the C++ ResolveKeys: nothing after the id key matters.
    out = []
    for k in keys:
        out.append(k)
        if k.column == ID:
            break
    return out


def _op_count(table: Table, filter: Optional[Expr]) -> int:
    return _selection(table, filter).count()


def _op_order(table: Table, filter: Optional[Expr], keys: List[OrderBy],
              limit: Optional[int]) -> Tuple:
    rows = order_rows(table, _selection(table, filter), keys, 0, limit)
    return _key_values(table, rows, _resolved(keys))


def _page_part(table: Table, selection: Selection, keys: List[OrderBy],
               cursor: str, limit: int) -> Tuple:
    page = order_page(table, selection, keys, cursor, limit)
    ids, values = _key_values(table, page.rows, _resolved(keys))
    cursors = [order_cursor(table, keys, int(r)) for r in page.rows]
    return ids, values, cursors, bool(page.next_cursor)


def _op_page(table: Table, filter: Optional[Expr], keys: List[OrderBy],
             cursor: str, limit: int) -> Tuple:
    return _page_part(table, _selection(table, filter), keys, cursor, limit)


def _op_summarize(table: Table, filter: Optional[Expr]) -> Dict:
    return summarize(table, _selection(table, filter)).to_dict()


def _op_explore(table: Table, filter: Expr, keys: List[OrderBy], cursor: str,
                limit: int, with_summary: bool) -> Tuple:
    selection = scan(table, filter, threads=_threads())
    page = _page_part(table, selection, keys, cursor, limit)
    summary = summarize(table, selection).to_dict() if with_summary else None
    return page, selection.count(), summary


def _op_auto(table: Table, limit: int) -> List[Tuple]:
    out = []
    for a in _auto_slices(table):
        selection = scan(table, a.filter, threads=_threads())
        rows = order_rows(table, selection, a.order_by, 0, limit)
        out.append((selection.count(),
                    _key_values(table, rows, _resolved(a.order_by))))
    return out


def _op_find(table: Table, ids: List[Any]) -> List[int]:
    return table.find_many(ids).tolist()


def _op_watermark(table: Table) -> Tuple[int, int]:
    w = table.end_watermark()
    return w.row, w.generation


def _op_curate(table: Table, slices: List[Tuple], row: int,
               generation: int) -> List[List[str]]:
    made = [Slice(name=name, filter=f, order_by=o, id=sid)
            for sid, name, f, o in slices]
    report = _Curator(table, made).new_rows_since(Watermark(row, generation),
                                                  _threads())
    return [list(table.row_ids(e.rows)) for e in report.slices]


def _op_rows(table: Table, ids: List[Any], columns: Optional[List[str]]) -> Any:
    rows = table.find_many(ids)
    return _table.to_pandas(table, rows[rows >= 0], columns)


def _op_size(table: Table) -> int:
    return table.num_live_rows


_OPS: Dict[str, Callable] = {
    "count": _op_count, "order": _op_order, "page": _op_page,
    "summarize": _op_summarize, "explore": _op_explore, "auto": _op_auto,
    "find": _op_find, "watermark": _op_watermark, "curate": _op_curate,
    "rows": _op_rows, "size": _op_size,
}

# ---- Client side -----------------------------------------------------------


@functools.total_ordering
class _Desc:
    """Reverses the order of a value inside a sort key."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __eq__(self, other: Any) -> bool:
        return self.v == other.v

    def __lt__(self, other: Any) -> bool:
        return other.v < self.v


def _sort_keys(ids: List[bytes], values: List[Optional[List[Any]]],
               keys: Sequence[OrderBy]) -> List[Tuple]:
    """The sort key of each row: per key (0, value) or (1,) for NULL (last
    in both directions), values negated or reversed when descending, then
    the id (byte-wise), exactly the C++ order."""
    columns = []
    for k, v in zip(keys, values):
        if k.column == ID:
            columns.append([(_Desc(i) if k.descending else i) for i in ids])
            continue
        if k.descending:
            columns.append([(1,) if x is None else
                            (0, _Desc(x) if isinstance(x, bytes) else -x)
                            for x in v])
        else:
            columns.append([(1,) if x is None else (0, x) for x in v])
    return [tuple(c[i] for c in columns) + (ids[i],) for i in range(len(ids))]


def _merge(parts: List[Tuple[List[bytes], List[Any]]],
           keys: Sequence[OrderBy],
           extra: Optional[List[List[Any]]] = None) -> List[Tuple]:
    """Merges per-partition ordered rows: [(sort key, id, extra)]."""
    keys = _resolved(keys)
    streams = []
    for n, (ids, values) in enumerate(parts):
        sort_keys = _sort_keys(ids, values, keys)
        more = extra[n] if extra is not None else [None] * len(ids)
        streams.append(list(zip(sort_keys, ids, more)))
    return list(heapq.merge(*streams, key=lambda row: row[0]))


def _decode(ids: List[bytes]) -> np.ndarray:
    return np.array([i.decode("utf-8", "surrogateescape") for i in ids],
                    dtype=object)


@dataclasses.dataclass
class Page:
    """One page of a partitioned result: the rows' data_row_ids in order,
    the cursor of the next page ('' when no rows are left) and, from
    explore(), the slice's total and summary."""

    ids: np.ndarray
    next_cursor: str
    total_rows: Optional[int] = None
    summary: Optional[SliceSummary] = None


@dataclasses.dataclass
class AutoSliceRows:
    """An auto slice over a partitioned table: its count and first ids.
    It reads as the AutoSlice that sk.auto_slices(table) gives for one
    Table (name, description, filter, order_by, to_slice()), so code
    written for a Table's auto slices runs on these unchanged."""

    auto_slice: AutoSlice
    count: int
    ids: np.ndarray

    @property
    def name(self) -> str:
        return self.auto_slice.name

    @property
    def description(self) -> str:
        return self.auto_slice.description

    @property
    def filter(self) -> Expr:
        return self.auto_slice.filter

    @property
    def order_by(self) -> List[OrderBy]:
        return self.auto_slice.order_by

    def to_slice(self) -> Any:
        return self.auto_slice.to_slice()


@dataclasses.dataclass
class SliceIds:
    """The new rows (ids, in append order) that entered one slice."""

    slice_id: str
    slice_name: str
    ids: np.ndarray


@dataclasses.dataclass(frozen=True)
class PartitionedWatermark:
    """end_watermark() of every partition, plus how many appends the client
    had logged, for new_rows_since()."""

    marks: Tuple[Tuple[int, int], ...]
    appends: int


def _filter(value: Any) -> Optional[Expr]:
    if value is None or isinstance(value, Expr):
        return value
    if isinstance(value, (str, bytes)):
        return parse_filter(value)
    raise TypeError("a filter must be a slicekit.Expr, filter text or None, "
                    f"not {type(value).__name__}")


def _combine_counts(has: Tuple[bool, bool, bool], tp: int, fp: int, fn: int,
                    target: Any) -> None:
    """Sets precision/recall/F1 from summed counts as Summarize() does."""
    has_tp, has_fp, has_fn = has
    target.tp, target.fp, target.fn = tp, fp, fn
    target.precision = target.recall = target.f1 = None
    if not has_tp:
        return
    t, f, n = float(tp), float(fp), float(fn)
    if has_fp and t + f != 0:
        target.precision = t / (t + f)
    if has_fn and t + n != 0:
        target.recall = t / (t + n)
    if has_fp and has_fn and 2 * t + f + n != 0:
        target.f1 = 2 * t / (2 * t + f + n)


class PartitionedTable:
    """A model run hash-partitioned by data_row_id over Dask workers; every
    operation returns what one Table of all the rows returns (see the module
    docstring). Make one with from_pandas() or from_sources()."""

    def __init__(self, client: Any, schema: Sequence[Tuple[str, str]],
                 sources: List[Any], *, chunk_rows: int = 65536,
                 max_retries: int = 2, timeout: Optional[float] = 600.0,
                 scan_threads: int = 1) -> None:
        self._client = client
        self._schema = [(str(n), str(t)) for n, t in schema]
        self._types = dict(self._schema)
        self._sources = sources
        self._partitions = len(sources)
        self._chunk_rows = chunk_rows
        self._uid = uuid.uuid4().hex
        self._versions = [0] * self._partitions
        self._logs: List[List[Tuple]] = [[] for _ in sources]
        # Per append: the ids of the batch, in order (for curation reports).
        self._appended: List[np.ndarray] = []
        self._where: List[Optional[str]] = [None] * self._partitions
        self._lock = threading.RLock()
        self.max_retries = max_retries
        self.timeout = timeout
        # Threads each partition's scans use (ScanOptions::threads): with
        # fewer, bigger partitions (one per machine), the cores of a
        # worker still share each scan.
        self.scan_threads = scan_threads
        self._test_delay_s = 0.0  # tests: a pause inside each read task
        # Partitions rebuilt after their worker was lost (or they went
        # missing), over the table's life.
        self.rebuilds = 0
        self._scratch_table: Optional[Table] = None
        if ID not in self._types or self._types[ID] != "id":
            raise _errors.make_error("INVALID_ARGUMENT",
                                     f"the schema needs an '{ID}' id column")
        try:
            self._place(range(self._partitions), rebuild=False)
        except BaseException:
            self._client.run(_drop, self._uid)  # the partitions that built
            raise

    # -- construction ------------------------------------------------------

    @classmethod
    def from_pandas(cls, client: Any, data: Any, partitions: int = 4, *,
                    types: Optional[Dict[str, str]] = None,
                    chunk_rows: int = 65536, max_retries: int = 2,
                    timeout: Optional[float] = 600.0,
                    scan_threads: int = 1) -> "PartitionedTable":
        """Partitions a DataFrame (or mapping of arrays) by data_row_id.
        Column types are inferred from all the rows, as Table.from_pandas
        does, so every partition has the same schema. The client keeps each
        partition's rows to rebuild it if its worker dies."""
        schema = _table.infer_schema(data, types)
        ids = _ids_of(data)
        parts = partition_of(ids, partitions)
        sources = [_take(data, np.flatnonzero(parts == p))
                   for p in range(partitions)]
        return cls(client, schema, sources, chunk_rows=chunk_rows,
                   max_retries=max_retries, timeout=timeout,
                   scan_threads=scan_threads)

    @classmethod
    def from_sources(cls, client: Any, source: Callable[[int, int], Any],
                     partitions: int, schema: Sequence[Tuple[str, str]], *,
                     chunk_rows: int = 65536, max_retries: int = 2,
                     timeout: Optional[float] = 600.0,
                     scan_threads: int = 1) -> "PartitionedTable":
        """Builds partition p on a worker from source(p, partitions), a
        picklable function returning the rows whose partition_of() is p:
        a DataFrame or mapping of arrays, or an iterable of them (appended
        one at a time, so a generator bounds the memory a big partition
        needs while it loads). It runs again if the partition must be
        rebuilt. `schema` ([(name, type)], e.g. a Table's .schema) fixes
        the column types."""
        return cls(client, schema, [source] * partitions,
                   chunk_rows=chunk_rows, max_retries=max_retries,
                   timeout=timeout, scan_threads=scan_threads)

    @property
    def num_partitions(self) -> int:
        return self._partitions

    @property
    def schema(self) -> List[Tuple[str, str]]:
        return list(self._schema)

    @property
    def columns(self) -> List[str]:
        return [n for n, _ in self._schema]

    def close(self) -> None:
        """Drops the partitions from the workers."""
        with self._lock:
            try:
                self._client.run(_drop, self._uid)
            finally:
                self._where = [None] * self._partitions

    def __enter__(self) -> "PartitionedTable":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- placement and retries --------------------------------------------
    #
    # Tasks are pinned to the worker holding their partition (strict
    # restrictions, so work stealing never moves them). A pinned task whose
    # worker dies would wait forever, so _collect watches the workers while
    # it waits and gives such partitions up for a rebuild elsewhere.

    def _alive(self) -> set:
        return set(self._client.scheduler_info()["workers"])

    def _submit(self, p: int, fn: Callable, *args: Any) -> Any:
        return self._client.submit(fn, *args, workers=[self._where[p]],
                                   allow_other_workers=False, pure=False)

    def _place(self, partitions: Sequence[int], rebuild: bool = True
               ) -> None:
        """(Re)builds `partitions` on the least loaded live workers."""
        pending = list(partitions)
        if rebuild:
            self.rebuilds += len(pending)
        for attempt in range(self.max_retries + 1):
            workers = sorted(self._alive())
            if not workers:
                raise PartitionLostError("UNAVAILABLE",
                                         "the cluster has no workers")
            load = {w: 0 for w in workers}
            for p, w in enumerate(self._where):
                if w in load and p not in pending:
                    load[w] += 1
            futures = {}
            for p in pending:
                w = min(workers, key=lambda a: (load[a], a))
                load[w] += 1
                self._where[p] = w
                source = self._sources[p]
                if not callable(source) and source is not None:
                    [source] = self._client.scatter([source], workers=[w],
                                                    hash=False)
                futures[p] = self._submit(
                    p, _build, self._uid, p, self._partitions,
                    self._versions[p], source,
                    self._logs[p][:self._versions[p]], self._schema,
                    self._chunk_rows)
            built: Dict[int, Any] = {}
            failed, errors = self._collect(futures, built)
            if errors:
                raise errors[min(errors)]
            if not failed:
                return
            pending = failed
        raise PartitionLostError(
            "UNAVAILABLE",
            f"partitions {sorted(pending)} could not be built after "
            f"{self.max_retries + 1} attempts (their workers kept failing)")

    def _collect(self, futures: Dict[int, Any], results: Dict[int, Any]
                 ) -> Tuple[List[int], Dict[int, Exception]]:
        """Waits for each partition's future. Returns the partitions to
        rebuild and retry (worker lost, partition missing) and the slicekit
        errors by partition; fills results[p] for the others."""
        from distributed import wait
        from distributed.comm.core import CommClosedError
        from distributed.scheduler import KilledWorker
        from distributed.utils import CancelledError
        failed: List[int] = []
        errors: Dict[int, Exception] = {}
        pending = dict(futures)
        start = time.monotonic()
        poll = 0.5
        while pending:
            try:
                wait(list(pending.values()), timeout=poll)
            except TimeoutError:
                pass
            done = [p for p, f in pending.items() if f.done()]
            finished = [p for p in done if pending[p].status == "finished"]
            fetched = self._fetch([pending[p] for p in finished], poll * 10)
            for p, value in zip(finished, fetched):
                if value is _LOST:
                    failed.append(p)
                else:
                    results[p] = value
            for p in done:
                future = pending.pop(p)
                if p in finished:
                    continue
                try:
                    future.result()
                except _errors.Error as e:
                    errors[p] = e
                except (_Missing, KilledWorker, CommClosedError, OSError,
                        CancelledError):
                    failed.append(p)
            if not pending:
                break
            alive = self._alive()
            for p in [p for p in pending if self._where[p] not in alive]:
                pending.pop(p).cancel()
                failed.append(p)
            if (self.timeout is not None and
                    time.monotonic() - start > self.timeout):
                for f in pending.values():
                    f.cancel()
                raise _errors.make_error(
                    "DEADLINE_EXCEEDED",
                    f"partitions {sorted(pending)} did not answer within "
                    f"{self.timeout} s")
        return failed, errors

    def _fetch(self, futures: List[Any], timeout: float) -> List[Any]:
        """The results of finished futures in one round trip (result() is
        one each), bounded: a result lost with its worker before it was
        fetched would otherwise be waited for forever (its task is pinned
        to the dead worker). Lost ones come back as _LOST."""
        if not futures:
            return []
        try:
            return self._client.sync(self._client._gather, futures,
                                     callback_timeout=timeout)
        except (AttributeError, TypeError):
            pass  # another distributed version: one result() each
        except Exception:  # noqa: BLE001 - sorted out one by one below
            pass
        out = []
        for f in futures:
            try:
                out.append(f.result(timeout=timeout))
            except _errors.Error:
                raise
            except Exception:  # noqa: BLE001 - lost with its worker
                out.append(_LOST)
        return out

    def _map(self, op: str, args: Callable[[int], Tuple],
             partitions: Optional[Sequence[int]] = None,
             delay: bool = True) -> Dict[int, Any]:
        """Runs `op` on each partition; retries partitions whose worker was
        lost after rebuilding them; raises the slicekit error of the lowest
        failing partition (every partition fails alike on a bad filter)."""
        pending = list(range(self._partitions) if partitions is None
                       else partitions)
        results: Dict[int, Any] = {}
        for attempt in range(self.max_retries + 1):
            futures = {
                p: self._submit(p, _run, self._uid, p, self._versions[p], op,
                                args(p), self.scan_threads,
                                self._test_delay_s if delay else 0.0)
                for p in pending
            }
            failed, errors = self._collect(futures, results)
            if errors:
                raise errors[min(errors)]
            if not failed:
                return results
            if attempt == self.max_retries:
                break
            self._place(failed)
            pending = failed
        raise PartitionLostError(
            "UNAVAILABLE",
            f"partitions {sorted(pending)} were lost with their workers and "
            f"the query failed {self.max_retries + 1} times; nothing was "
            "returned")

    def _mutate_all(self, entries: Dict[int, Tuple]) -> None:
        """Logs one entry per partition and applies it. A partition lost on
        the way is rebuilt from its log, which holds the entry, so each entry
        applies exactly once."""
        for p, entry in entries.items():
            self._logs[p].append(entry)
        futures = {p: self._submit(p, _mutate, self._uid, p,
                                   self._versions[p], entries[p])
                   for p in entries}
        failed, errors = self._collect(futures, {})
        for p in errors:
            self._logs[p].pop()  # not applied there
        for p in entries:
            if p not in errors:
                self._versions[p] += 1
        if errors:
            # Unreachable for checked input: name what was applied where.
            first = errors[min(errors)]
            raise _errors.make_error(
                "INTERNAL",
                f"the change was applied to partitions "
                f"{sorted(set(entries) - set(errors))} but failed on "
                f"{sorted(errors)}: {first}")
        if failed:
            self._place(failed)

    # -- reads -------------------------------------------------------------

    @property
    def num_live_rows(self) -> int:
        with self._lock:
            return sum(self._map("size", lambda p: ()).values())

    def __len__(self) -> int:
        return self.num_live_rows

    def partition_sizes(self) -> List[int]:
        """Live rows per partition."""
        with self._lock:
            got = self._map("size", lambda p: ())
            return [got[p] for p in range(self._partitions)]

    def count(self, filter: Any = None) -> int:
        """The live rows matching `filter` (Expr or text; None: all)."""
        f = _filter(filter)
        with self._lock:
            return sum(self._map("count", lambda p: (f,)).values())

    def row_ids(self, filter: Any = None, order_by: Any = None,
                offset: int = 0, limit: Optional[int] = None) -> np.ndarray:
        """The ids of the live rows matching `filter` in the order of
        `order_by` (default data_row_id), skipping `offset`, at most
        `limit`: slicekit.slice_row_ids() of one table. A Slice as `filter`
        brings its own order unless `order_by` is given."""
        if isinstance(filter, Slice):
            if order_by is None:
                order_by = filter.order_by
            filter = filter.filter
        f, keys = _filter(filter), _order_keys(order_by)
        if offset < 0 or (limit is not None and limit < 0):
            raise _errors.make_error("INVALID_ARGUMENT",
                                     "offset and limit must be >= 0")
        want = None if limit is None else offset + limit
        with self._lock:
            got = self._map("order", lambda p: (f, keys, want))
        merged = _merge([got[p] for p in range(self._partitions)], keys)
        end = None if limit is None else offset + limit
        return _decode([row[1] for row in merged[offset:end]])

    def order_page(self, filter: Any = None, order_by: Any = None,
                   cursor: str = "", limit: int = 50) -> Page:
        """Keyset pagination: up to `limit` ids after `cursor` in the order
        of `order_by` (slicekit.order_page of one table); the cursor works
        on every partition."""
        f, keys = _filter(filter), _order_keys(order_by)
        with self._lock:
            got = self._map("page", lambda p: (f, keys, cursor, limit))
        return self._page([got[p] for p in range(self._partitions)], keys,
                          limit)

    def _page(self, parts: List[Tuple], keys: List[OrderBy],
              limit: int) -> Page:
        merged = _merge([(ids, values) for ids, values, _, _ in parts], keys,
                        [cursors for _, _, cursors, _ in parts])
        more = len(merged) > limit or any(more for *_, more in parts)
        taken = merged[:limit]
        next_cursor = taken[-1][2] if more and taken else ""
        return Page(_decode([row[1] for row in taken]), next_cursor)

    def explore(self, target: Any, order_by: Any = None, cursor: str = "",
                limit: int = 50, summarize: bool = True) -> Page:
        """One page of a Slice, Expr or filter text (the slice's order
        unless `order_by` is given), its total and summary: slicekit.explore()
        of one table, with ids instead of positions."""
        if isinstance(target, Slice):
            f = target.filter
            keys = (list(target.order_by) if order_by is None else
                    _order_keys(order_by))
        else:
            f, keys = _filter(target), _order_keys(order_by)
            if f is None:
                f = Expr()
        with self._lock:
            got = self._map("explore",
                            lambda p: (f, keys, cursor, limit, summarize))
        parts = [got[p] for p in range(self._partitions)]
        page = self._page([part[0] for part in parts], keys, limit)
        page.total_rows = sum(part[1] for part in parts)
        if summarize:
            page.summary = self._combine([part[2] for part in parts])
        return page

    def _has(self, tp: str, fp: str, fn: str) -> Tuple[bool, bool, bool]:
        return tuple(self._types.get(c) == "int" for c in (tp, fp, fn))

    def _combine(self, parts: List[Dict]) -> SliceSummary:
        """Adds partition summaries as Summarize() would over their union."""
        out = SliceSummary()
        out.rows = sum(s["rows"] for s in parts)
        _combine_counts(self._has("tp", "fp", "fn"),
                        sum(s["tp"] for s in parts),
                        sum(s["fp"] for s in parts),
                        sum(s["fn"] for s in parts), out)
        for mean, count in (("mean_confidence", "confidence_count"),
                            ("mean_iou", "iou_count")):
            n = sum(s[count] for s in parts)
            setattr(out, count, n)
            setattr(out, mean, None if n == 0 else
                    sum(s[mean] * s[count] for s in parts if s[count]) / n)
        classes = []
        for i, first in enumerate(parts[0]["classes"]):
            c = ClassSummary()
            name = first["class_name"]
            c.class_name = name
            _combine_counts(
                self._has(f"tp[{name}]", f"fp[{name}]", f"fn[{name}]"),
                sum(s["classes"][i]["tp"] for s in parts),
                sum(s["classes"][i]["fp"] for s in parts),
                sum(s["classes"][i]["fn"] for s in parts), c)
            classes.append(c)
        out.classes = classes
        return out

    def summarize(self, filter: Any = None) -> SliceSummary:
        """The summary of the live rows matching `filter` (None: all)."""
        f = _filter(filter)
        with self._lock:
            got = self._map("summarize", lambda p: (f,))
        return self._combine([got[p] for p in range(self._partitions)])

    def summarize_all(self) -> SliceSummary:
        return self.summarize(None)

    def summarize_dataset(self, dataset: str) -> SliceSummary:
        return self.summarize(Expr.compare("dataset", "=", dataset))

    def compare_summaries(self, filter: Any,
                          dataset: Optional[str] = None) -> SummaryComparison:
        out = SummaryComparison()
        out.slice = self.summarize(filter)
        out.all = self.summarize_all()
        out.dataset = (None if dataset is None else
                       self.summarize_dataset(dataset))
        return out

    def auto_slices(self, limit: int = 10) -> List[AutoSliceRows]:
        """Each auto slice of the schema with its count and first `limit`
        ids in its order."""
        with self._lock:
            got = self._map("auto", lambda p: (limit,))
        schema_table = self._scratch()
        out = []
        for i, a in enumerate(_auto_slices(schema_table)):
            parts = [got[p][i] for p in range(self._partitions)]
            merged = _merge([part[1] for part in parts], list(a.order_by))
            out.append(AutoSliceRows(a, sum(part[0] for part in parts),
                                     _decode([r[1] for r in merged[:limit]])))
        return out

    def to_pandas(self, ids: Sequence[Any],
                  columns: Optional[Sequence[str]] = None) -> Any:
        """The live rows with these ids, in that order, as a DataFrame
        with Table.to_pandas's columns, indexed by (partition, row): the
        "row" level is the row's position in its partition's table, as
        Table.to_pandas's index is in a table. NotFoundError names the
        first id that is not a live row."""
        import pandas as pd
        ids = list(ids)
        routed = self._route(ids)
        cols = None if columns is None else list(dict.fromkeys([ID, *columns]))
        with self._lock:
            found = self._map("find", lambda p: (routed[p][1],),
                              partitions=list(routed), delay=False)
            missing = [i for p in routed
                       for i, row in zip(routed[p][0], found[p]) if row < 0]
            if missing:
                self._scratch().delete([ids[min(missing)]])  # NotFoundError
            got = self._map("rows", lambda p: (routed[p][1], cols),
                            partitions=list(routed), delay=False)
        names = ["partition", "row"]
        if not got:
            frame = _table.to_pandas(self._scratch(), [], cols)
            frame.index = pd.MultiIndex.from_arrays([[], []], names=names)
        else:
            parts = sorted(got)
            frame = pd.concat([got[p] for p in parts], keys=parts,
                              names=names)
            # An id asked for twice is its row twice, as a position given
            # twice is to Table.to_pandas.
            first: Dict[str, int] = {}
            for k, row_id in enumerate(frame[ID]):
                first.setdefault(row_id, k)
            frame = frame.iloc[[first[_id_text(i)] for i in ids]]
        return frame if columns is None else frame[list(columns)]

    def __repr__(self) -> str:
        return (f"<slicekit.distributed.PartitionedTable {self._partitions} "
                f"partitions x {len(self._schema)} columns>")

    # -- writes ------------------------------------------------------------

    def _scratch(self) -> Table:
        """An empty table of the schema: emulates one table's checks."""
        if self._scratch_table is None:
            self._scratch_table = Table._from_columns(
                _table.payload(_table.empty_columns(self._schema),
                               schema=self._schema), 1024)
        return self._scratch_table

    def _route(self, ids: Sequence[Any]
               ) -> Dict[int, Tuple[np.ndarray, List[Any]]]:
        """{partition: (indexes into ids, those ids)} for non-empty parts."""
        if not len(ids):
            return {}
        array = ids if isinstance(ids, np.ndarray) else np.asarray(
            list(ids), dtype=object)
        parts = partition_of(array, self._partitions)
        out = {}
        for p in np.unique(parts):
            index = np.flatnonzero(parts == p)
            out[int(p)] = (index, list(array[index]))
        return out

    def _holding(self, ids: List[Any]) -> Table:
        """A scratch table of the schema holding rows with these ids (NULL
        elsewhere): a write tried on it fails exactly as on one table of
        all the rows, when `ids` are the write's ids that are live."""
        return Table._from_columns(
            _table.payload(_table.null_rows(self._schema, ids),
                           schema=self._schema), 1024)

    def _live(self, ids: Sequence[Any],
              routed: Dict[int, Tuple[np.ndarray, List[Any]]]) -> List[Any]:
        """The ids (of `ids`, routed) that are live rows now."""
        found = self._map("find", lambda p: (routed[p][1],),
                          partitions=list(routed), delay=False)
        return [ids[i] for p in routed
                for i, row in zip(routed[p][0], found[p]) if row >= 0]

    def append(self, data: Any) -> None:
        """Appends rows (a DataFrame or mapping with the table's columns),
        routed to their partitions; all or none. A bad batch fails with the
        error one table would give (e.g. "batch row 3: data_row_id 'x'
        already exists in the table") and changes nothing."""
        with self._lock:
            payload = _table.payload(data, schema=self._schema)
            ids = np.asarray(_ids_of(data))
            routed = self._route(ids)
            live = self._live(ids, routed)
            # One table's checks, in its order: the whole batch appended to
            # a table holding just the batch's ids that are live already.
            self._holding(live)._append_columns(payload)
            entries = {p: ("append", _take(data, idx))
                       for p, (idx, _) in routed.items()}
            self._appended.append(np.asarray(ids, dtype=object))
            self._mutate_all(entries)

    def delete(self, ids: Sequence[Any]) -> None:
        """Deletes the live rows with these ids, or none (NotFoundError
        naming the first id that is not live, as Table.delete)."""
        with self._lock:
            ids = list(ids)
            routed = self._route(ids)
            self._holding(self._live(ids, routed)).delete(ids)
            self._mutate_all({p: ("delete", part_ids)
                              for p, (_, part_ids) in routed.items()})

    def compact(self) -> None:
        """Drops deleted rows in every partition."""
        with self._lock:
            self._mutate_all({p: ("compact",) for p in range(self._partitions)})

    def end_watermark(self) -> PartitionedWatermark:
        """Every partition's end watermark, taken before an append, for
        new_rows_since()."""
        with self._lock:
            got = self._map("watermark", lambda p: (), delay=False)
            return PartitionedWatermark(
                tuple(tuple(got[p]) for p in range(self._partitions)),
                len(self._appended))

    def new_rows_since(self, mark: PartitionedWatermark,
                       slices: Sequence[Slice]) -> List[SliceIds]:
        """For each slice, the rows appended since `mark` that match it now
        (Curator.new_rows_since of one table), as ids in append order."""
        specs = [(s.id, s.name, s.filter, list(s.order_by)) for s in slices]
        with self._lock:
            got = self._map("curate", lambda p: (specs, *mark.marks[p]),
                            delay=False)
            order: Dict[str, int] = {}
            for batch in self._appended[mark.appends:]:
                for i in batch:
                    order[_id_text(i)] = len(order)
        out = []
        for n, s in enumerate(slices):
            ids = [i for p in range(self._partitions) for i in got[p][n]]
            ids.sort(key=lambda i: order.get(i, len(order)))
            out.append(SliceIds(s.id, s.name, np.array(ids, dtype=object)))
        return out


def _id_text(value: Any) -> str:
    """An id as the str the tables give back (ints as decimal text)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return str(value)


def _ids_of(data: Any) -> Any:
    try:
        ids = data[ID]
    except (KeyError, IndexError, TypeError):
        raise _errors.make_error("INVALID_ARGUMENT",
                                 f"the rows need a '{ID}' column") from None
    return ids.to_numpy() if hasattr(ids, "to_numpy") else ids


def _take(data: Any, index: np.ndarray) -> Any:
    import pandas as pd
    if isinstance(data, pd.DataFrame):
        return data.iloc[index].reset_index(drop=True)
    out = {}
    for k, v in data.items():
        if isinstance(v, np.ndarray):
            out[k] = v[index]
        elif isinstance(v, (pd.Series, pd.api.extensions.ExtensionArray)):
            out[k] = pd.Series(v).iloc[index].reset_index(drop=True)
        else:
            values = list(v)
            out[k] = [values[i] for i in index]
    return out


__all__ = ["AutoSliceRows", "Page", "PartitionLostError", "PartitionedTable",
           "PartitionedWatermark", "SliceIds", "partition_of"]
