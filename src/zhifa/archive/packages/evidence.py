"""The chain from an item's bytes to the signed checkpoint, checked without a database:

bytes -> the digest the ledger payload names -> SHA-256 of the payload in the leaf ->
the leaf's inclusion proof -> the root the checkpoint signs.

Pure: takes values, returns problems in Chinese (an empty list when the chain holds).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from zhifa.blobs.digests import parse_digest
from zhifa.ledger import Checkpoint, ProofError, leaf_hash, verify_inclusion

from .source import LedgerEvidence


def evidence_problems(
    evidence: LedgerEvidence, digests: Mapping[str, str], checkpoint: Checkpoint
) -> list[str]:
    """What breaks the chain for content whose hex digests by algorithm are `digests`."""
    problems = _leaf_problems(evidence)
    named = _named_digest(evidence)
    if named is None:
        problems.append(f"账本快照中没有可识别的文件摘要（{'.'.join(evidence.digest_path)}）")
    else:
        algorithm, hexdigest = named
        if digests.get(algorithm) != hexdigest:
            problems.append(f"文件内容与账本快照记载的摘要 {algorithm}:{hexdigest} 不符")
    try:
        verify_inclusion(
            evidence.index,
            checkpoint.size,
            leaf_hash(evidence.leaf),
            list(evidence.proof),
            checkpoint.root_hash,
        )
    except ProofError:
        problems.append(
            f"第 {evidence.index} 号账本条目的包含性证明不能导出检查点（规模 "
            f"{checkpoint.size}）签署的根哈希"
        )
    return problems


def _leaf_problems(evidence: LedgerEvidence) -> list[str]:
    leaf = _json_object(evidence.leaf)
    if leaf is None:
        return ["账本条目（叶子）不是 JSON 对象"]
    problems = []
    if leaf.get("index") != evidence.index:
        problems.append(
            f"账本条目记载的序号 {leaf.get('index')} 与证明的序号 {evidence.index} 不符"
        )
    if leaf.get("payload_sha256") != hashlib.sha256(evidence.payload).hexdigest():
        problems.append("账本快照的 SHA-256 与账本条目记载的 payload_sha256 不符（快照被改动）")
    return problems


def _named_digest(evidence: LedgerEvidence) -> tuple[str, str] | None:
    value: Any = _json_object(evidence.payload)
    for key in evidence.digest_path:
        value = value.get(key) if isinstance(value, dict) else None
    try:
        return parse_digest(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _json_object(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None
