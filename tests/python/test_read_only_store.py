# Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
"""SliceStore.open_sqlite(path, read_only=True) (issue 19, item 8): reads
everything, writes nothing, refuses changes naming the file; and as a user
who cannot write the directory (as root: a child process that drops to
nobody, since root ignores file permissions)."""

import os
import subprocess
import sys
import tempfile

import pytest

import slicekit as sk


def make_store(path):
    with sk.SliceStore.open_sqlite(path) as store:
        made = store.create("acme", "Hard", "fp >= 1")
        store.rename("acme", made.id, "Hard ones")
        return made.id


def test_reads_and_refuses_changes(tmp_path):
    path = str(tmp_path / "s.db")
    slice_id = make_store(path)
    before = open(path, "rb").read()
    with sk.SliceStore.open_sqlite(path, read_only=True) as store:
        assert [s.name for s in store.list("acme")] == ["Hard ones"]
        assert [v.version for v in store.history("acme", slice_id)] == [1, 2]
        with pytest.raises(sk.FailedPreconditionError, match="read-only") as e:
            store.create("acme", "Other", "tp >= 1")
        assert path in str(e.value)
        with pytest.raises(sk.FailedPreconditionError, match="read-only"):
            store.rename("acme", slice_id, "Renamed")
    assert open(path, "rb").read() == before


def test_a_missing_file_is_not_created(tmp_path):
    path = str(tmp_path / "missing.db")
    with pytest.raises(sk.NotFoundError, match="does not exist"):
        sk.SliceStore.open_sqlite(path, read_only=True)
    assert not os.path.exists(path)


READER = """
import sys
import slicekit as sk
store = sk.SliceStore.open_sqlite(sys.argv[1], read_only=True)
print(",".join(s.name for s in store.list("acme")))
try:
    sk.SliceStore.open_sqlite(sys.argv[1])
    print("opened for writing")
except sk.FailedPreconditionError as e:
    print("refused:", e)
"""


def test_a_user_who_cannot_write_the_directory_reads():
    # Not under tmp_path: pytest's base directory is closed to other users.
    with tempfile.TemporaryDirectory(prefix="slicekit_ro_") as parent:
        directory = os.path.join(parent, "store")
        os.mkdir(directory)
        path = os.path.join(directory, "s.db")
        make_store(path)
        root = os.geteuid() == 0
        os.chmod(parent, 0o755)
        os.chmod(directory, 0o755 if root else 0o555)
        os.chmod(path, 0o644 if root else 0o444)

        def drop_to_nobody():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)

        try:
            result = subprocess.run(
                [sys.executable, "-c", READER, path], capture_output=True,
                text=True, env=os.environ,
                preexec_fn=drop_to_nobody if root else None)
        finally:
            os.chmod(directory, 0o755)
            os.chmod(path, 0o644)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "Hard ones"
        assert lines[1].startswith("refused:")
        assert "cannot be opened for writing" in lines[1]
        assert not os.path.exists(path + "-shm")
