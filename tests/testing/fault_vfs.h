// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Test-only: an SQLite VFS shim that wraps the platform's default VFS and
// injects the failures a full or failing disk produces, so the slice store's
// error paths can be driven from one test process without root, loop mounts
// or strace. Install() registers it as SQLite's default VFS, so
// SliceStore::OpenSqlite() uses it with no API change. Until a fault is
// armed or a quota set it passes every call straight through.
//
// Faults:
//  - a byte quota on the main database, WAL and rollback journal files
//    together (a tiny filesystem filled to the edge): a write that would grow
//    them past it fails with SQLITE_FULL and writes nothing, as the unix VFS
//    reports ENOSPC;
//  - SQLITE_IOERR_WRITE / _FSYNC / _READ (EIO) on the nth xWrite / xSync /
//    xRead call counted from Arm(), and, when `sticky`, on every later call
//    of that kind until Disarm().
//
// The shim declines memory-mapped I/O (its files report io_methods version
// 2), so every page read goes through xRead and can be failed. The -shm
// file is mapped by the wrapped VFS itself and is never failed.
#ifndef SLICEKIT_TESTS_TESTING_FAULT_VFS_H_
#define SLICEKIT_TESTS_TESTING_FAULT_VFS_H_

#include <cstdint>
#include <optional>

namespace slicekit::testing {

enum class FaultKind { kWrite, kSync, kRead };

// Calls through the shim since the last ResetFaultVfs(), and faults injected.
struct FaultVfsCounts {
  int64_t writes = 0;
  int64_t syncs = 0;
  int64_t reads = 0;
  int64_t injected_full = 0;   // writes refused for the quota
  int64_t injected_ioerr = 0;  // calls failed by an armed fault
};

// Registers the shim (named "slicekit_fault") as the default VFS. Safe to
// call more than once.
void InstallFaultVfs();

// Makes the wrapped platform VFS ("unix") the default again, or the shim,
// so that a test can reopen a store exactly as production code would.
void UsePlainVfsByDefault();
void UseFaultVfsByDefault();

// Disarms every fault, removes the quota and zeroes the counts.
void ResetFaultVfs();

// Fails the `nth` (0-based) call of `kind` counted from now; with `sticky`,
// every later call of that kind too. Replaces an armed fault.
void ArmFault(FaultKind kind, int64_t nth, bool sticky);
void DisarmFault();

// Limits the main database, WAL and journal files opened through the shim to
// `bytes` in total (nullopt: no limit). The files' current sizes count.
void SetFaultVfsQuota(std::optional<int64_t> bytes);

// The current total size of the files the quota covers that are open.
int64_t FaultVfsUsedBytes();

FaultVfsCounts GetFaultVfsCounts();

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_TESTING_FAULT_VFS_H_
