"""The on-site mode over HTTP as htmx drives it: each answer is saved by the service that
owns the record and the next screen comes back; a reload resumes at the first unfinished
step; a refusal keeps the screen with its message and records nothing; the issued
document carries the party's signature and what they acknowledged; the legal section
keeps the standard words as versions and the activity records the version shown."""

from __future__ import annotations

import base64
import io
import re

from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.browser import ARTIFACTS
from tests.conftest import login
from tests.recording.helpers import pdf_text
from tests.recording.onsite.journey import COLLEAGUE, OFFICER, open_inspection
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Acknowledgement, Activity, MattersTold
from zhifa.recording.av.models import RecordingNotice
from zhifa.recording.documents.models import Document, DocumentStatus
from zhifa.recording.onsite.models import OnsiteStep, Script
from zhifa.recording.onsite.rules import CERTIFICATE_TOPIC

HTMX = {"HX-Request": "true"}


def _png() -> str:
    image = Image.new("RGB", (120, 40), "white")
    image.paste((0, 0, 0), (10, 18, 110, 22))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _post(client: TestClient, path: str, csrf: str, **data: str) -> str:
    response = client.post(path, data={"csrf_token": csrf, **data}, headers=HTMX)
    assert response.status_code == 200, response.text[:2000]
    return response.text


def _activity_id(db: Session, action_id: int) -> int:
    db.rollback()  # a fresh snapshot
    found = db.scalar(select(Activity.id).where(Activity.action_id == action_id))
    assert found is not None
    return found


def test_walk_resume_refuse_and_issue(client: TestClient, settings: Settings, db: Session) -> None:
    action_id = open_inspection(settings, "仓库现场检查")
    csrf = login(client, OFFICER)
    start = client.get(f"/app/actions/{action_id}/onsite")
    assert start.status_code == 200
    assert "这是我们的行政执法证件" in start.text  # the 亮证 words, filled in
    assert "张伟、王磊" in start.text and "data:image/png;base64," in start.text  # cards + QR

    shown = client.post(
        f"/app/actions/{action_id}/onsite",
        data={"csrf_token": csrf, "place": "仓库", "party_present": "赵主管"},
        headers=HTMX,
    )
    assert shown.status_code == 200 and 'id="matter-reason"' in shown.text
    activity_id = _activity_id(db, action_id)
    base = f"/app/onsite/{activity_id}"
    assert shown.headers["HX-Push-Url"] == base

    resumed = client.get(base)  # the connection dropped, the page is opened again
    assert 'id="matter-reason"' in resumed.text and "亮证</li>" in resumed.text

    for matter in ("reason", "basis", "recusal"):
        _post(client, f"{base}/matters", csrf, matter=matter)
    refused = client.post(f"{base}/matters", data={"csrf_token": csrf, "matter": "x"}, headers=HTMX)
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    screen = _post(client, f"{base}/matters", csrf, matter="cooperation")
    assert 'id="onsite-recording"' in screen and "全程录音录像" in screen
    screen = _post(client, f"{base}/recording", csrf)
    assert 'id="signature-pad"' in screen and 'value="赵主管"' in screen

    bad = client.post(
        f"{base}/acknowledgement",
        data={"csrf_token": csrf, "signer_name": "赵主管", "signature": "data:image/png;base64,xx"},
        headers=HTMX,
    )
    assert bad.status_code in (400, 422) and "签名图像无效" in bad.text
    db.rollback()  # a fresh snapshot
    assert (
        db.scalar(select(Acknowledgement).where(Acknowledgement.activity_id == activity_id)) is None
    )

    screen = _post(client, f"{base}/acknowledgement", csrf, signer_name="赵主管", signature=_png())
    assert 'id="tus-files"' in screen
    screen = _post(client, f"{base}/media", csrf)
    assert 'id="f_checked"' in screen
    saved = _post(client, f"{base}/document", csrf, checked="检查了储存间。")
    assert "草稿已保存" in saved
    assert 'id="f_checked"' in client.get(base).text  # resumes at the document, text kept
    assert "检查了储存间。" in client.get(base).text
    done = _post(client, f"{base}/issue", csrf, checked="检查了储存间和消防设施。")
    assert "现场执法活动已完成" in done

    db.rollback()  # a fresh snapshot
    ack = db.scalar(select(Acknowledgement).where(Acknowledgement.activity_id == activity_id))
    assert ack is not None and ack.statement.startswith("本人确认：执法人员张伟")
    assert (
        len(db.scalars(select(MattersTold).where(MattersTold.activity_id == activity_id)).all())
        == 4
    )
    assert db.scalar(select(RecordingNotice).where(RecordingNotice.activity_id == activity_id))
    doc = db.scalar(
        select(Document).where(
            Document.action_id == action_id, Document.status == DocumentStatus.issued
        )
    )
    assert doc is not None and doc.fields["checked"] == "检查了储存间和消防设施。"
    pdf = client.get(f"/app/actions/{action_id}/documents/{doc.id}/pdf").content
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "onsite-issued-record.pdf").write_bytes(pdf)
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "本人确认：执法人员张伟" in text and "赵主管（签名）" in text
    assert any(page.images for page in PdfReader(io.BytesIO(pdf)).pages)  # the signature

    steps = db.scalars(select(OnsiteStep).where(OnsiteStep.activity_id == activity_id)).all()
    first = next(s for s in steps if s.step == "certificate")
    script = db.get(Script, first.script_ids[0])
    assert script is not None and script.topic == CERTIFICATE_TOPIC


def test_the_legal_section_keeps_the_words_as_versions(
    client: TestClient, settings: Settings, db: Session
) -> None:
    csrf = login(client, OFFICER)
    refused = client.post(
        "/app/onsite-scripts",
        data={"csrf_token": csrf, "topic": CERTIFICATE_TOPIC, "text": "您好，我们是执法人员。"},
    )
    assert refused.status_code == 403
    client.cookies.clear()
    csrf = login(client, "legal")
    page = client.get("/app/onsite-scripts")
    assert page.status_code == 200 and "亮证用语" in page.text and "第 1 版" in page.text
    typo = client.post(
        "/app/onsite-scripts",
        data={"csrf_token": csrf, "topic": CERTIFICATE_TOPIC, "text": "我们是{执法单位}的人员"},
    )
    assert typo.status_code == 422 and "无法识别的填空：{执法单位}" in typo.text
    text = "您好！我们是{执法机关}的执法人员{执法人员}，请查看证件并扫码核验。"
    saved = client.post(
        "/app/onsite-scripts",
        data={"csrf_token": csrf, "topic": CERTIFICATE_TOPIC, "text": text, "reason": "简化"},
    )
    assert saved.status_code == 303
    db.rollback()  # a fresh snapshot
    versions = db.scalars(select(Script).where(Script.topic == CERTIFICATE_TOPIC)).all()
    assert sorted(v.version for v in versions) == [1, 2]
    assert versions[0].text != text  # the first version is kept as it was

    client.cookies.clear()
    csrf = login(client, COLLEAGUE)
    action_id = open_inspection(settings, "第二次现场检查")
    screen = client.get(f"/app/actions/{action_id}/onsite").text
    assert "的执法人员张伟、王磊，请查看证件并扫码核验。" in screen
    _post(client, f"/app/actions/{action_id}/onsite", csrf, place="车间")
    step = db.scalar(
        select(OnsiteStep).where(OnsiteStep.activity_id == _activity_id(db, action_id))
    )
    assert step is not None
    assert db.get(Script, step.script_ids[0]).version == 2  # type: ignore[union-attr]
