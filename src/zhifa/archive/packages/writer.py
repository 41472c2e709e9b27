"""Writing a transfer package (BagIt, RFC 8493) from a `PackageSource`.

Each item's content is read once, in chunks: SHA-256 and SM3 are computed as it is
written (`hashing`), and the digest of the blob's own algorithm must equal the item's
blob digest, or the package is refused naming the item. Digests the caller already has
(`PackageItem.known`, recorded at filing and re-checked by the transfer's 四性检测 just
before) are taken, not recomputed; with every digest known the bytes are copied in the
kernel like cp. The manifests then carry the ledger-backed digests, so a byte changed
on the way is still caught by `verify_bag` and by bagit at the receiving end.

Everything is written into a hidden sibling folder, flushed to disk (files and
folders), then renamed into place: a crash leaves a `.<name>.partial-*` folder, never a
half bag under the package's name.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from zhifa.blobs.digests import parse_digest
from zhifa.core.spreadsheet import Value, csv_bytes
from zhifa.ledger import Checkpoint, NoteError, open_checkpoint, parse_verifier

from . import layout
from .evidence import evidence_problems
from .hashing import MultiHasher, multi_hasher
from .source import PackageItem, PackageSource

CATALOGUE_HEADER = (
    "件号",
    "责任者",
    "题名",
    "日期",
    "页数",
    "备注",
    "文件",
    "摘要",
    "大小（字节）",
)


class PackageRefused(ValueError):
    """The source cannot make a whole, verifiable package; the message says why in Chinese."""


def write_bag(source: PackageSource, destination: Path) -> Path:
    """Write the package to `destination` (which must not exist); return it."""
    checkpoint = _checked_source(source)
    if destination.exists():
        raise PackageRefused(f"目标位置已存在：{destination}")
    partial = destination.parent / f".{destination.name}.partial-{secrets.token_hex(4)}"
    partial.mkdir()
    try:
        with multi_hasher(layout.ALGORITHMS) as hasher:
            _Writer(partial, hasher).write(source, checkpoint)
        partial.rename(destination)
        _fsync(destination.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return destination


def _checked_source(source: PackageSource) -> Checkpoint:
    if not source.items:
        raise PackageRefused("案卷没有任何文件，不能移交")
    numbers = [item.entry.number for item in source.items]
    if len(set(numbers)) != len(numbers) or min(numbers) < 1:
        raise PackageRefused("件号须为互不相同的正整数")
    try:
        return open_checkpoint(source.checkpoint, [parse_verifier(source.verifier)])
    except NoteError as exc:
        raise PackageRefused(f"账本检查点的签名不能用所给公钥验证：{exc}") from exc


class _Writer:
    def __init__(self, root: Path, hasher: MultiHasher) -> None:
        self.root = root
        self.hasher = hasher
        self.payload: dict[str, dict[str, str]] = {a: {} for a in layout.ALGORITHMS}
        self.octets = 0
        self.written: list[Path] = []

    def write(self, source: PackageSource, checkpoint: Checkpoint) -> None:
        rows = [self._item(item, checkpoint) for item in source.items]
        self._put(layout.CHECKPOINT, source.checkpoint.encode())
        self._put(layout.VERIFIER, f"{source.verifier}\n".encode())
        self._put(layout.CATALOGUE_JSON, _json(_catalogue(source, rows)))
        self._put(layout.CATALOGUE_CSV, csv_bytes([CATALOGUE_HEADER, *map(_csv_row, rows)]))
        tags: dict[str, dict[str, str]] = {a: {} for a in layout.ALGORITHMS}
        for algorithm, digests in self.payload.items():
            self._tag(tags, layout.manifest_name(algorithm), layout.format_manifest(digests))
        self._tag(tags, "bagit.txt", layout.BAGIT_TXT)
        self._tag(tags, layout.BAG_INFO, layout.format_tags(self._bag_info(source)))
        for algorithm, digests in tags.items():
            text = layout.format_manifest(digests)
            self._file(layout.manifest_name(algorithm, tag=True), io.BytesIO(text.encode()))
        self.flush()

    def _item(self, item: PackageItem, checkpoint: Checkpoint) -> dict[str, Any]:
        number = item.entry.number
        path = layout.file_path(number, item.filename)
        computed = [a for a in layout.ALGORITHMS if a not in item.known]
        with item.open() as stream:
            digests, size = self._payload_file(path, stream, computed)
        problems = _known_problems(item, digests)
        digests = {**item.known, **digests}
        for algorithm, hexdigest in digests.items():
            if algorithm in self.payload:
                self.payload[algorithm][path] = hexdigest
        problems += _content_problems(item, digests, size)
        problems += evidence_problems(item.evidence, digests, checkpoint)
        if problems:
            raise PackageRefused(f"件号 {number}（{item.filename}）：{'；'.join(problems)}")
        self._put(layout.metadata_path(number), _json(item.metadata))
        self._put(layout.entry_path(number), _json(_entry(item, checkpoint)))
        return _row(item, path)

    def _put(self, path: str, data: bytes) -> None:
        self._payload_file(path, io.BytesIO(data))

    def _payload_file(
        self, path: str, stream: BinaryIO, algorithms: Sequence[str] = layout.ALGORITHMS
    ) -> tuple[dict[str, str], int]:
        digests, size = self._file(path, stream, algorithms)
        for algorithm, hexdigest in digests.items():
            self.payload[algorithm][path] = hexdigest
        self.octets += size
        return digests, size

    def _tag(self, tags: dict[str, dict[str, str]], path: str, text: str) -> None:
        digests, _ = self._file(path, io.BytesIO(text.encode()))
        for algorithm, hexdigest in digests.items():
            tags[algorithm][path] = hexdigest

    def _file(
        self, path: str, stream: BinaryIO, algorithms: Sequence[str] = layout.ALGORITHMS
    ) -> tuple[dict[str, str], int]:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as out:
            if not algorithms and _is_file(stream):
                result: tuple[dict[str, str], int] = ({}, _kernel_copy(stream, out))
            else:
                result = self.hasher.copy(stream, out.write, algorithms)
        self.written.append(target)
        return result

    def flush(self) -> None:
        """fsync every file and folder written. Done once at the end, not per file, so
        that the kernel writes back an item while the later ones are still being hashed."""
        folders = {self.root}
        for path in self.written:
            _fsync(path)
            folders.update(p for p in path.parents if p.is_relative_to(self.root))
        for folder in sorted(folders, reverse=True):
            _fsync(folder)

    def _bag_info(self, source: PackageSource) -> list[tuple[str, str]]:
        count = len(self.payload[layout.ALGORITHMS[0]])
        return [
            ("Source-Organization", source.organization),
            ("Bagging-Date", source.bagging_date.isoformat()),
            ("Payload-Oxum", f"{self.octets}.{count}"),
            ("External-Identifier", source.archival_code),
            ("External-Description", source.title),
            ("Bag-Software-Agent", "zhifa"),
            (layout.FONDS, source.fonds),
            (layout.RETENTION, source.retention),
            (layout.TITLE, source.title),
            (layout.ITEMS, str(len(source.items))),
        ]


def _is_file(stream: BinaryIO) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return False
    return True


def _kernel_copy(source: BinaryIO, out: BinaryIO) -> int:
    """Copy a file's remaining bytes in the kernel (copy_file_range, as cp does); bytes
    never pass through this process, so memory stays flat and the copy runs at disk speed."""
    source_fd, out_fd = source.fileno(), out.fileno()
    offset = source.tell()
    total = os.fstat(source_fd).st_size - offset
    copied = 0
    while copied < total:
        step = os.copy_file_range(source_fd, out_fd, total - copied, offset + copied)
        if step == 0:
            break
        copied += step
    return copied


def _known_problems(item: PackageItem, computed: dict[str, str]) -> list[str]:
    """A digest recorded earlier must agree with the same one computed now."""
    return [
        f"读出内容的 {algorithm} 摘要与归档时记录的不符"
        for algorithm, hexdigest in computed.items()
        if algorithm in item.known and item.known[algorithm] != hexdigest
    ]


def _content_problems(item: PackageItem, digests: dict[str, str], size: int) -> list[str]:
    algorithm, hexdigest = parse_digest(item.digest)
    problems = []
    if digests.get(algorithm) != hexdigest:
        problems.append(f"读出的内容与其摘要 {item.digest} 不符")
    if size != item.size:
        problems.append(f"读出 {size} 字节，应为 {item.size} 字节")
    return problems


def _entry(item: PackageItem, checkpoint: Checkpoint) -> dict[str, Any]:
    evidence = item.evidence
    return {
        "index": evidence.index,
        "tree_size": checkpoint.size,
        "leaf": evidence.leaf.decode("utf-8"),
        "payload": evidence.payload.decode("utf-8"),
        "digest_path": list(evidence.digest_path),
        "proof": [node.hex() for node in evidence.proof],
    }


def _row(item: PackageItem, path: str) -> dict[str, Any]:
    entry = item.entry
    number = entry.number
    return {
        "number": number,
        "responsible": entry.responsible,
        "title": entry.title,
        "date": entry.date.isoformat() if entry.date else None,
        "pages": entry.pages,
        "remarks": entry.remarks,
        "file": path,
        "digest": item.digest,
        "size": item.size,
        "metadata": layout.metadata_path(number),
        "ledger": layout.entry_path(number),
    }


def _csv_row(row: dict[str, Any]) -> Sequence[Value]:
    keys = ("number", "responsible", "title", "date", "pages", "remarks", "file", "digest")
    return [*(row[key] for key in keys), row["size"]]


def _catalogue(source: PackageSource, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": layout.FORMAT,
        "archival_code": source.archival_code,
        "fonds": source.fonds,
        "retention": source.retention,
        "title": source.title,
        "organization": source.organization,
        "bagging_date": source.bagging_date.isoformat(),
        "checkpoint": layout.CHECKPOINT,
        "verifier": layout.VERIFIER,
        "items": list(rows),
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
