"""The ledger's public endpoints (no login): what an outside auditor reads to check that
nothing recorded was removed or altered. They reveal hashes only, nothing personal."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import MAX_LEDGER_INDEX, Db
from zhifa.ledger import (
    SqlNodeStore,
    consistency_proof,
    inclusion_proof,
    latest_checkpoint,
    log_size,
)
from zhifa.ledger.models import ledger_entry

router = APIRouter(prefix="/log", tags=["公开账本（无需登录）"])
MAX_ENTRIES = 1000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@router.get("/checkpoint", response_class=PlainTextResponse, summary="最新签名检查点")
def checkpoint(db: Db) -> PlainTextResponse:
    latest = latest_checkpoint(db)
    if latest is None:
        raise NotFound("尚未签发检查点")
    return PlainTextResponse(latest.signed_note, media_type="text/plain; charset=utf-8")


@router.get("/key", response_class=PlainTextResponse, summary="检查点验证公钥")
def key(request: Request) -> PlainTextResponse:
    # The public key alone: the portal-only process is never given the private key.
    verifier = request.app.state.ledger_verifier
    return PlainTextResponse(verifier.to_string() + "\n", media_type="text/plain; charset=utf-8")


@router.get("/entries", summary="账本条目（叶子原文）")
def entries(
    db: Db,
    start: Annotated[int, Query(ge=0, le=MAX_LEDGER_INDEX)],
    end: Annotated[int, Query(ge=0, le=MAX_LEDGER_INDEX)],
) -> dict[str, list[dict[str, object]]]:
    if end <= start:
        raise DomainError("end 必须大于 start（end 不含）", "end")
    if end - start > MAX_ENTRIES:
        raise DomainError(f"一次最多返回 {MAX_ENTRIES} 条", "end")
    size = log_size(db)
    if end > size:
        raise DomainError(f"end 超出账本大小 {size}", "end")
    rows = db.execute(
        select(ledger_entry.c["index"], ledger_entry.c.leaf)
        .where(ledger_entry.c["index"] >= start, ledger_entry.c["index"] < end)
        .order_by(ledger_entry.c["index"])
    )
    return {"entries": [{"index": int(i), "leaf": _b64(leaf)} for i, leaf in rows]}


@router.get("/proof/inclusion", summary="包含证明")
def inclusion(
    db: Db,
    index: Annotated[int, Query(ge=0, le=MAX_LEDGER_INDEX)],
    size: Annotated[int, Query(ge=1, le=MAX_LEDGER_INDEX)],
) -> dict[str, object]:
    current = log_size(db)
    if size > current:
        raise DomainError(f"size 超出账本大小 {current}", "size")
    if index >= size:
        raise DomainError("index 必须小于 size", "index")
    proof = inclusion_proof(SqlNodeStore(db.connection(), size=current), index, size)
    return {"index": index, "size": size, "proof": [_b64(h) for h in proof]}


@router.get("/proof/consistency", summary="一致性证明")
def consistency(
    db: Db,
    old: Annotated[int, Query(alias="from", ge=1, le=MAX_LEDGER_INDEX)],
    new: Annotated[int, Query(alias="to", ge=1, le=MAX_LEDGER_INDEX)],
) -> dict[str, object]:
    current = log_size(db)
    if new > current:
        raise DomainError(f"to 超出账本大小 {current}", "to")
    if old > new:
        raise DomainError("from 不能大于 to", "from")
    proof = consistency_proof(SqlNodeStore(db.connection(), size=current), old, new)
    return {"from": old, "to": new, "proof": [_b64(h) for h in proof]}
