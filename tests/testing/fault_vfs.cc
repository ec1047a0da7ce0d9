// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "tests/testing/fault_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>

namespace slicekit::testing {
namespace {

// One file opened through the shim; the wrapped VFS's file follows it in
// the same allocation (szOsFile covers both).
struct ShimFile {
  sqlite3_file base;   // must be first: SQLite sees a ShimFile as this
  sqlite3_file* real;  // the wrapped VFS's file, right after this struct
  bool quota_counted;  // main database, WAL or rollback journal
};

struct State {
  std::mutex mu;
  sqlite3_vfs* real = nullptr;
  FaultVfsCounts counts;
  std::optional<FaultKind> armed;
  int64_t armed_nth = 0;
  int64_t armed_seen = 0;  // calls of the armed kind since ArmFault
  bool sticky = false;
  std::optional<int64_t> quota;
  std::set<ShimFile*> open_files;
};

State& GetState() {
  static State* state = new State;
  return *state;
}

// Whether this call of `kind` must fail; counts it. REQUIRES: state.mu held.
bool ShouldFail(State& s, FaultKind kind) {
  switch (kind) {
    case FaultKind::kWrite:
      ++s.counts.writes;
      break;
    case FaultKind::kSync:
      ++s.counts.syncs;
      break;
    case FaultKind::kRead:
      ++s.counts.reads;
      break;
  }
  if (s.armed != kind) return false;
  const int64_t call = s.armed_seen++;
  const bool fail = call == s.armed_nth || (s.sticky && call > s.armed_nth);
  if (fail) ++s.counts.injected_ioerr;
  return fail;
}

// REQUIRES: state.mu held.
int64_t UsedBytesLocked(State& s) {
  int64_t total = 0;
  for (ShimFile* f : s.open_files) {
    if (!f->quota_counted) continue;
    sqlite3_int64 size = 0;
    if (f->real->pMethods->xFileSize(f->real, &size) == SQLITE_OK) {
      total += size;
    }
  }
  return total;
}

ShimFile* Shim(sqlite3_file* file) { return reinterpret_cast<ShimFile*>(file); }

int ShimClose(sqlite3_file* file) {
  ShimFile* f = Shim(file);
  {
    State& s = GetState();
    std::lock_guard<std::mutex> lock(s.mu);
    s.open_files.erase(f);
  }
  return f->real->pMethods->xClose(f->real);
}

int ShimRead(sqlite3_file* file, void* buffer, int amount,
             sqlite3_int64 offset) {
  ShimFile* f = Shim(file);
  {
    State& s = GetState();
    std::lock_guard<std::mutex> lock(s.mu);
    if (ShouldFail(s, FaultKind::kRead)) return SQLITE_IOERR_READ;
  }
  return f->real->pMethods->xRead(f->real, buffer, amount, offset);
}

int ShimWrite(sqlite3_file* file, const void* buffer, int amount,
              sqlite3_int64 offset) {
  ShimFile* f = Shim(file);
  // A real ENOSPC is a short write: the bytes that fit land on disk before
  // the error (SQLite's unix VFS then reports SQLITE_FULL), so a file can
  // end in a partial page. -1: no quota trouble.
  int64_t fits = -1;
  {
    State& s = GetState();
    std::lock_guard<std::mutex> lock(s.mu);
    if (ShouldFail(s, FaultKind::kWrite)) return SQLITE_IOERR_WRITE;
    if (s.quota.has_value() && f->quota_counted) {
      sqlite3_int64 size = 0;
      if (f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK) {
        return SQLITE_IOERR_FSTAT;
      }
      const int64_t growth = std::max<int64_t>(0, offset + amount - size);
      const int64_t room = std::max<int64_t>(0, *s.quota - UsedBytesLocked(s));
      if (growth > room) {
        ++s.counts.injected_full;
        fits = std::clamp<int64_t>(size + room - offset, 0, amount);
      }
    }
  }
  if (fits >= 0) {
    if (fits > 0) {
      f->real->pMethods->xWrite(f->real, buffer, static_cast<int>(fits),
                                offset);
    }
    return SQLITE_FULL;
  }
  return f->real->pMethods->xWrite(f->real, buffer, amount, offset);
}

int ShimTruncate(sqlite3_file* file, sqlite3_int64 size) {
  return Shim(file)->real->pMethods->xTruncate(Shim(file)->real, size);
}

int ShimSync(sqlite3_file* file, int flags) {
  ShimFile* f = Shim(file);
  {
    State& s = GetState();
    std::lock_guard<std::mutex> lock(s.mu);
    if (ShouldFail(s, FaultKind::kSync)) return SQLITE_IOERR_FSYNC;
  }
  return f->real->pMethods->xSync(f->real, flags);
}

int ShimFileSize(sqlite3_file* file, sqlite3_int64* size) {
  return Shim(file)->real->pMethods->xFileSize(Shim(file)->real, size);
}
int ShimLock(sqlite3_file* file, int level) {
  return Shim(file)->real->pMethods->xLock(Shim(file)->real, level);
}
int ShimUnlock(sqlite3_file* file, int level) {
  return Shim(file)->real->pMethods->xUnlock(Shim(file)->real, level);
}
int ShimCheckReservedLock(sqlite3_file* file, int* out) {
  return Shim(file)->real->pMethods->xCheckReservedLock(Shim(file)->real, out);
}
int ShimFileControl(sqlite3_file* file, int op, void* arg) {
  return Shim(file)->real->pMethods->xFileControl(Shim(file)->real, op, arg);
}
int ShimSectorSize(sqlite3_file* file) {
  return Shim(file)->real->pMethods->xSectorSize(Shim(file)->real);
}
int ShimDeviceCharacteristics(sqlite3_file* file) {
  return Shim(file)->real->pMethods->xDeviceCharacteristics(Shim(file)->real);
}
int ShimShmMap(sqlite3_file* file, int page, int page_size, int extend,
               void volatile** out) {
  return Shim(file)->real->pMethods->xShmMap(Shim(file)->real, page, page_size,
                                             extend, out);
}
int ShimShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Shim(file)->real->pMethods->xShmLock(Shim(file)->real, offset, n,
                                              flags);
}
void ShimShmBarrier(sqlite3_file* file) {
  Shim(file)->real->pMethods->xShmBarrier(Shim(file)->real);
}
int ShimShmUnmap(sqlite3_file* file, int delete_flag) {
  return Shim(file)->real->pMethods->xShmUnmap(Shim(file)->real, delete_flag);
}

// Version 2: no xFetch/xUnfetch, so SQLite never reads through mmap and
// every read can be failed.
const sqlite3_io_methods kShimMethods = {
    2,
    ShimClose,
    ShimRead,
    ShimWrite,
    ShimTruncate,
    ShimSync,
    ShimFileSize,
    ShimLock,
    ShimUnlock,
    ShimCheckReservedLock,
    ShimFileControl,
    ShimSectorSize,
    ShimDeviceCharacteristics,
    ShimShmMap,
    ShimShmLock,
    ShimShmBarrier,
    ShimShmUnmap,
    nullptr,
    nullptr,
};

int ShimOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
             int* out_flags) {
  sqlite3_vfs* real = static_cast<sqlite3_vfs*>(vfs->pAppData);
  ShimFile* f = Shim(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->quota_counted = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL |
                               SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  const int rc = real->xOpen(real, name, f->real, flags, out_flags);
  if (f->real->pMethods == nullptr) return rc;
  // Even a failed open may leave a file that SQLite will close.
  f->base.pMethods = &kShimMethods;
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  s.open_files.insert(f);
  return rc;
}

sqlite3_vfs* Real(sqlite3_vfs* vfs) {
  return static_cast<sqlite3_vfs*>(vfs->pAppData);
}
int ShimDelete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return Real(vfs)->xDelete(Real(vfs), name, sync_dir);
}
int ShimAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Real(vfs)->xAccess(Real(vfs), name, flags, out);
}
int ShimFullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return Real(vfs)->xFullPathname(Real(vfs), name, n, out);
}
void* ShimDlOpen(sqlite3_vfs* vfs, const char* name) {
  return Real(vfs)->xDlOpen(Real(vfs), name);
}
void ShimDlError(sqlite3_vfs* vfs, int n, char* out) {
  Real(vfs)->xDlError(Real(vfs), n, out);
}
void (*ShimDlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return Real(vfs)->xDlSym(Real(vfs), handle, symbol);
}
void ShimDlClose(sqlite3_vfs* vfs, void* handle) {
  Real(vfs)->xDlClose(Real(vfs), handle);
}
int ShimRandomness(sqlite3_vfs* vfs, int n, char* out) {
  return Real(vfs)->xRandomness(Real(vfs), n, out);
}
int ShimSleep(sqlite3_vfs* vfs, int micros) {
  return Real(vfs)->xSleep(Real(vfs), micros);
}
int ShimCurrentTime(sqlite3_vfs* vfs, double* out) {
  return Real(vfs)->xCurrentTime(Real(vfs), out);
}
int ShimGetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return Real(vfs)->xGetLastError(Real(vfs), n, out);
}
int ShimCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Real(vfs)->xCurrentTimeInt64(Real(vfs), out);
}

sqlite3_vfs* ShimVfs() {
  static sqlite3_vfs* vfs = [] {
    if (sqlite3_initialize() != SQLITE_OK) std::abort();
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr || real->iVersion < 2) std::abort();
    GetState().real = real;
    auto* shim = new sqlite3_vfs;
    std::memset(shim, 0, sizeof(*shim));
    shim->iVersion = 2;
    shim->szOsFile = static_cast<int>(sizeof(ShimFile)) + real->szOsFile;
    shim->mxPathname = real->mxPathname;
    shim->zName = "slicekit_fault";
    shim->pAppData = real;
    shim->xOpen = ShimOpen;
    shim->xDelete = ShimDelete;
    shim->xAccess = ShimAccess;
    shim->xFullPathname = ShimFullPathname;
    shim->xDlOpen = ShimDlOpen;
    shim->xDlError = ShimDlError;
    shim->xDlSym = ShimDlSym;
    shim->xDlClose = ShimDlClose;
    shim->xRandomness = ShimRandomness;
    shim->xSleep = ShimSleep;
    shim->xCurrentTime = ShimCurrentTime;
    shim->xGetLastError = ShimGetLastError;
    shim->xCurrentTimeInt64 = ShimCurrentTimeInt64;
    return shim;
  }();
  return vfs;
}

}  // namespace

void InstallFaultVfs() { UseFaultVfsByDefault(); }

void UseFaultVfsByDefault() {
  if (sqlite3_vfs_register(ShimVfs(), /*makeDflt=*/1) != SQLITE_OK) {
    std::abort();
  }
}

void UsePlainVfsByDefault() {
  ShimVfs();  // remembers the platform VFS before anything replaces it
  if (sqlite3_vfs_register(GetState().real, /*makeDflt=*/1) != SQLITE_OK) {
    std::abort();
  }
}

void ResetFaultVfs() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  s.counts = FaultVfsCounts();
  s.armed.reset();
  s.quota.reset();
}

void ArmFault(FaultKind kind, int64_t nth, bool sticky) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  s.armed = kind;
  s.armed_nth = nth;
  s.armed_seen = 0;
  s.sticky = sticky;
}

void DisarmFault() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  s.armed.reset();
}

void SetFaultVfsQuota(std::optional<int64_t> bytes) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  s.quota = bytes;
}

int64_t FaultVfsUsedBytes() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  return UsedBytesLocked(s);
}

FaultVfsCounts GetFaultVfsCounts() {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.counts;
}

}  // namespace slicekit::testing
