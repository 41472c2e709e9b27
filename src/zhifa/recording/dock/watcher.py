"""The body-camera dock (执法记录仪采集站): upload new files from the folder where cameras
are mounted, by tus (``tuspy``), resumably, each file exactly once.

**State.** ``.zhifa-ingest.json`` in the folder (or ``--state``) holds, per file (its
path relative to the folder, its size and modification time): ``uploading`` with the
server's upload URL, then ``done`` with the record number the server gave
(``Zhifa-Media-Id``), or ``refused`` with the server's reason. It is written atomically
(temporary file, fsync, rename) *before* each step that could leave something on the
server, so a watcher killed at any point and started again:

- finds an upload it had created and asks the server (HEAD) how far it got: a finished
  upload answers with its record number (no second record), an unfinished one is resumed
  from the server's offset;
- if it was killed between the server creating an upload and the state naming it, that
  upload never completes and expires on the server: still no second record;
- if the server forgot the upload (expired during a long outage), the action's records
  are checked for the same file name and size before the file is sent again.

A lock file keeps a second watcher off the same folder. Files still being written (
modified within ``settle`` seconds) wait for the next scan.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

from zhifa.recording.dock.mapping import MapError, Rule, Target, parse_map, target_for

STATE_NAME = ".zhifa-ingest.json"
LOCK_SUFFIX = ".lock"
STATE_FORMAT = "zhifa-dock-state/1"
MEDIA_SUFFIXES = frozenset(
    {
        *(".mp4", ".mov", ".m4v", ".mkv", ".ts", ".mts", ".avi", ".3gp", ".webm"),
        *(".m4a", ".aac", ".mp3", ".wav", ".flac", ".ogg", ".opus", ".amr"),
        *(".jpg", ".jpeg", ".png", ".webp", ".heic", ".tif", ".tiff"),
    }
)
# Transient trouble (server busy or restarting, network): try again on the next scan.
RETRY_STATUSES = frozenset({None, 408, 409, 423, 429, 460, 500, 502, 503, 504, 507})
CHECK_PURPOSE = {"purpose": "other", "purpose_note": "执法记录仪采集站核对文件是否已上传"}


class Fatal(RuntimeError):
    """The watcher cannot go on (bad token, unreadable map, folder in use)."""


@dataclass
class Entry:
    """What the state file says about one file."""

    size: int
    mtime_ns: int
    status: str  # uploading | done | refused
    action: int
    activity: int | None = None
    upload_url: str | None = None
    media_id: int | None = None
    message: str = ""
    at: str = ""

    def same_file(self, size: int, mtime_ns: int) -> bool:
        return self.size == size and self.mtime_ns == mtime_ns


class StateFile:
    """The per-file state, saved atomically after every change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Entry] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.entries = {k: Entry(**v) for k, v in data.get("files", {}).items()}
            except (ValueError, TypeError) as exc:
                raise Fatal(f"状态文件 {path} 已损坏，请检查后再启动：{exc}") from exc

    def put(self, relative: str, entry: Entry) -> None:
        entry.at = datetime.now(UTC).isoformat(timespec="seconds")
        self.entries[relative] = entry
        self.save()

    def save(self) -> None:
        data = {
            "format": STATE_FORMAT,
            "files": {k: vars(v) for k, v in sorted(self.entries.items())},
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


@contextlib.contextmanager
def folder_lock(state: Path) -> Iterator[None]:
    """One watcher per folder; the lock goes with the process, however it ends."""
    lock = state.with_name(state.name + LOCK_SUFFIX)
    handle = lock.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise Fatal(f"另一个采集进程正在处理该目录（{lock}）") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@dataclass(frozen=True)
class Found:
    path: Path
    relative: str
    size: int
    mtime_ns: int

    @property
    def modified(self) -> datetime:
        return datetime.fromtimestamp(self.mtime_ns / 1e9, UTC)


@dataclass
class Summary:
    uploaded: list[tuple[str, int]] = field(default_factory=list)  # (file, record)
    refused: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # no action for it yet
    retry: list[tuple[str, str]] = field(default_factory=list)


class Reporter:
    """Where the watcher says what it does (the CLI shows it with rich)."""

    def start(self, name: str, total: int, done: int) -> None: ...
    def advance(self, name: str, done: int) -> None: ...
    def finish(self, name: str) -> None: ...
    def note(self, message: str) -> None: ...


class Stopped(Exception):
    """SIGTERM or Ctrl-C: stop after the current chunk."""


@dataclass
class Options:
    folder: Path
    server: str
    token: str
    device: str
    target: Target | None = None  # --action (and --activity)
    map_file: Path | None = None
    state_file: Path | None = None
    chunk_size: int = 8 * 1024 * 1024
    settle_seconds: float = 10.0
    limit_rate: int | None = None  # bytes per second, None: as fast as possible


class Watcher:
    def __init__(self, options: Options, reporter: Reporter | None = None) -> None:
        if (options.target is None) == (options.map_file is None):
            raise Fatal("须指定 --action 或 --map 之一")
        self.o = options
        self.reporter = reporter or Reporter()
        self.folder = options.folder.resolve()
        if not self.folder.is_dir():
            raise Fatal(f"采集目录不存在：{self.folder}")
        self.state_path = (options.state_file or self.folder / STATE_NAME).resolve()
        self.state = StateFile(self.state_path)
        self.endpoint = urljoin(options.server.rstrip("/") + "/", "api/v1/uploads/")
        self.headers = {"Authorization": f"Bearer {options.token}"}
        self._rules: list[Rule] = []
        self._map_stamp: tuple[int, int] | None = None
        self.stopping = False

    # -- which files, for which action --

    def scan(self) -> Iterator[Found]:
        skip = {self.state_path, self.state_path.with_name(self.state_path.name + LOCK_SUFFIX)}
        for path in sorted(self.folder.rglob("*")):
            if path.suffix.lower() not in MEDIA_SUFFIXES or path in skip:
                continue
            if any(part.startswith(".") for part in path.relative_to(self.folder).parts):
                continue  # hidden files and folders (the cameras' own indexes, ours)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # the camera was taken out of the dock
            if not path.is_file() or stat.st_size == 0:
                continue
            yield Found(
                path, path.relative_to(self.folder).as_posix(), stat.st_size, stat.st_mtime_ns
            )

    def rules(self) -> list[Rule]:
        """The map file's rules, read again whenever the file changed."""
        assert self.o.map_file is not None
        try:
            stat = self.o.map_file.stat()
        except FileNotFoundError:
            raise Fatal(f"映射文件不存在：{self.o.map_file}") from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._map_stamp:
            try:
                self._rules = parse_map(self.o.map_file.read_text(encoding="utf-8"))
            except MapError as exc:
                raise Fatal(f"映射文件 {self.o.map_file}：{exc}") from exc
            self._map_stamp = stamp
        return self._rules

    def target(self, found: Found) -> Target | None:
        if self.o.target is not None:
            return self.o.target
        return target_for(self.rules(), found.relative, found.modified)

    # -- one pass --

    def run_once(self) -> Summary:
        summary = Summary()
        now = time.time()
        for found in self.scan():
            if self.stopping:
                break
            entry = self.state.entries.get(found.relative)
            same = entry is not None and entry.same_file(found.size, found.mtime_ns)
            if same and entry is not None and entry.status == "done":
                continue
            target = self.target(found)
            if target is None:
                summary.waiting.append(found.relative)
                continue
            if not same:
                entry = None  # new, or a different file under the same name
            elif entry is not None and entry.status == "refused" and _same_target(entry, target):
                continue  # refused for this action; a changed mapping tries again
            if now - found.mtime_ns / 1e9 < self.o.settle_seconds:
                continue  # still being written
            self._one(found, target, entry, summary)
        return summary

    def run(self, interval: float, on_pass: Callable[[Summary], None] | None = None) -> None:
        """Scan every ``interval`` seconds until SIGTERM or Ctrl-C."""
        previous = signal.signal(signal.SIGTERM, self._stop)
        try:
            while not self.stopping:
                try:
                    summary = self.run_once()
                except Stopped:
                    break
                if on_pass:
                    on_pass(summary)
                deadline = time.monotonic() + interval
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(min(0.2, interval))
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _stop(self, *_: Any) -> None:
        self.stopping = True

    # -- one file --

    def _one(self, found: Found, target: Target, entry: Entry | None, summary: Summary) -> None:
        from tusclient.exceptions import TusCommunicationError

        try:
            media_id = self._upload(found, target, entry)
        except TusCommunicationError as exc:
            status = exc.status_code
            message = _message(exc)
            if status == 401:
                raise Fatal(f"服务器拒绝了 API 令牌（401）：{message}") from exc
            if status in RETRY_STATUSES:
                summary.retry.append((found.relative, message))
                self.reporter.note(f"暂未完成 {found.relative}：{message}（下次扫描时继续）")
                return
            self.state.put(
                found.relative,
                Entry(
                    found.size,
                    found.mtime_ns,
                    "refused",
                    target.action_id,
                    target.activity_id,
                    message=f"{status} {message}",
                ),
            )
            summary.refused.append((found.relative, message))
            self.reporter.note(f"✗ {found.relative} 被拒绝（{status}）：{message}")
            return
        summary.uploaded.append((found.relative, media_id))
        self.reporter.note(f"✓ {found.relative} → 案件 {target.action_id}，记录 {media_id}")

    def _upload(self, found: Found, target: Target, entry: Entry | None) -> int:
        url = None
        if entry and entry.status == "uploading" and _same_target(entry, target):
            url = entry.upload_url
        if url is not None:
            state = self._head(url)
            if state is not None and state[1] is not None:
                return self._done(found, target, url, state[1])
            if state is None:  # the server no longer knows the upload
                if (known := self._already_recorded(found, target)) is not None:
                    return self._done(found, target, None, known)
                url = None
        with found.path.open("rb") as stream:
            uploader = self._uploader(found, target, stream, url)
            if uploader.url is None:
                uploader.set_url(uploader.create_url())
                self.state.put(
                    found.relative,
                    Entry(
                        found.size,
                        found.mtime_ns,
                        "uploading",
                        target.action_id,
                        target.activity_id,
                        upload_url=uploader.url,
                    ),
                )
            media_id = self._send(found, uploader)
        return self._done(found, target, uploader.url, media_id)

    def _uploader(self, found: Found, target: Target, stream: IO[bytes], url: str | None) -> Any:
        from tusclient.client import TusClient

        metadata = {"action": str(target.action_id), "filename": found.path.name}
        if target.activity_id is not None:
            metadata["activity"] = str(target.activity_id)
        if self.o.device:
            metadata["device"] = self.o.device
        client = TusClient(self.endpoint, headers=self.headers)
        return client.uploader(
            file_stream=stream,
            url=url,
            chunk_size=self.o.chunk_size,
            metadata=metadata,
            upload_checksum=True,
        )

    def _send(self, found: Found, uploader: Any) -> int:
        """PATCH chunk by chunk from the server's offset; the record number at the end."""
        self.reporter.start(found.relative, found.size, uploader.offset)
        began, sent = time.monotonic(), 0
        try:
            while uploader.offset < found.size:
                if self.stopping:
                    raise Stopped
                before = uploader.offset
                uploader.upload_chunk()
                sent += uploader.offset - before
                self.reporter.advance(found.relative, uploader.offset)
                if self.o.limit_rate:
                    ahead = sent / self.o.limit_rate - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)
        finally:
            self.reporter.finish(found.relative)
        header = uploader.request.response_headers.get("zhifa-media-id") if sent else None
        if header is None:  # resumed at the very end: ask, or have the server finish it
            header = self._finish(uploader.url, found.size)
        return int(header)

    def _finish(self, url: str, size: int) -> str:
        """All bytes are on the server but no record was made yet (it failed for a
        passing reason): an empty PATCH at the end makes the server try again."""
        import requests
        from tusclient.exceptions import TusCommunicationError

        state = self._head(url)
        if state is not None and state[1] is not None:
            return str(state[1])
        headers = {
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": str(size),
            "Content-Type": "application/offset+octet-stream",
            **self.headers,
        }
        try:
            response = requests.patch(url, headers=headers, data=b"", timeout=300)
        except requests.RequestException as exc:
            raise TusCommunicationError(exc) from exc
        media = response.headers.get("Zhifa-Media-Id")
        if response.status_code >= 300 or media is None:
            raise TusCommunicationError(
                "服务器未返回记录编号", response.status_code, response.content
            )
        return media

    def _done(self, found: Found, target: Target, url: str | None, media_id: int) -> int:
        self.state.put(
            found.relative,
            Entry(
                found.size,
                found.mtime_ns,
                "done",
                target.action_id,
                target.activity_id,
                upload_url=url,
                media_id=media_id,
            ),
        )
        return media_id

    # -- asking the server --

    def _head(self, url: str) -> tuple[int, int | None] | None:
        """(offset, record number if finished) of an upload; None if the server has
        forgotten it. Other failures raise ``TusCommunicationError``."""
        import requests
        from tusclient.exceptions import TusCommunicationError

        try:
            response = requests.head(
                url, headers={"Tus-Resumable": "1.0.0", **self.headers}, timeout=30
            )
        except requests.RequestException as exc:
            raise TusCommunicationError(exc) from exc
        if response.status_code in (404, 410):
            return None
        if response.status_code != 200:
            raise TusCommunicationError("查询上传进度失败", response.status_code)
        media = response.headers.get("Zhifa-Media-Id")
        return int(response.headers.get("Upload-Offset", "0")), int(media) if media else None

    def _already_recorded(self, found: Found, target: Target) -> int | None:
        """A record of the action with this file's name and size (a finished upload the
        server has since forgotten), or None."""
        import requests
        from tusclient.exceptions import TusCommunicationError

        url = urljoin(self.endpoint, f"/api/v1/actions/{target.action_id}/media")
        try:
            response = requests.get(url, headers=self.headers, params=CHECK_PURPOSE, timeout=30)
        except requests.RequestException as exc:
            raise TusCommunicationError(exc) from exc
        if response.status_code != 200:
            raise TusCommunicationError(
                "核对已上传记录失败", response.status_code, response.content
            )
        for record in response.json():
            if record["filename"] == found.path.name and record["size"] == found.size:
                return int(record["id"])
        return None


def _same_target(entry: Entry, target: Target) -> bool:
    return entry.action == target.action_id and entry.activity == target.activity_id


def _message(exc: Exception) -> str:
    content = getattr(exc, "response_content", None)
    if content:
        try:
            return str(json.loads(content).get("detail", ""))[:300]
        except (ValueError, AttributeError):
            return content[:300].decode("utf-8", "replace") if isinstance(content, bytes) else ""
    return str(exc)[:300]
