"""Revising the scoring template: the form's rules (pure) and the pages through the real
app on SQLite and PostgreSQL. A revision is a new version (ledgered); a round keeps the
version it was made with; a bad form (weights not adding to 100, points over the
section, a platform item removed, a stale base, no change, no note) is refused beside
its field and writes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.supervision.reviews.helpers import drawn_round
from zhifa.core.errors import DomainError
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.supervision.reviews import rounds
from zhifa.supervision.reviews.models import ReviewTemplate
from zhifa.supervision.reviews.rules import Template
from zhifa.supervision.reviews.standard import DEFAULT_TEMPLATE, MISSING_DOCUMENT
from zhifa.supervision.reviews.template_form import revised


def _form(template: Template) -> dict[str, str]:
    """The form as the page fills it from ``template``, unchanged."""
    values = {
        "name": template.name,
        "excellent_from": str(template.excellent_from),
        "pass_from": str(template.pass_from),
    }
    values |= {f"veto_{v.code}": v.text for v in template.vetoes}
    for section in template.sections:
        values[f"weight_{section.code}"] = str(section.weight)
        for item in section.items:
            values[f"item_{item.code}"] = item.text
            values[f"points_{item.code}"] = str(item.points)
    return values


def test_an_unchanged_form_gives_the_same_template() -> None:
    assert revised(DEFAULT_TEMPLATE, _form(DEFAULT_TEMPLATE)) == DEFAULT_TEMPLATE


def test_items_are_reworded_moved_in_points_added_and_removed_keeping_codes() -> None:
    subject, facts = DEFAULT_TEMPLATE.sections[0], DEFAULT_TEMPLATE.sections[1]
    kept, dropped = subject.items
    values = _form(DEFAULT_TEMPLATE) | {
        f"weight_{subject.code}": str(subject.weight + 5),
        f"weight_{facts.code}": str(facts.weight - 5),
        f"item_{kept.code}": "未出示执法证件",
        f"remove_{dropped.code}": "1",
        f"new_{subject.code}_0": "执法证件已过有效期",
        f"new_{subject.code}_0_points": "3",
        "new_veto_1": "应当移送司法机关而未移送",
    }
    result = revised(DEFAULT_TEMPLATE, values)
    section = result.sections[0]
    assert section.weight == subject.weight + 5
    assert [(i.code, i.text) for i in section.items] == [
        (kept.code, "未出示执法证件"),
        (f"{subject.code}_added_1", "执法证件已过有效期"),
    ]
    assert result.vetoes[-1].code == "veto_added_1"
    assert result.item(dropped.code) is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weight_subject": "15"}, "weight_subject"),  # 105 in all
        ({"points_subject_certificate": "11"}, "points_subject_certificate"),  # over 10
        ({"points_subject_certificate": "0"}, "points_subject_certificate"),
        ({f"remove_{MISSING_DOCUMENT}": "1"}, f"remove_{MISSING_DOCUMENT}"),
        ({"item_subject_certificate": " "}, "item_subject_certificate"),
        ({"new_subject_0": "新增项"}, "new_subject_0_points"),  # no points
        ({"pass_from": "95"}, "pass_from"),  # above 优秀 90
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_form_is_refused_at_its_field(change: dict[str, str], field: str) -> None:
    with pytest.raises(DomainError) as refused:
        revised(DEFAULT_TEMPLATE, _form(DEFAULT_TEMPLATE) | change)
    assert refused.value.field == field


def _versions(db: Session) -> list[int]:
    db.rollback()
    found = list(db.scalars(select(ReviewTemplate.version).order_by(ReviewTemplate.version)))
    db.rollback()
    return found


def _ledger_size(db: Session) -> int:
    db.rollback()
    size = db.scalar(select(func.count()).select_from(ledger_entry)) or 0
    db.rollback()
    return size


def test_legal_section_revises_and_rounds_keep_their_version(
    client: TestClient, db: Session, settings: Settings
) -> None:
    review_round = drawn_round(db, settings)
    used = review_round.template.version
    assert _versions(db) == [used]
    csrf = login(client, "legal")
    form = client.get("/app/supervision/reviews/templates/new")
    assert form.status_code == 200 and "保存为新版本" in form.text
    good = _form(DEFAULT_TEMPLATE) | {
        "csrf_token": csrf,
        "based_on": str(used),
        "points_subject_certificate": "4",
        "note": "证件出示扣分调整为每处4分",
    }
    before = _ledger_size(db)
    for change, field in (
        ({"weight_subject": "20"}, "weight_subject"),
        ({f"remove_{MISSING_DOCUMENT}": "1"}, f"remove_{MISSING_DOCUMENT}"),
        ({"note": ""}, "note"),
        ({"points_subject_certificate": "5"}, "note"),  # nothing changed
        ({"based_on": str(used + 1)}, "note"),  # not the current version
    ):
        refused = client.post("/app/supervision/reviews/templates", data=good | change)
        assert refused.status_code in (400, 409, 422), change
        assert f'data-field="{field}"' in refused.text, (change, refused.text[-2000:])
    assert _versions(db) == [used] and _ledger_size(db) == before

    saved = client.post("/app/supervision/reviews/templates", data=good)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(f"/app/supervision/reviews/templates/{used + 1}")
    assert _versions(db) == [used, used + 1]
    assert _ledger_size(db) == before + 1
    page = client.get(saved.headers["location"])
    assert "第 2 版" in page.text and "证件出示扣分调整为每处4分" in page.text
    db.rollback()
    current = rounds.current_template(db)
    assert current is not None and current.version == used + 1
    assert Template.from_json(current.body).item("subject_certificate")[1].points == 4  # type: ignore[index]
    db.refresh(review_round)
    assert review_round.template.version == used  # the round keeps its version
    db.rollback()  # and leaves the database to the app
    client.post("/app/logout", data={"csrf_token": csrf})

    csrf = login(client, "zhangwei")  # an officer reads the template but may not revise it
    assert client.get("/app/supervision/reviews/templates").status_code == 200
    denied = client.post("/app/supervision/reviews/templates", data=good | {"csrf_token": csrf})
    assert denied.status_code == 403
    assert _versions(db) == [used, used + 1]
