"""The demo's complaints: one filed by letter about the filed penalty case, accepted,
investigated with the case linked, answered and signed by a leader; one by phone still
waiting for the acceptance decision. Idempotent: skipped once any complaint exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.clock import today
from zhifa.demo.figures import demo_principal
from zhifa.enforcement.models import Action
from zhifa.supervision.complaints import service
from zhifa.supervision.complaints.models import Complaint


def seed_demo_complaints(db: Session) -> int:
    """How many complaints were added (0 when the demo already has them)."""
    if db.scalar(select(Complaint.id)) is not None:
        return 0
    legal, leader = demo_principal(db, "legal"), demo_principal(db, "leader")
    letter = service.StaffIn(
        received_via="letter",
        received_on=today(),
        matter="对某公司未设置安全警示标志一案的处罚有异议",
        complaint_text="来信反映：执法人员检查时未告知陈述申辩权利。",
        complainant_name="周某某",
        complainant_phone="13800000001",
    )
    answered = service.enter(db, legal, letter)
    service.accept(db, answered.id, legal)
    case = db.scalar(select(Action.id).order_by(Action.id))
    if case is not None:
        link = service.LinkIn(link_kind="action", link_id=case, link_note="来信所指案件")
        service.link(db, answered.id, legal, link)
    findings = "调取案卷和执法记录仪视频：执法人员已当场告知陈述、申辩权利，当事人签字确认。"
    service.record_findings(db, answered.id, legal, service.FindingsIn(findings=findings))
    reply = service.AnswerIn(
        answer_public="经核查，执法人员已依法告知陈述、申辩权利，您反映的情况不属实。",
        answer_internal="视频及告知书签字页已核对。",
    )
    service.propose(db, answered.id, legal, reply)
    service.sign(db, answered.id, leader)
    call = letter.model_copy(
        update={
            "received_via": "call",
            "matter": "来电反映执法人员检查时未出示执法证",
            "complaint_text": "来电人称某日上午检查时执法人员未出示证件。",
            "complainant_name": "吴某",
            "complainant_phone": "13800000002",
        }
    )
    service.enter(db, legal, call)
    db.commit()
    return 2
