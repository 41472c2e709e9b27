"""Transfer-package export benchmark: writing a BagIt package (SHA-256 and SM3 of every
byte, each item checked against its blob digest, fsynced, renamed into place) beside
`cp` of the same blob files, same file system, same run, and the export's peak memory.

Run: .venv/bin/python bench/archive_export.py [--gib 4] [--items 4] [--dir DIR]

The content is random bytes in a LocalBlobStore on disk (a 64 MiB random block repeated
with a counter, so no two MiB are equal), split into --items items, one big one and the
rest equal; each is ledgered as a `blob.store` entry in a real SQLite ledger, a checkpoint
is signed and each item carries its inclusion proof. The page cache is warm for both
(the blobs were just written): `cp` gets its best case.

Aims (the issue): export ≤ 1.5 × cp, memory flat (peak RSS growth independent of size).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from zhifa.archive.packages import (
    CatalogueEntry,
    LedgerEvidence,
    PackageItem,
    PackageSource,
    verify_bag,
    write_bag,
)
from zhifa.archive.packages.hashing import multi_hasher
from zhifa.blobs import BlobInfo
from zhifa.blobs.local import LocalBlobStore
from zhifa.core.db import make_engine, make_session_factory
from zhifa.ledger import (
    SqlNodeStore,
    canonical_json,
    generate_signer,
    inclusion_proof,
    metadata,
    record,
    sign_checkpoint,
)

MIB = 1024**2
GIB = 1024**3


class _Stream:
    """`size` bytes of a repeated random block with a counter in each MiB, read in chunks."""

    def __init__(self, size: int, block: bytes, seed: int) -> None:
        self.left, self.block, self.seed, self.offset = size, block, seed, 0

    def read(self, n: int = MIB) -> bytes:
        n = min(n, self.left, MIB)
        if n <= 0:
            return b""
        start = self.offset % len(self.block)
        piece = self.block[start : start + n]
        stamp = f"{self.seed}:{self.offset}".encode()
        self.offset += len(piece)
        self.left -= len(piece)
        return stamp + piece[len(stamp) :]


def make_blobs(store: LocalBlobStore, total: int, items: int) -> list[BlobInfo]:
    block = os.urandom(64 * MIB)
    big = total // 2 if items > 1 else total
    sizes = [big] + [(total - big) // (items - 1)] * (items - 1)
    return [store.put(_Stream(size, block, i)) for i, size in enumerate(sizes)]  # type: ignore[arg-type]


def recorded_digests(store: LocalBlobStore, blobs: list[BlobInfo]) -> list[dict[str, str]]:
    """What filing records of each item (archive.filing.service reads every item once and
    keeps its SHA-256 and SM3): the export then hashes only the blob's own algorithm."""
    with multi_hasher(("sha256", "sm3")) as hasher:
        out = []
        for info in blobs:
            with store.open(info.digest) as stream:
                out.append(hasher.copy(stream)[0])
    return out


def make_source(
    work: Path,
    store: LocalBlobStore,
    blobs: list[BlobInfo],
    known: list[dict[str, str]] | None = None,
) -> PackageSource:
    engine = make_engine(f"sqlite:///{work / 'ledger.db'}")
    metadata.create_all(engine)
    signer = generate_signer("zhifa.bench/archive")
    with make_session_factory(engine)() as db:
        entries = []
        for info in blobs:
            payload = {"table": "stored_blob", "row": {"digest": info.digest, "size": info.size}}
            subject = f"stored_blob:{info.digest}"
            entry = record(db, kind="blob.store", subject=subject, actor="system", payload=payload)
            entries.append((entry, canonical_json(payload)))
        checkpoint = sign_checkpoint(db, signer)
        db.commit()
        nodes = SqlNodeStore(db)
        items = [
            PackageItem(
                entry=CatalogueEntry(n, f"视频 {n}", date(2026, 5, 1), None, "执法大队"),
                filename=f"video-{n}.mp4",
                open=lambda d=info.digest: store.open(d),
                size=info.size,
                digest=info.digest,
                metadata={"格式": "mp4"},
                evidence=LedgerEvidence(
                    entry.index,
                    entry.leaf,
                    payload,
                    inclusion_proof(nodes, entry.index, checkpoint.size),
                ),
                known=known[n - 1] if known else {},
            )
            for n, (info, (entry, payload)) in enumerate(zip(blobs, entries, strict=True), 1)
        ]
    engine.dispose()
    return PackageSource(
        archival_code="X123-ZF·2026-Y-0001",
        fonds="X123",
        retention="永久",
        title="基准测试案卷",
        organization="某区应急管理局",
        bagging_date=date(2026, 12, 7),
        checkpoint=checkpoint.signed_note,
        verifier=signer.verifier().to_string(),
        items=items,
    )


def peak_rss_reset() -> None:
    """Reset VmHWM to the current RSS (Linux: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def memory_kib() -> dict[str, int]:
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    return values


def timed_cp(files: list[Path], target: Path, sync: bool) -> float:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    start = time.perf_counter()
    subprocess.run(["cp", *map(str, files), str(target)], check=True)
    if sync:
        subprocess.run(["sync", "-f", str(target)], check=True)
    return time.perf_counter() - start


def hash_rate(algorithm: str) -> float:
    """MiB/s of one hashlib object over 256 MiB on one core."""
    data, hasher = os.urandom(8 * MIB), hashlib.new(algorithm)
    start = time.perf_counter()
    for _ in range(32):
        hasher.update(data)
    return 256 / (time.perf_counter() - start)


def blob_files(store: LocalBlobStore, blobs: list[BlobInfo]) -> Iterator[Path]:
    for info in blobs:
        with store.open(info.digest) as stream:
            yield Path(stream.name)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gib", type=float, default=float(os.environ.get("BENCH_GIB", 4)))
    parser.add_argument("--items", type=int, default=4)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp)")
    args = parser.parse_args()
    total = int(args.gib * GIB)
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-archive-") as tmp:
        work = Path(tmp)
        store = LocalBlobStore(work / "blobs", create=True)
        print(f"writing {total / GIB:.2f} GiB of content in {args.items} blobs ...")
        blobs = make_blobs(store, total, args.items)
        start = time.perf_counter()
        known = recorded_digests(store, blobs)
        filing_s = time.perf_counter() - start
        source = make_source(work, store, blobs, known)
        files = list(blob_files(store, blobs))
        # cp and the export take turns, best of three each: the first writes into fresh
        # memory on this VM cost several times the later ones, so neither gets it alone.
        cp_runs, export_runs = [], []
        for _ in range(3):
            cp_runs.append(timed_cp(files, work / "cp", sync=False))
            shutil.rmtree(work / "cp")
            shutil.rmtree(work / "bag", ignore_errors=True)
            peak_rss_reset()
            before = memory_kib()
            start = time.perf_counter()
            bag = write_bag(source, work / "bag")
            export_runs.append(time.perf_counter() - start)
        cp_s, export_s = min(cp_runs), min(export_runs)
        cp_sync_s = timed_cp(files, work / "cp", sync=True)
        shutil.rmtree(work / "cp")
        after = memory_kib()
        start = time.perf_counter()
        report = verify_bag(bag)
        verify_s = time.perf_counter() - start
        shutil.rmtree(bag)
        start = time.perf_counter()
        write_bag(make_source(work, store, blobs), work / "bag-unrecorded")
        unrecorded_s = time.perf_counter() - start
        sha, sm3 = hash_rate("sha256"), hash_rate("sm3")
    mib = total / MIB
    rows = [
        ("content", f"{total / GIB:.2f} GiB in {args.items} items", ""),
        ("cp (page cache warm, best of 3)", f"{cp_s:.2f} s", f"{mib / cp_s:.0f} MiB/s"),
        ("cp + sync -f", f"{cp_sync_s:.2f} s", f"{mib / cp_sync_s:.0f} MiB/s"),
        ("filing: SHA-256 + SM3 recorded once", f"{filing_s:.2f} s", f"{mib / filing_s:.0f} MiB/s"),
        (
            "export (write_bag, fsync, best of 3)",
            f"{export_s:.2f} s",
            f"{mib / export_s:.0f} MiB/s",
        ),
        ("  ratio to cp (aim <= 1.5)", f"{export_s / cp_s:.2f}", ""),
        ("  ratio to cp + sync", f"{export_s / cp_sync_s:.2f}", ""),
        (
            "  peak RSS growth (aim: flat)",
            f"{(after['VmHWM'] - before['VmRSS']) / 1024:.1f} MiB",
            "",
        ),
        ("verify_bag", f"{verify_s:.2f} s", "ok" if report.ok else f"{report.findings[:3]}"),
        (
            "export hashing SM3 too (nothing recorded)",
            f"{unrecorded_s:.2f} s",
            f"ratio to cp {unrecorded_s / cp_s:.2f}",
        ),
        ("sha256 on one core", f"{sha:.0f} MiB/s", f"floor {mib / sha:.2f} s"),
        ("sm3 on one core", f"{sm3:.0f} MiB/s", f"floor {mib / sm3:.2f} s"),
        ("cpus", str(os.cpu_count()), ""),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print()
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
