"""What a transfer package (移交) is made of: the values a caller hands to `write_bag`.

The package module knows nothing of the database: whoever exports a case gathers its
catalogue, its blobs and their ledger evidence into a `PackageSource` first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO


@dataclass(frozen=True)
class CatalogueEntry:
    """One row of the 卷内目录 (DA/T 22): the 件 as a reader of the file sees it."""

    number: int  # 件号, 1-based within the file
    title: str  # 题名
    date: date | None  # 日期 (of the document)
    pages: int | None  # 页数 (None for media)
    responsible: str  # 责任者
    remarks: str = ""  # 备注


@dataclass(frozen=True)
class LedgerEvidence:
    """Why a reader without the database may believe the item's bytes were recorded:
    the ledger entry (leaf) whose payload snapshot names the blob's digest, and the
    inclusion proof of that leaf in the tree the package's signed checkpoint signs."""

    index: int  # the entry's index in the ledger
    leaf: bytes  # the leaf as stored (canonical JSON carrying payload_sha256)
    payload: bytes  # the snapshot payload, exactly the bytes whose SHA-256 the leaf holds
    proof: Sequence[bytes]  # RFC 9162 inclusion proof of the leaf in the checkpoint's tree
    # Where in the payload the blob digest is: ("row", "digest") for a stored_blob row,
    # ("row", "pdf_digest") for a document's PDF, and so on.
    digest_path: tuple[str, ...] = ("row", "digest")


@dataclass(frozen=True)
class PackageItem:
    """One 件: its catalogue row, its content (read once, streamed) and its evidence."""

    entry: CatalogueEntry
    filename: str  # the original name; the package stores it as <件号>-<name>
    open: Callable[[], BinaryIO]  # a fresh binary stream of the content
    size: int
    digest: str  # the blob digest, "sha256:<hex>" or "sm3:<hex>"
    metadata: Mapping[str, Any]  # DA/T 46-style metadata, JSON values
    evidence: LedgerEvidence
    # Hex digests by algorithm already computed from these bytes (at filing): the writer
    # takes them instead of hashing again — all but the blob's own algorithm, which it
    # always computes to prove the bytes it copies are the blob's. SM3 runs at a fraction
    # of copy speed, so a package of recorded digests is written at about copy speed.
    known: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageSource:
    """One 案卷 to transfer: who, what, how long, and its items in 件号 order."""

    archival_code: str  # 档号
    fonds: str  # 全宗号
    retention: str  # 保管期限, e.g. 永久 / 30年 / 10年
    title: str  # 案卷题名
    organization: str  # the transferring body (Source-Organization)
    bagging_date: date
    checkpoint: str  # the signed checkpoint note (C2SP signed-note) every proof leads to
    verifier: str  # the checkpoint signer's verifier key (ledger.note.parse_verifier)
    items: Sequence[PackageItem] = field(default_factory=tuple)
