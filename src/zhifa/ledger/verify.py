"""Recompute the whole tree from the stored leaves and compare it with what is stored.

Streams entries in index order, in batches (memory stays O(batch + log n)), and reports
every problem as a `Finding` that says where: entry index, node, or checkpoint id.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, func, select
from sqlalchemy.orm import Session

from zhifa.ledger.checkpoint import StoredCheckpoint, list_checkpoints, parse_checkpoint
from zhifa.ledger.log import make_leaf
from zhifa.ledger.merkle import Made, TreeBuilder
from zhifa.ledger.models import ledger_entry, ledger_head, ledger_node
from zhifa.ledger.note import (
    InvalidNoteSignature,
    NoteError,
    UnverifiedNote,
    Verifier,
    open_note,
    parse_note,
)

_sha256 = hashlib.sha256


class Problem(StrEnum):
    LEAF_HASH_MISMATCH = "leaf_hash_mismatch"  # leaf bytes do not hash to leaf_hash
    LEAF_MALFORMED = "leaf_malformed"  # leaf bytes are not the expected JSON object
    LEAF_INDEX_MISMATCH = "leaf_index_mismatch"  # leaf JSON's index differs from the row's
    ROW_MISMATCH = "row_mismatch"  # a column differs from the value inside the leaf
    GAP = "gap"  # indexes missing from the sequence
    HEAD_MISMATCH = "head_mismatch"  # ledger_head.size differs from the entries present
    NODE_MISSING = "node_missing"  # a complete subtree has no stored hash
    NODE_MISMATCH = "node_mismatch"  # a stored subtree hash differs from the recomputed one
    NODE_EXTRA = "node_extra"  # stored subtree hashes beyond the entries present
    CHECKPOINT_MALFORMED = "checkpoint_malformed"  # note or checkpoint text does not parse
    CHECKPOINT_BAD_SIGNATURE = "checkpoint_bad_signature"  # a trusted key's signature fails
    CHECKPOINT_UNTRUSTED = "checkpoint_untrusted"  # no signature from a trusted key
    CHECKPOINT_ROW_MISMATCH = "checkpoint_row_mismatch"  # columns differ from the signed text
    CHECKPOINT_BEYOND_LOG = "checkpoint_beyond_log"  # signed size larger than the log
    CHECKPOINT_ROOT_MISMATCH = "checkpoint_root_mismatch"  # recomputed root differs
    TRUNCATED = "truncated"  # more findings of one kind were left out


@dataclass(frozen=True)
class Finding:
    problem: Problem
    message: str
    index: int | None = None  # ledger_entry index (or first index of a gap)
    checkpoint_id: int | None = None
    level: int | None = None  # with `index`, a node (level, idx) for node findings


class _Report:
    """Findings, with at most `limit` of each kind (then one TRUNCATED note)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.findings: list[Finding] = []
        self.counts: Counter[Problem] = Counter()

    def add(self, finding: Finding) -> None:
        self.counts[finding.problem] += 1
        if self.counts[finding.problem] <= self.limit:
            self.findings.append(finding)

    def close(self) -> list[Finding]:
        for problem, count in self.counts.items():
            if count > self.limit:
                self.findings.append(
                    Finding(Problem.TRUNCATED, f"{count - self.limit} more {problem} findings")
                )
        return self.findings


@dataclass
class _Target:
    """A checkpoint whose root the recomputation must reproduce at `size`."""

    checkpoint_id: int
    size: int
    root: bytes


def verify_log(
    session: Session | Connection,
    verifiers: Sequence[Verifier],
    *,
    batch_size: int = 8192,
    check_nodes: bool = True,
    limit_per_problem: int = 100,
) -> list[Finding]:
    """Check every entry, stored node and checkpoint; return the problems found."""
    if batch_size < 1 or batch_size & (batch_size - 1):
        raise ValueError("batch_size must be a power of two")
    report = _Report(limit_per_problem)
    targets = _check_checkpoints(list_checkpoints(session), verifiers, report)
    count = _Recompute(session, report, targets, check_nodes).run(batch_size)
    _check_head(session, count, report)
    return report.close()


# ---- checkpoints


def _check_checkpoints(
    stored: list[StoredCheckpoint], verifiers: Sequence[Verifier], report: _Report
) -> list[_Target]:
    targets = [_check_checkpoint(cp, verifiers, report) for cp in stored]
    targets.sort(key=lambda t: (t.size, t.checkpoint_id))
    return targets


def _check_checkpoint(
    cp: StoredCheckpoint, verifiers: Sequence[Verifier], report: _Report
) -> _Target:
    """Check one checkpoint's note; return what the log must reproduce for it."""
    text: str | None = None
    try:
        text = open_note(cp.signed_note, verifiers).text
    except InvalidNoteSignature as exc:
        report.add(Finding(Problem.CHECKPOINT_BAD_SIGNATURE, str(exc), checkpoint_id=cp.id))
    except UnverifiedNote as exc:
        report.add(Finding(Problem.CHECKPOINT_UNTRUSTED, str(exc), checkpoint_id=cp.id))
    except NoteError as exc:
        report.add(Finding(Problem.CHECKPOINT_MALFORMED, str(exc), checkpoint_id=cp.id))
        return _Target(cp.id, cp.size, cp.root_hash)
    if text is None:  # unverified, but still compare the log with what it claims
        text = parse_note(cp.signed_note).text
    try:
        signed = parse_checkpoint(text)
    except NoteError as exc:
        report.add(Finding(Problem.CHECKPOINT_MALFORMED, str(exc), checkpoint_id=cp.id))
        return _Target(cp.id, cp.size, cp.root_hash)
    if (signed.size, signed.root_hash) != (cp.size, cp.root_hash):
        report.add(
            Finding(
                Problem.CHECKPOINT_ROW_MISMATCH,
                f"row says size {cp.size}, signed note says size {signed.size} "
                "(or the root differs)",
                checkpoint_id=cp.id,
            )
        )
    # Compare the log with what was signed, not with editable columns.
    return _Target(cp.id, signed.size, signed.root_hash)


# ---- entries and nodes


class _Recompute:
    """One streaming pass over the entries, rebuilding the tree as it goes."""

    def __init__(
        self,
        session: Session | Connection,
        report: _Report,
        targets: list[_Target],
        check_nodes: bool,
    ) -> None:
        self.session = session
        self.report = report
        self.targets = targets
        self.check_nodes = check_nodes
        self.tree = TreeBuilder()  # over leaves in row order (positions, not indexes)
        self.next_index = 0  # the row index expected next

    def run(self, batch_size: int) -> int:
        for rows in _batches(self.session, batch_size):
            hashes = [self._check_row(row) for row in rows]
            made = self._absorb(hashes)
            if self.check_nodes:
                self._compare_nodes(made)
        self._finish()
        return self.tree.size

    def _check_row(self, row: Any) -> bytes:
        index, leaf = row[0], bytes(row[6])
        if index != self.next_index:
            self.report.add(
                Finding(
                    Problem.GAP,
                    f"entries {self.next_index}..{index - 1} are missing",
                    index=self.next_index,
                )
            )
        self.next_index = index + 1
        digest = _sha256(b"\x00" + leaf).digest()
        if digest != bytes(row[7]):
            self.report.add(
                Finding(Problem.LEAF_HASH_MISMATCH, "leaf bytes do not match leaf_hash", index)
            )
        if _expected_leaf(row) != leaf:
            _check_leaf_fields(row, leaf, self.report)  # slow path: say what differs
        return digest

    def _absorb(self, hashes: list[bytes]) -> Made:
        """Add leaf hashes to the tree, stopping at each checkpoint size on the way."""
        made: Made = {}
        start = 0
        while start < len(hashes):
            self._check_targets()
            stop = len(hashes)
            if self.targets:
                stop = min(stop, start + self.targets[0].size - self.tree.size)
            self.tree.add(hashes[start:stop], made)
            start = stop
        self._check_targets()
        return made

    def _check_targets(self) -> None:
        while self.targets and self.targets[0].size <= self.tree.size:
            target = self.targets.pop(0)
            self._compare_root(target)

    def _compare_root(self, target: _Target) -> None:
        if target.size > self.tree.size:
            self.report.add(
                Finding(
                    Problem.CHECKPOINT_BEYOND_LOG,
                    f"checkpoint signs {target.size} entries, the log has {self.tree.size}",
                    checkpoint_id=target.checkpoint_id,
                )
            )
        elif self.tree.root() != target.root:
            self.report.add(
                Finding(
                    Problem.CHECKPOINT_ROOT_MISMATCH,
                    f"root of the first {target.size} entries differs from the signed root",
                    checkpoint_id=target.checkpoint_id,
                )
            )

    def _compare_nodes(self, made: Made) -> None:
        for level, (first, hashes) in made.items():
            last = first + len(hashes) - 1
            if _stored_hashes(self.session, level, first, last) == hashes:
                continue  # the usual case, checked with one list comparison
            stored = _stored_nodes(self.session, level, first, last)
            for idx, expected in enumerate(hashes, start=first):
                got = stored.get(idx)
                if got is None:
                    self._node_finding(Problem.NODE_MISSING, level, idx, "no stored hash")
                elif got != expected:
                    self._node_finding(Problem.NODE_MISMATCH, level, idx, "stored hash differs")

    def _node_finding(self, problem: Problem, level: int, idx: int, what: str) -> None:
        self.report.add(
            Finding(problem, f"node level {level} index {idx}: {what}", idx, None, level)
        )

    def _finish(self) -> None:
        # Checkpoints larger than the log never got a root to compare with.
        for target in self.targets:
            self._compare_root(target)
        self.targets = []
        if self.check_nodes:
            _check_extra_nodes(self.session, self.tree.size, self.report)


def _expected_leaf(row: Any) -> bytes | None:
    """The leaf bytes that the row's columns call for (None if the columns can't make one)."""
    try:
        return make_leaf(row[0], row[1], row[2], row[3], row[4], row[5])
    except (TypeError, ValueError):
        return None


def _check_leaf_fields(row: Any, leaf: bytes, report: _Report) -> None:
    index = row[0]
    try:
        fields = json.loads(leaf)
        if not isinstance(fields, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        report.add(Finding(Problem.LEAF_MALFORMED, f"leaf is not a JSON object: {exc}", index))
        return
    if fields.get("index") != index:
        report.add(
            Finding(
                Problem.LEAF_INDEX_MISMATCH,
                f"leaf says index {fields.get('index')!r}, row is {index}",
                index,
            )
        )
        return
    wrong = [name for name, pos in _FIELDS if fields.get(name) != row[pos]]
    if not _same_time(fields.get("time"), row[1]):
        wrong.insert(0, "time")
    if wrong:
        report.add(
            Finding(
                Problem.ROW_MISMATCH, f"columns differ from the leaf: {', '.join(wrong)}", index
            )
        )


_FIELDS = (("actor", 2), ("kind", 3), ("subject", 4), ("payload_sha256", 5))


def _same_time(text: Any, moment: datetime) -> bool:
    if not isinstance(text, str):
        return False
    try:
        return datetime.fromisoformat(text) == moment
    except ValueError:
        return False


def _batches(session: Session | Connection, size: int) -> Iterator[Sequence[Row[Any]]]:
    index = ledger_entry.c["index"]
    columns = [
        ledger_entry.c[name]
        for name in (
            "index",
            "time",
            "actor",
            "kind",
            "subject",
            "payload_sha256",
            "leaf",
            "leaf_hash",
        )
    ]
    last = -1
    while True:
        rows = session.execute(
            select(*columns).where(index > last).order_by(index).limit(size)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _node_range(level: int, first: int, last: int) -> ColumnElement[bool]:
    node = ledger_node.c
    return and_(node.level == level, node.idx.between(first, last))


def _stored_hashes(session: Session | Connection, level: int, first: int, last: int) -> list[bytes]:
    node = ledger_node.c
    query = select(node.hash).where(_node_range(level, first, last)).order_by(node.idx)
    return [bytes(h) for h in session.execute(query).scalars()]


def _stored_nodes(
    session: Session | Connection, level: int, first: int, last: int
) -> dict[int, bytes]:
    node = ledger_node.c
    rows = session.execute(select(node.idx, node.hash).where(_node_range(level, first, last)))
    return {int(i): bytes(h) for i, h in rows}


def _check_extra_nodes(session: Session | Connection, size: int, report: _Report) -> None:
    """Stored nodes that no complete subtree of `size` leaves accounts for."""
    node = ledger_node.c
    levels = session.execute(select(func.max(node.level))).scalar() or 0
    for level in range(1, levels + 1):
        rows = session.execute(
            select(node.idx)
            .where(node.level == level, node.idx >= size >> level)
            .order_by(node.idx)
            .limit(report.limit + 1)
        ).scalars()
        for idx in rows:
            report.add(
                Finding(
                    Problem.NODE_EXTRA,
                    f"node level {level} index {idx} covers entries that are not there",
                    int(idx),
                    None,
                    level,
                )
            )


def _check_head(session: Session | Connection, count: int, report: _Report) -> None:
    size = session.execute(select(ledger_head.c.size).where(ledger_head.c.id == 1)).scalar()
    size = int(size or 0)
    if size != count:
        report.add(
            Finding(
                Problem.HEAD_MISMATCH,
                f"ledger_head says {size} entries, {count} are stored",
            )
        )
