"""A blob store in a local (or mounted) folder.

Layout under the root folder::

    tmp/<pid>-<random>.part          uploads in progress (never read as blobs)
    sha256/ab/cd/abcd…               finished blobs, read-only (0o444)
    sm3/12/34/1234…
    retention/sha256/ab/cd/abcd…     the blob's lock date (ISO 8601, UTC), read-only

A blob becomes visible only by an atomic hard link from its finished, fsynced temp file
to its final name, so a reader sees a whole blob or none.

Stale temp files: every writer holds an exclusive ``flock`` on its temp file for as long
as it writes. The kernel drops that lock when the process ends, however it ends (SIGKILL
included), so a temp file whose lock someone else can take has no living writer and is
removed when the store is opened. Unlike "PID is gone" or "older than N hours", this rule
cannot hit a live writer through PID reuse, PID namespaces or a slow upload.

Lock dates: a folder cannot enforce an Object Lock, so the store keeps each blob's
retain-until itself (see ``retention`` for why per blob and extend-only) and ``remove``
refuses a blob before that date with ``BlobLocked``, as an S3 server would. This guards
the application against its own mistakes, not an operator with shell access. A lock
record is replaced whole by an atomic rename of a fsynced temp file (a crash leaves the
old date or the new one), only ever by a later date, and only while holding an exclusive
``flock`` on the blob file itself, so concurrent extensions and a removal of the same blob
take turns. A blob written without a date (and no store default) has no lock record.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from .base import BlobInfo, BlobStore
from .digests import (
    ALGORITHMS,
    CHUNK_SIZE,
    DEFAULT_ALGORITHM,
    HashingReader,
    check_algorithm,
    format_digest,
    is_valid_digest,
    parse_digest,
)
from .errors import BlobLocked, BlobNotFound, BlobTooLarge, StoreConfigError, StoreUnavailable
from .retention import LockRequest, exact_lock, lock_request

TMP_DIR = "tmp"
TMP_SUFFIX = ".part"
LOCK_DIR = "retention"
BLOB_MODE = 0o444


class LocalBlobStore(BlobStore):
    """Content-addressed, write-once blobs in a folder (POSIX file systems)."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        algorithm: str = DEFAULT_ALGORITHM,
        create: bool = False,
        retention: timedelta | None = None,
    ) -> None:
        self.root = Path(root)
        self.algorithm = check_algorithm(algorithm)
        if not self.root.is_absolute():
            raise StoreConfigError(f"blob folder must be an absolute path, got {str(root)!r}")
        if retention is not None and (
            not isinstance(retention, timedelta) or retention <= timedelta(0)
        ):
            raise StoreConfigError("retention must be a positive period (e.g. retention_days=3650)")
        #: Lock period for blobs stored without a date; None: such blobs get no lock.
        self.retention = retention
        self._tmp = self.root / TMP_DIR
        self._open_root(create)
        #: How many stale temp files opening the store removed (for logs and tests).
        self.removed_stale = self.remove_stale_temporaries()

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r}, algorithm={self.algorithm!r})"

    # -- opening -----------------------------------------------------------------------

    def _open_root(self, create: bool) -> None:
        try:
            if create:
                self.root.mkdir(parents=True, exist_ok=True)
            if not self.root.is_dir():
                raise StoreUnavailable(
                    f"blob folder {self.root} does not exist or is not a folder",
                    f"文件存储目录 {self.root} 不存在",
                )
            # os.access answers for the real user; listing and creating tmp/ below are the
            # real test (and the only one that means anything when running as root).
            if not os.access(self.root, os.R_OK | os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, "permission denied", str(self.root))
            os.listdir(self.root)
            self._tmp.mkdir(exist_ok=True)
            os.listdir(self._tmp)
        except PermissionError as exc:
            raise StoreUnavailable(
                f"blob folder {self.root} is not readable and writable by this process: {exc}",
                f"没有文件存储目录 {self.root} 的读写权限",
            ) from exc
        except OSError as exc:
            raise StoreUnavailable(f"cannot open blob folder {self.root}: {exc}") from exc

    def remove_stale_temporaries(self) -> int:
        """Remove temp files left by writers that died; returns how many were removed."""
        removed = 0
        for entry in os.scandir(self._tmp):
            if entry.is_file(follow_symlinks=False) and _remove_if_unlocked(entry.path):
                removed += 1
        return removed

    # -- paths -------------------------------------------------------------------------

    def _path(self, digest: str) -> Path:
        return _fan_out(self.root, digest)

    def _lock_path(self, digest: str) -> Path:
        return _fan_out(self.root / LOCK_DIR, digest)

    # -- writing -----------------------------------------------------------------------

    def put(
        self,
        stream: BinaryIO,
        *,
        max_bytes: int | None = None,
        retain_until: datetime | None = None,
    ) -> BlobInfo:
        lock = lock_request(retain_until, self.retention)
        reader = HashingReader(stream, self.algorithm, max_bytes)
        fd, tmp_path = self._create_temp()
        try:
            with os.fdopen(fd, "wb", buffering=0) as out:
                while chunk := reader.read(CHUNK_SIZE):
                    _write_all(out, chunk)
                # Mode before fsync, so the durable file is already read-only.
                os.fchmod(out.fileno(), BLOB_MODE)
                os.fsync(out.fileno())
                self._publish(tmp_path, reader.digest)
                # Unlink while still holding the lock, so no cleaner races the link.
                os.unlink(tmp_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_path)
            raise
        if lock is not None:
            self._extend(reader.digest, lock)
        return BlobInfo(reader.digest, reader.size)

    def put_file(
        self,
        path: Path,
        *,
        digest: str | None = None,
        max_bytes: int | None = None,
        retain_until: datetime | None = None,
    ) -> BlobInfo:
        """Adopt a finished file by a hard link when the caller hashed it already and it
        lies on the store's file system: no second copy of a multi-gigabyte recording."""
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise BlobTooLarge(max_bytes)
        lock = lock_request(retain_until, self.retention)
        if (
            digest is None
            or not digest.startswith(f"{self.algorithm}:")
            or not self._adopt(path, digest)
        ):
            return super().put_file(
                path, digest=digest, max_bytes=max_bytes, retain_until=retain_until
            )
        if lock is not None:
            self._extend(digest, lock)
        return BlobInfo(digest, size)

    def _adopt(self, path: Path, digest: str) -> bool:
        """Link the file in as the blob ``digest``; False if it lies on another disk."""
        final = self._path(digest)
        if final.exists():
            return True
        _make_dirs(final.parent, stop=self.root)
        try:
            os.chmod(path, BLOB_MODE)
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
            os.link(path, final)
        except FileExistsError:
            return True
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            return False
        _fsync_dir(final.parent)
        return True

    def _create_temp(self) -> tuple[int, str]:
        """Create and lock a fresh temp file; retry if a cleaner removed it first."""
        while True:
            name = f"{os.getpid()}-{secrets.token_hex(8)}{TMP_SUFFIX}"
            path = os.path.join(self._tmp, name)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            except PermissionError as exc:
                raise StoreUnavailable(f"cannot write to blob folder {self._tmp}: {exc}") from exc
            # Without lock support (some network file systems) cleaners cannot lock the
            # file either, so they keep it: skipping the lock stays safe.
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
            # Between open and flock a cleaner could have taken the lock and unlinked it.
            if os.fstat(fd).st_nlink > 0:
                return fd, path
            os.close(fd)

    def _publish(self, tmp_path: str, digest: str) -> None:
        """Give the finished temp file its final name, unless that name already exists."""
        final = self._path(digest)
        if final.exists():
            return  # same content is already stored; write nothing new
        _make_dirs(final.parent, stop=self.root)
        try:
            # link(2) never replaces an existing name, unlike rename(2): a concurrent
            # writer of the same content cannot swap the stored file under a reader.
            os.link(tmp_path, final)
        except FileExistsError:
            return
        _fsync_dir(final.parent)

    # -- lock dates and removal ----------------------------------------------------------

    def retain(self, digest: str, until: datetime) -> datetime:
        return self._extend(digest, exact_lock(until))

    def retained_until(self, digest: str) -> datetime | None:
        if not self.exists(digest):
            raise BlobNotFound(f"no blob {digest} in {self.root}")
        return self._read_lock(digest)

    def remove(self, digest: str) -> None:
        with self._held(digest) as path:
            until = self._read_lock(digest)
            if until is not None and until > datetime.now(UTC):
                raise BlobLocked(digest, until)
            os.unlink(path)
            _fsync_dir(path.parent)
            record = self._lock_path(digest)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(record)
                _fsync_dir(record.parent)

    def _extend(self, digest: str, lock: LockRequest) -> datetime:
        """Move the blob's lock date to ``lock.until`` unless one late enough is in force."""
        with self._held(digest):
            current = self._read_lock(digest)
            if current is not None and current >= lock.not_before:
                return current
            self._write_lock(digest, lock.until)
            return lock.until

    @contextlib.contextmanager
    def _held(self, digest: str) -> Iterator[Path]:
        """Hold an exclusive flock on the folder of the blob's lock record while the record
        changes or the blob is removed. Not on the blob file itself: a file adopted by a
        hard link (``put_file``) shares its inode with the upload that made it, whose own
        flock is held until the upload finishes — locking it here would wait for ever."""
        record = self._lock_path(digest)
        _make_dirs(record.parent, stop=self.root)
        fd = os.open(record.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            path = self._path(digest)
            if not path.exists():
                raise BlobNotFound(f"no blob {digest} in {self.root}")
            yield path
        finally:
            os.close(fd)

    def _read_lock(self, digest: str) -> datetime | None:
        path = self._lock_path(digest)
        try:
            text = path.read_text(encoding="ascii").strip()
            until = datetime.fromisoformat(text)
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError) as exc:
            raise _damaged(path) from exc
        if until.tzinfo is None:
            raise _damaged(path)
        return until

    def _write_lock(self, digest: str, until: datetime) -> None:
        """Replace the lock record whole: a crash leaves the old date or the new one."""
        final = self._lock_path(digest)
        _make_dirs(final.parent, stop=self.root)
        fd, tmp_path = self._create_temp()
        try:
            with os.fdopen(fd, "wb", buffering=0) as out:
                _write_all(out, f"{until.isoformat()}\n".encode("ascii"))
                os.fchmod(out.fileno(), BLOB_MODE)
                os.fsync(out.fileno())
                os.replace(tmp_path, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_path)
            raise
        _fsync_dir(final.parent)

    # -- reading -----------------------------------------------------------------------

    def open(self, digest: str) -> BinaryIO:
        path = self._path(digest)
        try:
            return path.open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(f"no blob {digest} in {self.root}") from exc
        except PermissionError as exc:
            raise StoreUnavailable(f"cannot read blob {digest}: {exc}") from exc

    def exists(self, digest: str) -> bool:
        return self._path(digest).is_file()

    def stat(self, digest: str) -> BlobInfo:
        try:
            size = self._path(digest).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(f"no blob {digest} in {self.root}") from exc
        return BlobInfo(digest, size)

    def iter_digests(self) -> Iterator[str]:
        for algorithm in sorted(ALGORITHMS):
            yield from self._iter_algorithm(algorithm)

    def _iter_algorithm(self, algorithm: str) -> Iterator[str]:
        top = self.root / algorithm
        for first in _sorted_dirs(top):
            for second in _sorted_dirs(first):
                for entry in sorted(os.listdir(second)):
                    digest = format_digest(algorithm, entry)
                    # Skip anything that is not a blob name in its right fan-out folder.
                    if is_valid_digest(digest) and self._path(digest).parent == second:
                        yield digest


# -- helpers -----------------------------------------------------------------------------


def _fan_out(top: Path, digest: str) -> Path:
    algorithm, hexdigest = parse_digest(digest)
    return top / algorithm / hexdigest[:2] / hexdigest[2:4] / hexdigest


def _damaged(path: Path) -> StoreUnavailable:
    return StoreUnavailable(
        f"lock record {path} is damaged; the blob's retain-until is unknown",
        "文件保存期限记录已损坏，无法确定保存期限",
    )


def _write_all(out: BinaryIO, data: bytes) -> None:
    """Unbuffered writes may be partial; loop until every byte is written."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        view = view[written:]


def _make_dirs(path: Path, *, stop: Path) -> None:
    """Create missing fan-out folders, fsyncing each parent so the new entry is durable."""
    if path.is_dir() or path == stop:
        return
    _make_dirs(path.parent, stop=stop)
    try:
        path.mkdir()
    except FileExistsError:
        return
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_if_unlocked(path: str) -> bool:
    """Remove a temp file if no process holds its lock (its writer is dead)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False  # vanished or unreadable: not ours to judge
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live writer holds it (or locks are unsupported): keep it
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return True
    finally:
        os.close(fd)


def _sorted_dirs(path: Path) -> list[Path]:
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.is_symlink())
