"""Per-blob lock dates in the local folder store: lock records beside the blobs,
extend-only, and ``remove`` refused before the date as an S3 server would."""

from __future__ import annotations

import io
import random
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zhifa.blobs import (
    BlobLocked,
    BlobNotFound,
    InvalidRetention,
    LocalBlobStore,
    StoreUnavailable,
)

from .lockwait import remove_once_unlocked


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs", create=True)


def _in(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)  # not a legal limit: test lock dates


def _whole(when: datetime) -> datetime:
    return when.replace(microsecond=0) + timedelta(seconds=1 if when.microsecond else 0)


def _record(store: LocalBlobStore, digest: str) -> Path:
    algorithm, hexdigest = digest.split(":")
    return store.root / "retention" / algorithm / hexdigest[:2] / hexdigest[2:4] / hexdigest


def test_each_blob_is_locked_until_its_own_date(store: LocalBlobStore) -> None:
    soon, late = _in(days=10, microseconds=250_000), _in(days=400)
    first = store.put(io.BytesIO(b"kept ten days"), retain_until=soon)
    second = store.put(io.BytesIO(b"kept longer"), retain_until=late)
    assert store.retained_until(first.digest) == _whole(soon)
    assert store.retained_until(second.digest) == _whole(late)
    record = _record(store, first.digest)
    assert record.read_text() == f"{_whole(soon).isoformat()}\n"
    assert stat.S_IMODE(record.stat().st_mode) == 0o444
    assert list(store.iter_digests()) == sorted([first.digest, second.digest])


def test_without_a_date_or_default_there_is_no_lock(store: LocalBlobStore, tmp_path: Path) -> None:
    info = store.put(io.BytesIO(b"no schedule"))
    assert store.retained_until(info.digest) is None
    assert not (store.root / "retention").exists()
    store.remove(info.digest)  # nothing holds it
    assert not store.exists(info.digest)

    kept = LocalBlobStore(tmp_path / "kept", create=True, retention=timedelta(days=1))
    dated = kept.put(io.BytesIO(b"default period"))
    until = kept.retained_until(dated.digest)
    assert until is not None and _in(hours=23) < until < _in(hours=25)


def test_remove_is_refused_while_locked(store: LocalBlobStore) -> None:
    until = _in(days=3)
    info = store.put(io.BytesIO(b"evidence under lock"), retain_until=until)
    with pytest.raises(BlobLocked) as refused:
        store.remove(info.digest)
    assert refused.value.until == _whole(until)
    assert "北京时间" in refused.value.message_zh
    assert store.exists(info.digest) and store.verify(info.digest)
    assert stat.S_IMODE(store._path(info.digest).stat().st_mode) == 0o444


def test_remove_once_the_date_has_passed(store: LocalBlobStore) -> None:
    until = _in(seconds=2)
    info = store.put(io.BytesIO(b"disposed of after its period"), retain_until=until)
    _refusals, removed_at = remove_once_unlocked(store, info.digest)
    assert removed_at >= _whole(until)
    assert not store.exists(info.digest)
    assert store.verify(info.digest).problem == "missing"
    assert not _record(store, info.digest).exists()
    assert list(store.iter_digests()) == []
    with pytest.raises(BlobNotFound):
        store.remove(info.digest)


def test_retain_extends_and_never_shortens(store: LocalBlobStore) -> None:
    first, later = _in(days=2), _in(days=5)
    info = store.put(io.BytesIO(b"under a hold"), retain_until=first)
    assert store.retain(info.digest, later) == _whole(later)
    assert store.retain(info.digest, first) == _whole(later)
    assert store.retained_until(info.digest) == _whole(later)
    plain = store.put(io.BytesIO(b"no date yet"))
    assert store.retain(plain.digest, first) == _whole(first)  # a hold on an undated blob


def test_retain_refuses_bad_dates_and_unknown_blobs(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"dated"))
    with pytest.raises(InvalidRetention):
        store.retain(info.digest, datetime(2099, 1, 1))
    with pytest.raises(InvalidRetention):
        store.retain(info.digest, _in(seconds=-1))
    with pytest.raises(InvalidRetention):
        store.put(io.BytesIO(b"never stored"), retain_until=_in(days=-1))
    assert list(store.iter_digests()) == [info.digest]
    unknown = "sha256:" + "0" * 64
    for call in (
        lambda: store.retain(unknown, _in(days=1)),
        lambda: store.retained_until(unknown),
        lambda: store.remove(unknown),
    ):
        with pytest.raises(BlobNotFound):
            call()


def test_a_hold_keeps_the_blob_past_its_original_date(store: LocalBlobStore) -> None:
    original, hold = _in(seconds=1), _in(seconds=4)
    info = store.put(io.BytesIO(b"held for an inquiry"), retain_until=original)
    store.retain(info.digest, hold)
    _refusals, removed_at = remove_once_unlocked(store, info.digest)
    assert removed_at >= _whole(hold) > _whole(original)


def test_putting_again_extends_and_never_shortens(store: LocalBlobStore, tmp_path: Path) -> None:
    sooner, later = _in(days=2), _in(days=30)
    data = b"relied on by a second record"
    info = store.put(io.BytesIO(data), retain_until=sooner)
    store.put(io.BytesIO(data), retain_until=later)
    assert store.retained_until(info.digest) == _whole(later)
    store.put(io.BytesIO(data), retain_until=sooner)
    store.put(io.BytesIO(data))
    assert store.retained_until(info.digest) == _whole(later)
    # put_file adopting by link, new and existing content alike
    upload = tmp_path / "upload.part"
    upload.write_bytes(data)
    ninety = _in(days=90)
    assert store.put_file(upload, digest=info.digest, retain_until=ninety) == info
    assert store.retained_until(info.digest) == _whole(ninety)
    other = tmp_path / "other.part"
    other.write_bytes(b"adopted with a date")
    adopted = store.put(io.BytesIO(b"adopted with a date"))
    store.remove(adopted.digest)  # undated: removable; then adopted again, dated
    assert store.put_file(other, digest=adopted.digest, retain_until=sooner) == adopted
    assert store.retained_until(adopted.digest) == _whole(sooner)


def test_concurrent_extensions_keep_the_latest_date(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"many holds at once"))
    draws = random.Random(160)
    dates = [_in(days=draws.randint(1, 10_000)) for _ in range(160)]
    threads = [
        threading.Thread(
            target=lambda part=dates[i::8]: [store.retain(info.digest, d) for d in part]
        )
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.retained_until(info.digest) == _whole(max(dates))
    assert list((store.root / "tmp").iterdir()) == []


def test_a_damaged_lock_record_refuses_removal(store: LocalBlobStore) -> None:
    info = store.put(io.BytesIO(b"record damaged"), retain_until=_in(days=1))
    record = _record(store, info.digest)
    record.chmod(0o644)
    record.write_text("not a date\n")
    with pytest.raises(StoreUnavailable):
        store.remove(info.digest)
    assert store.verify(info.digest)
