"""The archive's pages and API through the real app, on SQLite and PostgreSQL: the
archivist proposes the 保管期限表 and a leader (not the proposer) approves it; a refused
line is shown beside its field; the 档号 scheme; filing a due case from the list and
reading its 卷内目录 (the read logged); who may open what; the 归档 duty on the board."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.archive.helpers import SUMMARY_PENALTY, closed_case, ready_to_file
from tests.conftest import login
from tests.factories import principal
from zhifa.archive.filing.models import ArchiveFile, ItemKind
from zhifa.archive.retention import forms
from zhifa.archive.retention.models import RetentionSchedule, ScheduleStatus
from zhifa.archive.retention.rules import SUGGESTED_ROWS, RecordClass
from zhifa.core.models import AccessLog
from zhifa.publicity.duties import DutyKind, duties
from zhifa.recording.access.rules import Restriction
from zhifa.recording.access.service import set_restriction
from zhifa.recording.media.models import Media


def _proposal(csrf: str, **changes: str) -> dict[str, str]:
    values = forms.prefill(SUGGESTED_ROWS) | {"reason": "首版保管期限表", "csrf_token": csrf}
    return values | changes


def _line(record_class: RecordClass, key: str) -> str:
    return f"rows.{forms.CLASSES.index(record_class)}.{key}"


def _count(db: Session, model: type) -> int:
    db.rollback()  # see what the app committed
    count = db.scalar(select(func.count()).select_from(model)) or 0
    db.rollback()  # and leave the database to the app
    return count


def test_the_archivist_proposes_and_a_leader_approves(client: TestClient, db: Session) -> None:
    csrf = login(client, "archivist")
    form = client.get("/app/archive/schedule/new")
    assert form.status_code == 200 and "已按建议预填" in form.text
    sent = client.post("/app/archive/schedule/new", data=_proposal(csrf))
    assert sent.status_code == 303 and sent.headers["location"].endswith("?done=proposed")
    page = client.get(sent.headers["location"])
    assert "待审批" in page.text and 'id="decision"' not in page.text  # no approving here
    assert client.get("/app/archive/schedule").text.count("待领导审批") == 1
    version = sent.headers["location"].split("/")[-1].split("?")[0]
    assert client.post(f"/app/archive/schedule/{version}/decision").status_code == 403

    client.post("/app/logout", data={"csrf_token": csrf})
    csrf = login(client, "leader")
    returned = {"approve": "false", "note": "", "csrf_token": csrf}
    refused = client.post(f"/app/archive/schedule/{version}/decision", data=returned)
    assert refused.status_code == 400 and 'data-field="note"' in refused.text
    assert "退回时请写明理由" in refused.text
    approve = {"approve": "true", "note": "同意", "csrf_token": csrf}
    done = client.post(f"/app/archive/schedule/{version}/decision", data=approve)
    assert done.status_code == 303 and done.headers["location"].endswith("done=approved")
    shown = client.get("/app/archive/schedule").text
    assert "第 1 版，沈建平于" in shown and "行政处罚案卷（简易程序）" in shown
    assert "30年" in shown and "自结案之次年1月1日起算" in shown
    db.rollback()
    schedule = db.scalar(select(RetentionSchedule))
    assert schedule is not None and schedule.status is ScheduleStatus.approved


def test_the_proposer_may_not_approve_their_own_version(client: TestClient) -> None:
    csrf = login(client, "admin")  # holds every permission, proposing and approving
    sent = client.post("/app/archive/schedule/new", data=_proposal(csrf))
    version = sent.headers["location"].split("/")[-1].split("?")[0]
    approve = {"approve": "true", "note": "", "csrf_token": csrf}
    refused = client.post(f"/app/archive/schedule/{version}/decision", data=approve)
    assert refused.status_code == 400
    assert '<span data-field="approve">提出人不能审批自己提出的保管期限表</span>' in refused.text


def test_a_refused_line_is_shown_beside_its_field(client: TestClient, db: Session) -> None:
    csrf = login(client, "archivist")
    ledger, inspection = (
        _line(RecordClass.ledger, "period_kind"),
        _line(RecordClass.inspection, "period_n"),
    )
    wrong = _proposal(csrf, **{ledger: "years", inspection: ""})
    wrong[_line(RecordClass.ledger, "period_n")] = "10"
    refused = client.post("/app/archive/schedule/new", data=wrong)
    assert refused.status_code == 400
    # the first refusal stops the proposal; its line's field is named and kept as typed
    assert f'data-field="{inspection}"' in refused.text
    assert "行政检查案卷：定期保管须填写 1 至 1200 的年数或月数" in refused.text
    wrong[inspection] = "10"
    refused = client.post("/app/archive/schedule/new", data=wrong)
    assert f'data-field="{ledger}"' in refused.text and "只能永久保存" in refused.text
    assert '<option value="years" selected>' in refused.text  # the form as it was sent
    short = _proposal(csrf, reason="x", **{_line(RecordClass.access_log, "basis"): ""})
    refused = client.post("/app/archive/schedule/new", data=short)
    assert refused.status_code == 422 and "请修改以下 2 处" in refused.text
    assert 'data-field="reason"' in refused.text
    assert f'data-field="{_line(RecordClass.access_log, "basis")}"' in refused.text
    assert _count(db, RetentionSchedule) == 0


def test_filing_a_due_case_from_the_list(client: TestClient, db: Session) -> None:
    action_id = closed_case(db, SUMMARY_PENALTY).id
    db.rollback()
    csrf = login(client, "archivist")
    page = client.get("/app/archive")
    assert "尚无经领导批准的保管期限表" in page.text and "/app/archive/schedule/new" in page.text
    assert 'action="/app/archive/cases/' not in page.text  # nothing to press before it may work
    refused = client.post(f"/app/archive/cases/{action_id}/file", data={"csrf_token": csrf})
    assert refused.status_code == 400 and "尚未设置档号规则" in refused.text
    assert (
        'href="/app/archive/scheme"' in refused.text
        and "尚无经领导批准的保管期限表" in refused.text
    )

    ready_to_file(db)
    db.commit()
    page = client.get("/app/archive")
    row = page.text.split(f'id="case-{action_id}"', 1)[1].split("</tr>", 1)[0]
    closed = closed_case(db, SUMMARY_PENALTY).closed_at
    db.rollback()
    assert closed is not None
    assert f"{closed.year + 1}年6月30日" in row and "待归档" in row
    assert f'action="/app/archive/cases/{action_id}/file"' in row and "data-confirm" in row
    filed = client.post(f"/app/archive/cases/{action_id}/file", data={"csrf_token": csrf})
    assert filed.status_code == 303
    location = filed.headers["location"]
    assert re.fullmatch(r"/app/archive/files/\d+\?done=filed", location)
    before = _count(db, AccessLog)
    shown = client.get(location)
    assert shown.status_code == 200 and "已归档：案卷已编制档号" in shown.text
    archive = db.scalar(select(ArchiveFile).where(ArchiveFile.action_id == action_id))
    assert archive is not None and archive.archival_code in shown.text
    catalogue = shown.text.split('id="catalogue"', 1)[1]
    assert catalogue.count("<tr data-item=") == archive.item_count
    assert "执法过程记录表" in catalogue
    assert (
        f"保管至{archive.keep_until.year}年12月31日" in shown.text if archive.keep_until else True
    )
    document = next(i for i in archive.items if i.kind is ItemKind.document)
    assert f'href="/app/actions/{action_id}/documents/{document.source.split(":")[1]}"' in catalogue
    assert _count(db, AccessLog) == before + 1
    read = db.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert read is not None and (read.record_type, read.record_id) == (
        "archive_file",
        str(archive.id),
    )
    code = archive.archival_code
    assert read.purpose == f"查看档案 {code}"
    db.rollback()
    listed = client.get("/app/archive").text.split('id="filed"', 1)[1]
    assert code in listed and "30年" in listed
    again = client.post(f"/app/archive/cases/{action_id}/file", data={"csrf_token": csrf})
    assert again.status_code == 409 and "这个案件已经归档" in again.text


def test_classified_items_show_only_their_title(client: TestClient, db: Session) -> None:
    ready_to_file(db)
    action = closed_case(db)
    clip = db.scalar(select(Media).where(Media.action_id == action.id).order_by(Media.id))
    assert clip is not None
    clip_id, title = clip.id, clip.filename
    leader = principal(db, "leader")
    set_restriction(db, leader, clip_id, Restriction.state_secret, True, "涉及国家秘密")
    action_id = action.id
    db.commit()
    csrf = login(client, "archivist")  # without media.restricted_read
    filed = client.post(f"/app/archive/cases/{action_id}/file", data={"csrf_token": csrf})
    secret = client.get(filed.headers["location"]).text.split('id="catalogue"', 1)[1]
    assert "涉密" in secret and "另行保管" in secret and f"/app/media/{clip_id}" not in secret
    assert title in secret  # its title only
    client.cookies.clear()
    login(client, "leader")
    seen = client.get(filed.headers["location"]).text.split('id="catalogue"', 1)[1]
    assert f'href="/app/media/{clip_id}"' in seen and "另行保管，详情" not in seen


def test_the_code_scheme_page(client: TestClient, db: Session) -> None:
    csrf = login(client, "archivist")
    page = client.get("/app/archive/scheme")
    assert "尚未设置档号规则" in page.text and "{全宗号}" in page.text
    values = {"fonds": "Z031", "fonds_name": "上海市普陀区应急管理局", "category": "ZF",
              "org_code": "FZK", "code_pattern": "{全宗号}-{年度}", "seq_width": "4",
              "reason": "按档案馆分配的全宗号设置", "csrf_token": csrf}  # fmt: skip
    refused = client.post("/app/archive/scheme", data=values)
    assert refused.status_code == 400 and 'data-field="code_pattern"' in refused.text
    assert "档号须包含：{保管期限}、{件号}" in refused.text
    preview = client.get(
        "/app/archive/scheme/preview",
        params={
            **values,
            "code_pattern": "{全宗号}-{门类代码}·{年度}-{保管期限}-{机构代码}-{件号}",
        },
    )
    assert "Z031-ZF·2026-D30-FZK-0001" in preview.text
    values["code_pattern"] = "{全宗号}·{年度}-{保管期限}-{件号}"
    done = client.post("/app/archive/scheme", data=values)
    assert done.status_code == 303
    shown = client.get("/app/archive/scheme").text
    assert "Z031·2026-D30-0001" in shown and "何佳怡" in shown


def test_who_may_open_the_archive(client: TestClient) -> None:
    login(client, "zhangwei")  # an officer
    for path in ("/app/archive", "/app/archive/schedule", "/app/archive/scheme",
                 "/api/v1/archive/files", "/api/v1/archive/schedules"):  # fmt: skip
        assert client.get(path).status_code == 403, path
    assert "归档与保管" not in client.get("/app").text
    client.cookies.clear()
    csrf = login(client, "office")  # reads the archive and keeps its rules, files nothing
    assert client.get("/app/archive").status_code == 200
    assert "保管期限表" in client.get("/app").text
    assert client.post("/app/archive/cases/1/file", data={"csrf_token": csrf}).status_code == 403
    assert (
        client.post("/app/archive/schedule/1/decision", data={"csrf_token": csrf}).status_code
        == 403
    )


def test_the_json_api(client: TestClient, db: Session) -> None:
    csrf = login(client, "archivist")
    headers = {"X-CSRF-Token": csrf}
    body = {"reason": "首版", "rows": [
        {"record_class": r.record_class, "period_kind": r.period.kind, "period_n": r.period.n,
         "starts": r.starts, "basis": r.basis} for r in SUGGESTED_ROWS]}  # fmt: skip
    proposed = client.post("/api/v1/archive/schedules", json=body, headers=headers)
    assert proposed.status_code == 201 and proposed.json()["status_label"] == "待审批"
    assert client.get("/api/v1/archive/schedules/in-force").status_code == 404
    client.cookies.clear()
    leader = {"X-CSRF-Token": login(client, "leader")}
    schedule_id = proposed.json()["id"]
    decided = client.post(f"/api/v1/archive/schedules/{schedule_id}/decision",
                          json={"approve": True, "note": "同意"}, headers=leader)  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    rows = client.get("/api/v1/archive/schedules/in-force").json()["rows"]
    assert {r["period_label"] for r in rows} >= {"永久", "30年", "10年", "6个月"}
    client.cookies.clear()
    headers = {"X-CSRF-Token": login(client, "archivist")}
    scheme = {"fonds": "Z031", "fonds_name": "上海市普陀区应急管理局", "category": "ZF",
              "org_code": "FZK", "reason": "设置"}  # fmt: skip
    assert client.put("/api/v1/archive/scheme", json=scheme, headers=headers).status_code == 200
    due = client.get("/api/v1/archive/due").json()
    case = next(row for row in due if row["title"] == SUMMARY_PENALTY)
    assert case["overdue"] is False and case["filing_due"].endswith("-06-30")
    filed = client.post(f"/api/v1/archive/cases/{case['action_id']}/file", headers=headers)
    assert filed.status_code == 201 and filed.json()["items"] is None
    before = _count(db, AccessLog)
    read = client.get(f"/api/v1/archive/files/{filed.json()['id']}").json()
    assert read["archival_code"].startswith("Z031-ZF·") and read["items"][0]["item_no"] == 1
    assert _count(db, AccessLog) == before + 1
    assert [f["id"] for f in client.get("/api/v1/archive/files").json()] == [read["id"]]


def test_filing_is_a_duty_on_the_board(client: TestClient, db: Session) -> None:
    ready_to_file(db)
    db.commit()
    closed = closed_case(db)
    open_before = [d for d in duties(db, kind=DutyKind.archive_filing) if d.done_on is None]
    closed_id = closed.id
    db.rollback()
    assert closed_id in {d.record_id for d in open_before}
    csrf = login(client, "archivist")
    client.post(f"/app/archive/cases/{closed_id}/file", data={"csrf_token": csrf})
    db.rollback()
    done = {d.record_id: d for d in duties(db, kind=DutyKind.archive_filing)}
    db.rollback()
    assert done[closed_id].done_on is not None and done[closed_id].reference.startswith("Z031")
    assert len(done) == len(open_before)
    board = client.get("/app/publicity", params={"task": "archive_filing", "state": "全部"})
    assert board.status_code == 200
    assert board.text.count('data-kind="archive_filing"') == len(done)
    assert "案卷归档" in board.text
    client.cookies.clear()
    login(client, "zhangwei")  # an officer does not see the archive's duties
    assert 'data-kind="archive_filing"' not in client.get("/app/publicity?state=全部").text
