"""Publishing the 事前公示 catalogue (公示办法 第五条、第六条; issue 7 points 3 and 6) through
the public-snapshot pipeline (`publicity.public_snapshots`): one snapshot per version of a
power item, service guide or random-check item, and one per certificate for the officer
list, each ledgered and delivered to the channels.

Snapshots (``zhifa-catalog/1``) hold the public fields in display order as ``items``
(key, label, value) and, for items citing the law, ``basis``: each cited article with its
law's title and the article's text as stored. An officer's snapshot (``zhifa-officer/1``)
holds 姓名, 执法证号, 执法类别/领域, 所属单位, 有效期 and the certificate's status (在用 /
注销 / 暂扣) — nothing else about the person: the portal computes 有效 / 已过期 from the
published dates on the day it is asked.

A certificate's change is published at once, in the transaction of the change: the
catalogue subscribes to `core.certificates.on_change` (core cannot import features), so a
revocation or suspension reaches the portal with the same commit, whichever route, API or
command made it — rather than publishing from the routes, which would miss the API, the
CLI and any later caller. The same publication fulfils the update obligation that the
change opens (`catalog.updates`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog.items import service as items
from zhifa.catalog.laws import service as laws
from zhifa.catalog.models import Citation
from zhifa.core import certificates
from zhifa.core.auth import Principal
from zhifa.core.errors import Conflict, NotFound
from zhifa.core.models import CertificateVersion, Unit, User
from zhifa.enforcement.steps import ACTION_KIND_LABELS
from zhifa.publicity import public_snapshots
from zhifa.publicity.models import PublicSnapshot
from zhifa.publicity.snapshots import canonical, digest

CATALOG_FORMAT = "zhifa-catalog/1"
OFFICER_FORMAT = "zhifa-officer/1"

# The kinds staff publish from the catalogue, in the order of the measure's 第五条.
KINDS = ("power_item", "service_guide", "random_check_item", "officer")

CERTIFICATE_STATUS_LABELS = {"active": "在用", "revoked": "已注销", "suspended": "暂扣"}


@dataclass(frozen=True)
class Draft:
    """What publishing the current version of one subject would publish."""

    kind: str
    subject: str
    title: str
    unit_name: str
    snapshot: dict[str, Any]
    note: str = ""  # the public note of a later version: the reason of the change

    @property
    def digest(self) -> str:
        return digest(canonical(self.snapshot))


class PublishState(StrEnum):
    unpublished = "unpublished"  # 未公示
    outdated = "outdated"  # 有新版本待公示
    current = "current"  # 已公示当前版本


PUBLISH_STATE_LABELS = {
    PublishState.unpublished: "未公示",
    PublishState.outdated: "有新版本待公示",
    PublishState.current: "已公示当前版本",
}


def _item(key: str, label: str, value: Any) -> dict[str, str]:
    return {"key": key, "label": label, "value": "" if value is None else str(value)}


def _note(version: Any) -> str:
    return version.reason if version.version > 1 else ""


def _unit_name(db: Session, unit_id: int | None) -> str:
    unit = db.get(Unit, unit_id) if unit_id else None
    return unit.name if unit else ""


def _basis(db: Session, owner: Any, link: Any) -> list[dict[str, str]]:
    """The articles a version cites, in its order, with their law's current title."""
    rows = db.scalars(select(Citation).where(link == owner.id).order_by(Citation.position))
    titles: dict[int, str] = {}
    cited = []
    for row in rows:
        law_id = row.article.law_id
        if law_id not in titles:
            titles[law_id] = laws.get_law(db, law_id).current.title
        cited.append({"law": titles[law_id], "article": row.label, "text": row.article.text})
    return cited


def _catalog(kind: str, code: str, version: int, rows: list[dict[str, str]], basis: Any) -> dict:
    snapshot: dict[str, Any] = {
        "format": CATALOG_FORMAT,
        "kind": kind,
        "code": code,
        "version": version,
        "items": rows,
    }
    if basis is not None:
        snapshot["basis"] = basis
    return snapshot


def power_item_draft(db: Session, view: items.PowerItemView) -> Draft:
    v = view.current
    if v is None:
        raise Conflict(f"事项 {view.item.code} 尚未录入目录内容，不能公示")
    unit = _unit_name(db, v.unit_id)
    rows = [
        _item("code", "事项编码", view.item.code),
        _item("name", "事项名称", v.name),
        _item("kind", "事项类别", ACTION_KIND_LABELS[v.kind]),
        _item("field", "执法领域", v.field),
        _item("unit", "实施主体", unit),
        _item("basis", "设定依据", v.basis),
        _item("duties", "责任事项", v.duties),
        _item("accountability", "追责情形", v.accountability),
    ]
    basis = _basis(db, v, Citation.power_item_version_id)
    snapshot = _catalog("power_item", view.item.code, v.version, rows, basis)
    return Draft("power_item", view.item.code, v.name, unit, snapshot, _note(v))


def guide_draft(db: Session, view: items.GuideView) -> Draft:
    v = view.current
    item = items.get_power_item(db, view.item.id).current
    unit = _unit_name(db, item.unit_id if item else None)
    rows = [
        _item("code", "事项编码", view.item.code),
        _item("name", "事项名称", view.item.name),
        _item("conditions", "申请条件", v.conditions),
        _item("materials", "申请材料", v.materials),
        _item("procedure", "办理流程", v.procedure),
        _item("time_limit", "办理时限", v.time_limit),
        _item("fees", "收费标准", v.fees),
        _item("place", "办理地点与方式", v.place),
        _item("contacts", "咨询与监督电话", v.contacts),
    ]
    snapshot = _catalog("service_guide", view.item.code, v.version, rows, None)
    title = f"{view.item.name}办事指南"
    return Draft("service_guide", view.item.code, title, unit, snapshot, _note(v))


def random_check_draft(db: Session, view: items.RandomCheckView) -> Draft:
    v = view.current
    unit = _unit_name(db, v.unit_id)
    rows = [
        _item("code", "抽查事项编码", view.item.code),
        _item("name", "抽查事项", v.name),
        _item("basis", "抽查依据", v.basis),
        _item("targets", "抽查对象", v.targets),
        _item("method", "抽查方式", v.method),
        _item("frequency", "抽查比例与频次", v.frequency),
        _item("unit", "检查主体", unit),
    ]
    basis = _basis(db, v, Citation.random_check_version_id)
    snapshot = _catalog("random_check_item", view.item.code, v.version, rows, basis)
    return Draft("random_check_item", view.item.code, v.name, unit, snapshot, _note(v))


def certificate_draft(db: Session, view: certificates.CertificateView) -> Draft:
    """An officer's public certificate information, and nothing else about the person."""
    c = view.current
    officer = db.get(User, view.certificate.officer_id)
    assert officer is not None  # a foreign key
    unit = officer.unit.name if officer.unit else ""
    snapshot = {
        "format": OFFICER_FORMAT,
        "name": officer.full_name,
        "number": c.number,
        "scope": c.scope,
        "unit": unit,
        "valid_from": c.valid_from.isoformat(),
        "valid_to": c.valid_to.isoformat(),
        "status": c.status.value,
        "status_label": CERTIFICATE_STATUS_LABELS[c.status.value],
    }
    return Draft("officer", c.number, officer.full_name, unit, snapshot)


def certificate_views(db: Session) -> list[certificates.CertificateView]:
    return [view for officer in certificates.list_officers(db) for view in officer.certificates]


_DRAFTS: dict[str, Callable[[Session], list[Draft]]] = {
    "power_item": lambda db: [
        power_item_draft(db, v) for v in items.list_power_items(db) if v.current is not None
    ],
    "service_guide": lambda db: [guide_draft(db, v) for v in items.list_guides(db)],
    "random_check_item": lambda db: [
        random_check_draft(db, v) for v in items.list_random_checks(db)
    ],
    "officer": lambda db: [certificate_draft(db, v) for v in certificate_views(db)],
}


def drafts(db: Session, kind: str) -> list[Draft]:
    if kind not in _DRAFTS:
        raise NotFound("目录类别不存在")
    return _DRAFTS[kind](db)


def draft_for(db: Session, kind: str, subject: str) -> Draft:
    found = next((d for d in drafts(db, kind) if d.subject == subject), None)
    if found is None:
        raise NotFound("目录中没有该事项")
    return found


def state_of(db: Session, draft: Draft) -> tuple[PublishState, PublicSnapshot | None]:
    shown = public_snapshots.latest_published(db, draft.kind, draft.subject)
    if shown is None:
        return PublishState.unpublished, None
    same = shown.digest == draft.digest
    return (PublishState.current if same else PublishState.outdated), shown


def publish(db: Session, draft: Draft, who: Principal | None, note: str = "") -> PublicSnapshot:
    """Publish the draft (the subject's current version); refused if already public."""
    state, _ = state_of(db, draft)
    if state is PublishState.current:
        raise Conflict(f"{draft.title}的当前版本已经公示，无需重复公示")
    return public_snapshots.publish_snapshot(
        db,
        kind=draft.kind,
        subject=draft.subject,
        title=draft.title,
        unit_name=draft.unit_name,
        snapshot=draft.snapshot,
        who=who,
        note=note or draft.note,
    )


def publish_pending(db: Session, kind: str, who: Principal | None) -> int:
    """Publish every subject of the kind whose current version is not public yet."""
    pending = [d for d in drafts(db, kind) if state_of(db, d)[0] is not PublishState.current]
    for draft in pending:
        publish(db, draft, who)
    return len(pending)


# ---- certificates: published in the transaction of their change ---------------------------


def _old_numbers(db: Session, view: certificates.CertificateView) -> set[str]:
    numbers = db.scalars(
        select(CertificateVersion.number).where(
            CertificateVersion.certificate_id == view.certificate.id
        )
    )
    return set(numbers) - {view.current.number}


def certificate_changed(
    db: Session, view: certificates.CertificateView, who: Principal | None
) -> None:
    """A certificate's new version goes public at once (revoked, suspended, renewed …); a
    number that was replaced is taken down."""
    draft = certificate_draft(db, view)
    if state_of(db, draft)[0] is not PublishState.current:
        publish(db, draft, who, note="执法证信息变更")
    for number in _old_numbers(db, view):
        if public_snapshots.latest_published(db, "officer", number) is not None:
            reason = f"执法证号已变更为 {view.current.number}"
            public_snapshots.withdraw_snapshot(db, "officer", number, who, reason)
