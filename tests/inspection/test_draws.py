"""The draw in the database, on SQLite and PostgreSQL: announce (ledgered, with a signed
checkpoint covering it) → the real quicknet round 657413 entered → drawn → substituted,
and the published document verifies with no problem; every refusal changes nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.inspection.draw_helpers import (
    ANNOUNCED,
    DUE,
    ROUND,
    SIGNATURE,
    WRONG_SIGNATURE,
    announce,
    beacon,
    demo_plan,
    state,
)
from zhifa.core.audit import check_rows
from zhifa.core.errors import Conflict, DomainError
from zhifa.core.keys import load_ledger_verifier
from zhifa.core.settings import Settings
from zhifa.inspection.draw import DrawError, canonical_json
from zhifa.inspection.draws import service as draws
from zhifa.inspection.draws.models import FrozenDraw, PublicInspection
from zhifa.inspection.draws.public import draw_key, plan_key
from zhifa.inspection.draws.rules import announce_data, beacon_data
from zhifa.inspection.draws.schemas import BeaconIn, SubstituteIn, SubstitutionReason
from zhifa.inspection.plans import service as plans
from zhifa.inspection.plans.rules import PlanIn
from zhifa.inspection.published import verify
from zhifa.ledger import checkpoint_by_id, get_entry, open_checkpoint


def test_the_full_flow_publishes_a_document_that_verifies(
    writer: Session, settings: Settings
) -> None:
    plan = demo_plan(writer)
    draw = announce(writer, settings, plan)
    writer.commit()
    assert draw.announcement["randomness"][0]["round"] == ROUND
    assert draw.announcement["announced_at"] == "2023-09-13T11:00:03Z"
    assert draw.announcement["plan"]["batch"] == "第一批" and draw.status == "announced"
    entry = get_entry(writer, draw.ledger_index)  # type: ignore[arg-type]
    assert entry is not None and entry.kind == "inspection.draw.announce"
    checkpoint = checkpoint_by_id(writer, draw.checkpoint_id)  # type: ignore[arg-type]
    assert checkpoint is not None and checkpoint.size > draw.ledger_index  # type: ignore[operator]
    assert checkpoint.created_at == ANNOUNCED == draw.checkpoint_at
    # The signature covers the announcement's digest and time, not only the tree head.
    opened = open_checkpoint(checkpoint.signed_note, [load_ledger_verifier(settings)])
    commitment = f"zhifa-draw/1 announcement {draw.announcement_sha256} 2023-09-13T11:00:03Z"
    assert opened.extensions == (commitment,)

    beacon(writer, draw)
    writer.commit()
    assert draw.status == "drawn"
    teams = draws.current_teams(draw)
    assert len(teams) == sum(s["size"] for s in draw.outputs["strata"])  # type: ignore[index]
    at, first = next((i, t) for i, t in enumerate(teams) if t.stratum == "一般")  # a sample
    record = draws.substitute(
        writer,
        draw,
        SubstituteIn(
            target=first.target, reason=SubstitutionReason.closed, note="内部：电话无人接听三次"
        ),
        None,
        DUE,
    )
    writer.commit()
    after = draws.current_teams(draw)
    assert after[at].target == record.substitute != first.target
    assert after[:at] + after[at + 1 :] == teams[:at] + teams[at + 1 :]  # the others kept

    doc = draws.published_document(draw)
    assert verify(doc) == []
    assert doc["substitutions"][0]["reason"] == "已注销或停业"  # type: ignore[index]
    assert "内部" not in json.dumps(doc, ensure_ascii=False)  # the note is never published
    row = writer.scalar(
        select(PublicInspection).where(PublicInspection.key == draw_key(plan.id, 1))
    )
    assert row is not None and row.document.encode() == canonical_json(doc)
    assert "内部" not in json.dumps(row.body, ensure_ascii=False)
    assert writer.scalar(select(PublicInspection).where(PublicInspection.key == plan_key(plan.id)))
    assert list(check_rows(writer)) == []  # every row matches its latest ledger entry


def test_a_round_too_soon_after_the_checkpoint_is_refused(
    writer: Session, settings: Settings
) -> None:
    plan, before = demo_plan(writer), state(writer)
    with pytest.raises(DomainError, match="24 小时"):
        announce(writer, settings, plan, round_at=ANNOUNCED + timedelta(hours=23))
    assert state(writer) == before


def test_wrong_signature_and_early_round_are_refused(writer: Session, settings: Settings) -> None:
    draw = announce(writer, settings, demo_plan(writer))
    writer.commit()
    draw_id, before = draw.id, state(writer)
    with pytest.raises(DomainError, match="签名验证未通过"):
        beacon(writer, draw, WRONG_SIGNATURE)
    writer.rollback()
    not_yet = r"将于北京时间 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d 产生，现在还没有"  # people's time
    with pytest.raises(DomainError, match=not_yet):
        beacon(writer, draw, now=DUE - timedelta(minutes=1))
    assert state(writer) == before
    again = writer.get(type(draw), draw_id)
    assert again is not None and again.status == "announced" and again.outputs is None


def test_unapproved_plan_and_second_announce_are_refused(
    writer: Session, settings: Settings
) -> None:
    plan = demo_plan(writer)
    body = PlanIn.model_validate(
        {"year": 2026, "title": "草稿计划", "unit_id": plan.unit_id, "batches": plan.batches}
    )
    draft = plans.create_plan(writer, body, None)
    writer.commit()
    before = state(writer)
    with pytest.raises(Conflict, match="尚未经领导批准"):
        announce(writer, settings, draft)
    assert state(writer) == before
    announce(writer, settings, plan)
    writer.commit()
    before = state(writer)
    with pytest.raises(Conflict, match="已发布抽取公告"):
        announce(writer, settings, plan)
    assert state(writer) == before


def test_substitution_needs_a_listed_reason_and_results_are_frozen(
    writer: Session, settings: Settings
) -> None:
    with pytest.raises(ValidationError):
        SubstituteIn.model_validate({"target": "x", "reason": "老板不在"})
    draw = beacon(writer, announce(writer, settings, demo_plan(writer)))
    writer.commit()
    before = state(writer)
    with pytest.raises(DrawError, match="不是本次抽中的检查对象"):
        draws.substitute(
            writer,
            draw,
            SubstituteIn(target="91310000000000000X", reason=SubstitutionReason.moved),
            None,
        )
    writer.rollback()
    with pytest.raises(Conflict, match="已经抽取"):
        beacon(writer, draw)
    writer.rollback()
    draw.outputs = {"strata": [], "teams": []}
    with pytest.raises(FrozenDraw):
        writer.flush()
    writer.rollback()
    assert state(writer) == before


def test_a_target_that_cannot_be_staffed_fails_loudly(writer: Session, settings: Settings) -> None:
    plan = demo_plan(writer)
    batches = [{**plan.batches[1], "team_size": 60}]
    body = PlanIn.model_validate(
        {"year": 2026, "title": "大组计划", "unit_id": plan.unit_id, "batches": batches}
    )
    big = plans.create_plan(writer, body, None)
    plans.approve_plan(writer, big, None)
    draw = announce(writer, settings, big)
    writer.commit()
    before = state(writer)
    with pytest.raises(DrawError, match=r"无法为检查对象 .* 配齐 60 名检查人员"):
        beacon(writer, draw)
    assert state(writer) == before


def test_a_lottery_source_joins_the_drand_round(writer: Session, settings: Settings) -> None:
    lottery = {"name": "福利彩票双色球 2023108 期", "draw_date": date(2023, 9, 15),
               "ordered": [False, True]}  # fmt: skip
    plan = demo_plan(writer)
    with pytest.raises(DomainError, match="24 小时之后"):
        announce(writer, settings, plan, lottery={**lottery, "draw_date": date(2023, 9, 14)})
    writer.rollback()
    draw = announce(writer, settings, plan, lottery=lottery)
    with pytest.raises(DomainError, match="2 组彩票开奖号码"):
        draws.enter_beacon(writer, draw, BeaconIn(signature=SIGNATURE), None, DUE)
    sets = [[33, 5, 12, 19, 27, 8], [16]]
    draws.enter_beacon(writer, draw, BeaconIn(signature=SIGNATURE, lottery_sets=sets), None, DUE)
    doc = draws.published_document(draw)
    assert verify(doc) == []
    assert doc["beacon"]["randomness"].endswith(b"5.8.12.19.27.33./16./".hex())  # type: ignore[index]


def test_the_forms_become_bodies() -> None:
    values = {"round_at": "2026-12-10T09:00", "lottery_name": "双色球", "lottery_date":
              "2026-12-10", "lottery_sets": "2", "lottery_ordered": "2"}  # fmt: skip
    assert announce_data(values)["lottery"] == {
        "name": "双色球", "draw_date": "2026-12-10", "ordered": [False, True]
    }  # fmt: skip
    with pytest.raises(DomainError, match="组号"):
        announce_data({**values, "lottery_ordered": "3"})
    assert announce_data({"round_at": ""}) == {"round_at": None}
    assert beacon_data({"signature": "ab", "lottery_numbers": "1 2，3\n\n7"})["lottery_sets"] == [
        [1, 2, 3], [7]
    ]  # fmt: skip
    with pytest.raises(DomainError, match="非负整数"):
        beacon_data({"lottery_numbers": "1 -2"})
