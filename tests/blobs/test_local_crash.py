"""A writer killed mid-write leaves no visible blob, and its temp file is cleaned up;
one killed while moving a lock date leaves the old date or a new one, never a torn one."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhifa.blobs import BlobLocked, LocalBlobStore

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
MIB = 1024 * 1024

# An endless stream: the writer can only end by being killed.
WRITER = """
    import sys
    from streams import PatternStream
    from zhifa.blobs import LocalBlobStore
    store = LocalBlobStore(sys.argv[1])
    store.put(PatternStream(1 << 62))
"""

# Extends one blob's lock a second at a time, for ever, saying each date once it is done.
EXTENDER = """
    import sys
    from datetime import timedelta
    from zhifa.blobs import LocalBlobStore
    store = LocalBlobStore(sys.argv[1])
    until = store.retained_until(sys.argv[2])
    while True:
        until = store.retain(sys.argv[2], until + timedelta(seconds=1))
        print(until.isoformat(), flush=True)
"""


def _start_writer(root: Path, script: str = WRITER, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), str(SRC)]))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(root), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for_temp_bytes(tmp_dir: Path, minimum: int, process: subprocess.Popen[bytes]) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        parts = list(tmp_dir.glob("*.part"))
        if parts and parts[0].stat().st_size >= minimum:
            return parts[0]
        time.sleep(0.02)
    raise AssertionError("the writer never started writing")


def test_killed_writer_leaves_no_blob_and_its_temp_file_is_removed(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    writer = _start_writer(tmp_path)
    try:
        temp = _wait_for_temp_bytes(tmp_path / "tmp", 20 * MIB, writer)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
    assert writer.returncode == -signal.SIGKILL

    # The orphan is there, but nothing partial is visible as a blob.
    assert temp.exists() and temp.stat().st_size >= 20 * MIB
    assert list(store.iter_digests()) == []
    assert not (tmp_path / "sha256").exists()

    # Opening the store again finds the dead writer's file and removes it.
    reopened = LocalBlobStore(tmp_path)
    assert reopened.removed_stale == 1
    assert list((tmp_path / "tmp").iterdir()) == []
    assert list(reopened.iter_digests()) == []


def test_cleanup_keeps_the_file_of_a_writer_that_is_still_running(tmp_path: Path) -> None:
    LocalBlobStore(tmp_path)
    writer = _start_writer(tmp_path)
    try:
        temp = _wait_for_temp_bytes(tmp_path / "tmp", 1 * MIB, writer)
        reopened = LocalBlobStore(tmp_path)
        assert reopened.removed_stale == 0
        assert temp.exists()
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
    assert LocalBlobStore(tmp_path).removed_stale == 1


def test_killed_extender_leaves_a_whole_lock_date(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    info = store.put(
        io.BytesIO(b"extended until killed"), retain_until=datetime(2040, 1, 1, tzinfo=UTC)
    )
    extender = _start_writer(tmp_path, EXTENDER, info.digest)
    assert extender.stdout is not None
    reported: list[bytes] = []
    try:
        while len(reported) < 200:  # well under way before the kill
            reported.append(extender.stdout.readline().strip())
    finally:
        extender.send_signal(signal.SIGKILL)
        extender.wait(10)
    reported += extender.stdout.read().split()
    last_done = datetime.fromisoformat(reported[-1].decode())
    # Whatever the kill interrupted, the record holds a whole date: at least the last one
    # reported done, at most the one after it (written, not yet reported).
    reopened = LocalBlobStore(tmp_path)
    until = reopened.retained_until(info.digest)
    assert until is not None and 0 <= (until - last_done).total_seconds() <= 1
    assert list((tmp_path / "tmp").iterdir()) == []
    with pytest.raises(BlobLocked):
        reopened.remove(info.digest)
