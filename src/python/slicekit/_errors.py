# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""slicekit's exceptions: one per absl::StatusCode, all under slicekit.Error.

The C++ library reports errors as absl::Status values; the extension turns
each into an instance of the class for its code, with the Status message
unchanged (``str(e) == e.message``). They are plain Python classes so that
they pickle: Dask ships them from workers back to the client.
"""

from __future__ import annotations


class Error(Exception):
    """An error from slicekit.

    Attributes:
        code: the absl::StatusCode name, e.g. "INVALID_ARGUMENT", "NOT_FOUND".
        message: the C++ message, e.g. "unknown column 'confidense' (did you
            mean 'confidence'?)".
    """

    code: str = "UNKNOWN"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"

    def __reduce__(self):
        return (type(self), (self.code, self.message))


class CancelledError(Error):
    """CANCELLED."""


class UnknownError(Error):
    """UNKNOWN: e.g. writing an export failed."""


class InvalidArgumentError(Error, ValueError):
    """INVALID_ARGUMENT: a bad filter, name, literal, value or cursor."""


class DeadlineExceededError(Error, TimeoutError):
    """DEADLINE_EXCEEDED."""


class NotFoundError(Error, LookupError):
    """NOT_FOUND: an unknown column, slice, file or id."""


class AlreadyExistsError(Error):
    """ALREADY_EXISTS: a slice name taken in the org."""


class PermissionDeniedError(Error, PermissionError):
    """PERMISSION_DENIED."""


class ResourceExhaustedError(Error):
    """RESOURCE_EXHAUSTED: an org's 101st slice, too many rows."""


class FailedPreconditionError(Error):
    """FAILED_PRECONDITION: a stale version or selection, a closed store."""


class AbortedError(Error):
    """ABORTED."""


class OutOfRangeError(Error, IndexError):
    """OUT_OF_RANGE."""


class UnimplementedError(Error, NotImplementedError):
    """UNIMPLEMENTED."""


class InternalError(Error):
    """INTERNAL: a backend failure (SQLite)."""


class UnavailableError(Error):
    """UNAVAILABLE: e.g. a store locked for longer than the busy timeout, or
    (slicekit.distributed) a partition lost with its worker."""


class DataLossError(Error):
    """DATA_LOSS: a damaged store."""


class UnauthenticatedError(Error):
    """UNAUTHENTICATED."""


_BY_CODE = {
    "CANCELLED": CancelledError,
    "UNKNOWN": UnknownError,
    "INVALID_ARGUMENT": InvalidArgumentError,
    "DEADLINE_EXCEEDED": DeadlineExceededError,
    "NOT_FOUND": NotFoundError,
    "ALREADY_EXISTS": AlreadyExistsError,
    "PERMISSION_DENIED": PermissionDeniedError,
    "RESOURCE_EXHAUSTED": ResourceExhaustedError,
    "FAILED_PRECONDITION": FailedPreconditionError,
    "ABORTED": AbortedError,
    "OUT_OF_RANGE": OutOfRangeError,
    "UNIMPLEMENTED": UnimplementedError,
    "INTERNAL": InternalError,
    "UNAVAILABLE": UnavailableError,
    "DATA_LOSS": DataLossError,
    "UNAUTHENTICATED": UnauthenticatedError,
}


def make_error(code: str, message: str) -> Error:
    """The exception for a Status code name and message (used by the
    extension and by slicekit.distributed)."""
    return _BY_CODE.get(code, Error)(code, message)
