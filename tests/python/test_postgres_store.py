# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""SliceStore.open(location) (issue 25): a PostgreSQL URI opens the
PostgreSQL backend, a path the SQLite one; errors never show the password.
The tests that need a server start one of their own (initdb into a
temporary directory, a Unix socket only, as the `postgres` user when run as
root) once for the module, and skip only where PostgreSQL's server programs
are not installed."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

import slicekit as sk

PORT = 54331


def _bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


@pytest.fixture(scope="module")
def server():
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not "
                    "installed (Debian: apt-get install postgresql)")
    top = tempfile.mkdtemp(prefix="slicekit_pg_py_", dir="/tmp")
    demote = None
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(top, pw.pw_uid, pw.pw_gid)

        def demote():
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)

    # The server's programs run without the sanitizer runtime the suite
    # may preload for the extension (tests/python/CMakeLists.txt): under
    # it initdb never returns.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}

    def run(*args):
        subprocess.run(args, check=True, preexec_fn=demote, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    data = os.path.join(top, "data")
    run(os.path.join(bindir, "initdb"), "-D", data, "-U", "slicekit", "-A",
        "trust", "-E", "UTF8", "--locale=C", "-N")
    run(os.path.join(bindir, "pg_ctl"), "-D", data, "-w", "-l",
        os.path.join(top, "server.log"), "-o",
        f"-c listen_addresses='' -c unix_socket_directories='{top}' "
        f"-p {PORT} -c fsync=off", "start")
    try:
        yield f"postgresql://slicekit@/postgres?host={top}&port={PORT}"
    finally:
        run(os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate",
            "stop")
        shutil.rmtree(top, ignore_errors=True)


def test_a_uri_opens_the_postgresql_backend(server):
    with sk.SliceStore.open(server) as store:
        made = store.create("acme", "low confidence", "confidence < 0.3")
        # repr() names the backend, never the URI (it may hold a password).
        assert "postgresql" in repr(store)
        assert server not in repr(store)
    with sk.SliceStore.open(server, read_only=True) as store:
        assert store.get("acme", made.id).name == "low confidence"
        with pytest.raises(sk.FailedPreconditionError, match="read-only"):
            store.create("acme", "another one", "fp >= 1")


def test_a_path_stays_sqlite(tmp_path):
    path = str(tmp_path / "slices.db")
    with sk.SliceStore.open(path) as store:
        store.create("acme", "a sqlite slice", "fp >= 1")
        assert "slices.db" in repr(store)
    assert os.path.getsize(path) > 0
    # An os.PathLike works as the str does.
    with sk.SliceStore.open(tmp_path / "slices.db", read_only=True) as store:
        assert [s.name for s in store.list("acme")] == ["a sqlite slice"]
        assert "read-only" in repr(store)


def test_errors_never_show_the_password():
    with pytest.raises(sk.InvalidArgumentError) as bad:
        sk.SliceStore.open("postgresql://ann:Hunter2-secret@db.example:x/db")
    assert "Hunter2" not in str(bad.value)
    with pytest.raises(sk.UnavailableError) as refused:
        sk.SliceStore.open(
            "postgresql://ann:Hunter2-secret@/db?host=/nonexistent")
    assert "postgresql://ann@" in str(refused.value)
    assert "Hunter2" not in str(refused.value)
