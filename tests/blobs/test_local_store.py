"""The local folder store: dedupe, streaming, limits, permissions, verification."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import threading
import tracemalloc
from pathlib import Path

import pytest

from zhifa.blobs import (
    BlobNotFound,
    BlobTooLarge,
    LocalBlobStore,
    StoreConfigError,
    StoreUnavailable,
    hash_stream,
)

from .streams import GatedStream, PatternStream, pattern_digest

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
MIB = 1024 * 1024


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs", create=True)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _tmp_files(store: LocalBlobStore) -> list[Path]:
    return _files(store.root / "tmp")


def _read(store: LocalBlobStore, digest: str) -> bytes:
    with store.open(digest) as stream:
        return stream.read()


def test_put_returns_digest_with_algorithm_and_size(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"abc"))
    assert info.digest == hash_stream(io.BytesIO(b"abc"), "sha256")[0]
    assert info.digest.startswith("sha256:")
    assert (info.size, info.algorithm) == (3, "sha256")
    assert store.stat(info.digest) == info
    assert store.exists(info.digest)
    assert _read(store, info.digest) == b"abc"


def test_blob_lives_at_its_fan_out_path(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"layout"))
    hexdigest = info.digest.split(":")[1]
    path = store.root / "sha256" / hexdigest[:2] / hexdigest[2:4] / hexdigest
    assert path.read_bytes() == b"layout"
    assert _tmp_files(store) == []


def test_same_content_is_stored_once(store: LocalBlobStore) -> None:
    first = store.put(io.BytesIO(b"same bytes"))
    path = _files(store.root / "sha256")[0]
    before = path.stat()
    second = store.put(io.BytesIO(b"same bytes"))
    after = path.stat()
    assert first == second
    assert _files(store.root / "sha256") == [path]
    # Nothing new was written: the very same inode, untouched.
    assert (after.st_ino, after.st_mtime_ns, after.st_nlink) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_nlink,
    )
    assert _tmp_files(store) == []


def test_concurrent_puts_of_the_same_content_leave_one_blob(store: LocalBlobStore) -> None:
    results = []

    def put() -> None:
        results.append(store.put(PatternStream(3 * MIB, seed=7)))

    threads = [threading.Thread(target=put) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({info.digest for info in results}) == 1
    assert len(_files(store.root / "sha256")) == 1
    assert _tmp_files(store) == []


def test_empty_blob(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b""))
    assert info.size == 0
    assert _read(store, info.digest) == b""


def test_blob_files_are_read_only(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"sealed"))
    path = _files(store.root / "sha256")[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    # Root ignores file modes, so the write attempt runs without the override capability.
    result = _run_unprivileged(
        f"""
        try:
            open({str(path)!r}, "r+b")
        except PermissionError:
            print("refused")
        """
    )
    assert result == "refused"
    assert store.verify(info.digest)


def test_max_bytes_refusal_leaves_nothing(store: LocalBlobStore) -> None:
    with pytest.raises(BlobTooLarge) as caught:
        store.put(PatternStream(5 * MIB), max_bytes=3 * MIB)
    assert "3145728" in str(caught.value)
    assert _files(store.root) == []
    assert list(store.iter_digests()) == []


def test_max_bytes_accepts_exactly_the_limit(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"12345"), max_bytes=5)
    assert info.size == 5


def test_failing_source_stream_leaves_nothing(store: LocalBlobStore) -> None:
    class Broken(io.RawIOBase):
        calls = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:
            self.calls += 1
            if self.calls > 2:
                raise OSError("network went away")
            buffer[:4] = b"data"
            return 4

    with pytest.raises(OSError, match="network went away"):
        store.put(Broken())
    assert _files(store.root) == []


def test_unknown_digest(store: LocalBlobStore) -> None:
    missing = pattern_digest(10)
    assert not store.exists(missing)
    with pytest.raises(BlobNotFound):
        store.open(missing)
    with pytest.raises(BlobNotFound):
        store.stat(missing)


def test_sm3_store(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path, algorithm="sm3")
    info = store.put(io.BytesIO(b"abc"))
    assert info.digest == "sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert _read(store, info.digest) == b"abc"
    assert (tmp_path / "sm3" / "66" / "c7").is_dir()
    assert store.verify(info.digest)


def test_stores_read_every_algorithm_and_list_all(tmp_path: Path) -> None:
    sha = LocalBlobStore(tmp_path).put(io.BytesIO(b"one"))
    sm3_store = LocalBlobStore(tmp_path, algorithm="sm3")
    sm3 = sm3_store.put(io.BytesIO(b"one"))
    assert sm3.digest != sha.digest
    assert _read(sm3_store, sha.digest) == b"one"
    assert set(sm3_store.iter_digests()) == {sha.digest, sm3.digest}


def test_iter_digests_ignores_foreign_files(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"listed"))
    hexdigest = info.digest.split(":")[1]
    (store.root / "sha256" / hexdigest[:2] / hexdigest[2:4] / "notes.txt").write_text("x")
    (store.root / "sha256" / "zz").mkdir()
    assert list(store.iter_digests()) == [info.digest]


def test_verify_detects_a_flipped_byte(store: LocalBlobStore) -> None:
    info = store.put(PatternStream(100_000))
    path = _files(store.root / "sha256")[0]
    path.chmod(0o644)  # the tamperer has to lift the read-only mode first
    data = bytearray(path.read_bytes())
    data[50_000] ^= 0x01
    path.write_bytes(bytes(data))
    result = store.verify(info.digest)
    assert not result
    assert result.problem == "mismatch"
    assert result.actual_digest is not None and result.actual_digest != info.digest


def test_verify_detects_a_deleted_blob(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"short-lived"))
    _files(store.root / "sha256")[0].unlink()
    result = store.verify(info.digest)
    assert (result.ok, result.problem) == (False, "missing")
    assert not store.exists(info.digest)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="does not exist") as caught:
        LocalBlobStore(tmp_path / "nowhere")
    assert "不存在" in caught.value.message_zh
    assert not (tmp_path / "nowhere").exists()


def test_relative_folder_is_refused() -> None:
    with pytest.raises(StoreConfigError):
        LocalBlobStore("relative/blobs")


def test_unreadable_folder_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "locked"
    root.mkdir(mode=0o000)
    result = _run_unprivileged(
        f"""
        from zhifa.blobs import LocalBlobStore, StoreUnavailable
        try:
            LocalBlobStore({str(root)!r})
        except StoreUnavailable as exc:
            print("StoreUnavailable:", exc)
        """
    )
    assert result.startswith("StoreUnavailable:")
    assert "not readable and writable" in result


def test_live_writers_temp_file_survives_reopening(store: LocalBlobStore) -> None:
    stream = GatedStream(b"head-", b"tail")
    outcome: list[object] = []
    writer = threading.Thread(target=lambda: outcome.append(store.put(stream)))
    writer.start()
    assert stream.reached_gate.wait(10)
    try:
        assert len(_tmp_files(store)) == 1
        reopened = LocalBlobStore(store.root)
        assert reopened.removed_stale == 0
        assert len(_tmp_files(store)) == 1
    finally:
        stream.gate.set()
        writer.join(10)
    (info,) = outcome
    assert _read(store, info.digest) == b"head-tail"  # type: ignore[attr-defined]
    assert _tmp_files(store) == []


def test_large_stream_round_trip_in_bounded_memory(tmp_path: Path) -> None:
    """200 MB through put and open in a fresh process; peak RSS stays far below that.

    Peak RSS is read from VmHWM: ``ru_maxrss`` would carry over pytest's own peak, which
    Linux keeps across fork and exec.
    """
    size = 200 * MIB
    script = f"""
        import json
        from streams import PatternStream, pattern_digest
        from zhifa.blobs import LocalBlobStore, hash_stream
        store = LocalBlobStore({str(tmp_path)!r})
        info = store.put(PatternStream({size}, seed=3))
        with store.open(info.digest) as stream:
            reread = hash_stream(stream, "sha256")
        print(json.dumps({{
            "digest": info.digest, "size": info.size, "reread": reread[0],
            "reread_size": reread[1], "expected": pattern_digest({size}, seed=3),
            "peak_rss_kib": int(next(
                line.split()[1] for line in open("/proc/self/status")
                if line.startswith("VmHWM:")
            )),
        }}))
        """
    result = json.loads(_run_python(script))
    assert result["size"] == result["reread_size"] == size
    assert result["digest"] == result["reread"] == result["expected"]
    assert result["peak_rss_kib"] < 100 * 1024, result


def test_put_allocates_about_one_chunk(store: LocalBlobStore) -> None:
    tracemalloc.start()
    try:
        store.put(PatternStream(32 * MIB, seed=9))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MIB, peak


# -- helpers ------------------------------------------------------------------------------


def _run_python(script: str, prefix: list[str] | None = None) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), str(SRC)]))
    completed = subprocess.run(
        [*(prefix or []), sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def _run_unprivileged(script: str) -> str:
    """Run a script that must obey file modes, even when the tests run as root."""
    if os.geteuid() != 0:
        return _run_python(script)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot drop the file-mode override")
    return _run_python(script, [setpriv, "--bounding-set=-dac_override,-dac_read_search"])
