"""`zhifa verify`: recompute the ledger, check the signed checkpoints, compare every
recorded row with its latest entry, re-hash blobs, and notice a database rolled back
behind the newest checkpoint this data directory has seen."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.audit import check_rows
from zhifa.core.features import registry
from zhifa.core.models import StoredBlob
from zhifa.core.settings import Settings
from zhifa.ledger import (
    NoteError,
    ProofError,
    SqlNodeStore,
    Verifier,
    consistency_proof,
    latest_checkpoint,
    list_checkpoints,
    log_size,
    open_checkpoint,
    verify_consistency,
)
from zhifa.ledger.verify import Finding, verify_log
from zhifa.ledger.verify import Problem as LedgerProblem

Progress = Callable[[str, int, int], None]  # phase, done, total


@dataclass(frozen=True)
class Problem:
    area: str  # 账本 / 检查点 / 记录 / 文件 / 回滚
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.area}] {self.where}: {self.message}"


def _state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "verify.json"


def _load_state(settings: Settings) -> dict[str, str]:
    path = _state_path(settings)
    return json.loads(path.read_text()) if path.exists() else {}


def _save_state(settings: Settings, state: dict[str, str]) -> None:
    path = _state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2))
    tmp.replace(path)


def _where(finding: Finding) -> tuple[str, str]:
    if finding.checkpoint_id is not None:
        return "检查点", f"检查点 #{finding.checkpoint_id}"
    if finding.index is not None and finding.level is not None:
        return "账本", f"节点 (层 {finding.level}, 序号 {finding.index})"
    if finding.index is not None:
        return "账本", f"条目 {finding.index}"
    return "账本", "账本"


def _ledger_problems(db: Session, verifier: Verifier) -> list[Problem]:
    findings = verify_log(db, [verifier])
    # After a missing entry every later subtree hash differs too: say so once.
    gaps = [f.index for f in findings if f.problem is LedgerProblem.GAP and f.index is not None]
    first_gap = min(gaps) if gaps else None
    problems, hidden = [], 0
    for finding in findings:
        if (
            first_gap is not None
            and finding.problem is LedgerProblem.NODE_MISMATCH
            and finding.index is not None
            and finding.level is not None
            and (finding.index + 1) << finding.level > first_gap
        ):
            hidden += 1
            continue
        area, where = _where(finding)
        problems.append(Problem(area, where, f"{finding.problem}: {finding.message}"))
    if hidden:
        problems.append(
            Problem("账本", f"条目 {first_gap} 之后", f"其后 {hidden} 个子树哈希随之不符（略）")
        )
    return problems


def _rollback_problems(db: Session, verifier: Verifier, seen_note: str | None) -> list[Problem]:
    """The newest checkpoint seen before must still be a prefix of this database's log."""
    if not seen_note:
        return []
    try:
        seen = open_checkpoint(seen_note, [verifier])
    except NoteError as exc:
        return [Problem("回滚", "上次核验记录", f"无法读取上次见到的检查点：{exc}")]
    latest = latest_checkpoint(db)
    size = log_size(db)
    where = f"检查点 size={seen.size}"
    if latest is None or latest.size < seen.size or size < seen.size:
        have = latest.size if latest else 0
        return [
            Problem(
                "回滚",
                where,
                f"数据库的账本（{size} 条，最新检查点 size={have}）比上次核验时见到的"
                f"检查点（size={seen.size}）还旧：数据库可能被回滚到旧副本，或检查点被删除",
            )
        ]
    store = SqlNodeStore(db.connection(), size=size)
    try:
        proof = consistency_proof(store, seen.size, latest.size)
        verify_consistency(seen.size, latest.size, seen.root_hash, latest.root_hash, proof)
    except ProofError as exc:
        return [Problem("回滚", where, f"当前账本与上次见到的检查点不一致：{exc}")]
    return []


def _blobs_to_check(db: Session, full: bool, since: str | None, sample: int) -> list[str]:
    query = select(StoredBlob.digest).order_by(StoredBlob.created_at)
    if full or since is None:
        return list(db.scalars(query))
    cutoff = datetime.fromisoformat(since)
    recent = list(db.scalars(query.where(StoredBlob.created_at > cutoff)))
    older = list(db.scalars(query.where(StoredBlob.created_at <= cutoff)))
    return recent + random.SystemRandom().sample(older, min(sample, len(older)))


def disposed_blobs(db: Session) -> dict[str, str]:
    """Digests whose content was removed by an approved disposal, with what approved it
    (the features' `disposed_blobs` hooks): the ledger keeps them, the store does not."""
    found: dict[str, str] = {}
    for hook in registry().disposed_blobs:
        found.update(hook(db))
    return found


def _blob_findings(
    store: BlobStore, digests: list[str], disposed: dict[str, str], progress: Progress
) -> tuple[list[Problem], list[str]]:
    """Problems, and notes on content that is missing because it was disposed of with
    approval (never a problem; content missing without one still is)."""
    problems, notes = [], []
    for done, digest in enumerate(digests, 1):
        result = store.verify(digest)
        if result.problem == "missing" and digest in disposed:
            notes.append(f"[已销毁] {digest}: {disposed[digest]}")
        elif not result:
            problems.append(Problem("文件", digest, f"{result.problem}: {result.detail}"))
        progress("文件", done, len(digests))
    return problems, notes


@dataclass(frozen=True)
class VerifyReport:
    problems: list[Problem]
    entries: int
    checkpoints: int
    blobs_checked: int
    disposed: list[str] = field(default_factory=list)  # info lines, not problems


def verify_instance(
    settings: Settings,
    db: Session,
    store: BlobStore,
    verifier: Verifier,
    *,
    full: bool = False,
    sample: int = 100,
    progress: Progress = lambda _phase, _done, _total: None,
) -> VerifyReport:
    state = _load_state(settings)
    started = datetime.now(UTC).isoformat()
    progress("账本", 0, 1)
    problems = _ledger_problems(db, verifier)
    problems += _rollback_problems(db, verifier, state.get("last_checkpoint"))
    progress("记录", 0, 1)
    problems += [Problem("记录", f.subject, f.problem) for f in check_rows(db)]
    digests = _blobs_to_check(db, full, state.get("last_full_blob_check"), sample)
    blob_problems, disposed = _blob_findings(store, digests, disposed_blobs(db), progress)
    problems += blob_problems
    latest = latest_checkpoint(db)
    if not problems:
        # Remember the newest good checkpoint, so that a later rollback is noticed.
        if latest is not None:
            state["last_checkpoint"] = latest.signed_note
        if full:
            state["last_full_blob_check"] = started
        _save_state(settings, state)
    return VerifyReport(problems, log_size(db), len(list_checkpoints(db)), len(digests), disposed)
