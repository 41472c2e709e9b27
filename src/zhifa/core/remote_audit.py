"""What an outside auditor runs: check a zhifa instance from its public /log endpoints
only — the checkpoint's signature, consistency with the checkpoint seen last time, and
the inclusion of chosen entries."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from zhifa.ledger import (
    Checkpoint,
    NoteError,
    ProofError,
    leaf_hash,
    open_checkpoint,
    parse_verifier,
    verify_consistency,
    verify_inclusion,
)

TIMEOUT = 30


class AuditError(Exception):
    """The instance could not be checked at all (unreachable, bad answer)."""


@dataclass
class AuditReport:
    checkpoint: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _get(base: str, path: str) -> bytes:
    url = base.rstrip("/") + path
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:200].decode(errors="replace")
        raise AuditError(f"{url} 返回 {exc.code}: {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise AuditError(f"无法访问 {url}：{exc}") from exc


def _proof(data: bytes, key: str = "proof") -> list[bytes]:
    return [base64.b64decode(item) for item in json.loads(data)[key]]


def audit_remote(base: str, key: str, state_file: Path, entries: list[int]) -> AuditReport:
    report = AuditReport()
    try:
        verifier = parse_verifier(key.strip())
    except NoteError as exc:
        raise AuditError(f"验证公钥无效：{exc}") from exc
    note = _get(base, "/log/checkpoint").decode()
    try:
        checkpoint = open_checkpoint(note, [verifier])
    except NoteError as exc:
        report.problems.append(f"检查点签名无效：{exc}")
        return report
    report.checkpoint = checkpoint
    report.notes.append(f"检查点签名有效：size={checkpoint.size}")
    _check_against_last(base, verifier, state_file, checkpoint, report)
    for index in entries:
        _check_entry(base, checkpoint, index, report)
    if not report.problems:
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state_file.write_text(note)
    return report


def _check_against_last(
    base: str, verifier: object, state_file: Path, checkpoint: Checkpoint, report: AuditReport
) -> None:
    if not state_file.exists():
        report.notes.append(f"首次核验：检查点已保存到 {state_file}")
        return
    try:
        last = open_checkpoint(state_file.read_text(), [verifier])  # type: ignore[list-item]
    except NoteError as exc:
        report.problems.append(f"上次保存的检查点无法验证：{exc}")
        return
    if last.size > checkpoint.size:
        report.problems.append(
            f"账本变短了：上次见到 size={last.size}，现在 size={checkpoint.size}（被截断或回滚）"
        )
        return
    if last.size == 0:
        return
    data = _get(base, f"/log/proof/consistency?from={last.size}&to={checkpoint.size}")
    try:
        verify_consistency(
            last.size, checkpoint.size, last.root_hash, checkpoint.root_hash, _proof(data)
        )
    except ProofError as exc:
        report.problems.append(
            f"与上次见到的检查点（size={last.size}）不一致：旧条目被改动或删除（{exc}）"
        )
        return
    report.notes.append(f"与上次见到的检查点（size={last.size}）一致")


def _check_entry(base: str, checkpoint: Checkpoint, index: int, report: AuditReport) -> None:
    if index >= checkpoint.size:
        report.problems.append(f"条目 {index} 不在已签名的检查点（size={checkpoint.size}）之内")
        return
    listed = json.loads(_get(base, f"/log/entries?start={index}&end={index + 1}"))["entries"]
    leaf = base64.b64decode(listed[0]["leaf"])
    data = _get(base, f"/log/proof/inclusion?index={index}&size={checkpoint.size}")
    try:
        verify_inclusion(
            index, checkpoint.size, leaf_hash(leaf), _proof(data), checkpoint.root_hash
        )
    except ProofError as exc:
        report.problems.append(f"条目 {index} 的包含证明无效：{exc}")
        return
    report.notes.append(f"条目 {index} 包含在检查点中：{leaf.decode(errors='replace')}")
