"""Use cases of the on-site mode. Each screen's answer is recorded by the service that
owns the record — 亮证, 告知 and the party's signature by the enforcement hub, 告知开始录像
by the recording rules, the document by the documents feature — and the on-site step with
the script versions the screen showed, all in one transaction. Where an activity stands is
read back from those records, so the screen resumes where it was after a dropped
connection, and an activity begun on the classic pages continues here."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import SHANGHAI
from zhifa.core.certificate_check import check_url, qr_png
from zhifa.core.certificate_rules import STATE_LABELS, CertificateState
from zhifa.core.certificates import CertificateView, get_officer
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.enforcement import actions
from zhifa.enforcement.models import (
    Acknowledgement,
    AcknowledgementMethod,
    Action,
    ActionStatus,
    Activity,
    MattersTold,
)
from zhifa.enforcement.parties import get_party
from zhifa.enforcement.rules import Matter, matters_required
from zhifa.enforcement.steps import Step
from zhifa.recording.av.continuity import activity_media
from zhifa.recording.av.requirement import NoticeIn, notices_of, record_notice
from zhifa.recording.documents import service as documents
from zhifa.recording.documents.kinds import DocumentKind, document_kind, prefill
from zhifa.recording.documents.models import Document, DocumentStatus
from zhifa.recording.onsite.models import OnsiteStep, Script
from zhifa.recording.onsite.rules import (
    CERTIFICATE_TOPIC,
    DEFAULT_SCRIPTS,
    RECORDING_TOPIC,
    TOPICS,
    Progress,
    Screen,
    acknowledgement_statement,
    fill,
    first_unfinished,
    matter_topic,
)
from zhifa.recording.onsite.schemas import MatterIn, ScriptIn, SignatureIn, StartIn

# ---- the standard words to say ---------------------------------------------------------------


def current_scripts(db: Session) -> dict[str, Script]:
    """The newest version of each topic."""
    newest = (
        select(Script.topic, func.max(Script.version).label("version"))
        .group_by(Script.topic)
        .subquery()
    )
    query = select(Script).join(
        newest, (Script.topic == newest.c.topic) & (Script.version == newest.c.version)
    )
    return {s.topic: s for s in db.scalars(query)}


def script_history(db: Session) -> dict[str, list[Script]]:
    rows = db.scalars(select(Script).order_by(Script.topic, Script.version.desc()))
    history: dict[str, list[Script]] = {topic: [] for topic in TOPICS}
    for row in rows:
        history.setdefault(row.topic, []).append(row)
    return history


def save_script(db: Session, data: ScriptIn, who: Principal | None) -> Script:
    """A new version of a topic's words (the earlier versions stay as they were)."""
    current = current_scripts(db).get(data.topic)
    if current is not None and current.text == data.text:
        raise DomainError("用语没有改动，无需保存新版本", "text")
    row = Script(
        topic=data.topic,
        version=(current.version + 1) if current else 1,
        text=data.text,
        reason=data.reason.strip(),
        created_by=who.user_id if who else None,
    )
    db.add(row)
    record_change(db, actor_name(who), "onsite.script", row)
    return row


def seed_default_scripts(db: Session, who: Principal | None = None) -> int:
    """The first version of each topic that has none (the demo's and a new bureau's)."""
    have = current_scripts(db)
    made = 0
    for topic, text in DEFAULT_SCRIPTS.items():
        if topic not in have:
            save_script(db, ScriptIn(topic=topic, text=text, reason="初始版本"), who)
            made += 1
    return made


# ---- where an activity stands ------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerCard:
    """An officer's certificate as the party sees it on the screen, with its check QR."""

    officer_id: int
    name: str
    number: str
    scope: str
    unit: str
    valid_from: str
    valid_to: str
    state: str
    valid: bool
    check_url: str
    qr: str  # a data: URI of the QR code's PNG
    shown: bool


@dataclass
class OnsiteView:
    action: Action
    step: Step
    activity: Activity | None
    screen: Screen
    party_name: str
    place: str
    officers: list[OfficerCard]
    scripts: dict[str, tuple[int | None, str]]  # topic -> (version id, filled words)
    required: list[Matter] = field(default_factory=list)
    told: frozenset[Matter] = frozenset()
    statement: str = ""
    signer_name: str = ""
    media_count: int = 0
    kind: DocumentKind | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    issued: list[Document] = field(default_factory=list)


def _progress(db: Session, action: Action, step: Step, activity: Activity) -> Progress:
    facts = actions.duty_facts(db, activity)
    media_done = db.scalar(
        select(
            exists().where(OnsiteStep.activity_id == activity.id, OnsiteStep.step == Screen.media)
        )
    )
    return Progress(
        unshown=len(facts.officers) - len(facts.shown),
        untold=matters_required(action.kind, step) - facts.told,
        recording_told=bool(notices_of(db, activity.id)),
        acknowledged=facts.acknowledged,
        media_done=bool(media_done),
        documents_missing=len(_missing_kinds(db, action, step)),
    )


def _missing_kinds(db: Session, action: Action, step: Step) -> list[str]:
    return [k for k in step.documents if not documents.has_effective(db, action.id, k)]


def _certificate(db: Session, user_id: int, certificate_id: int | None) -> CertificateView | None:
    views = get_officer(db, user_id).certificates
    chosen = [v for v in views if v.certificate.id == certificate_id]
    ranked = sorted(views, key=lambda v: v.state(today()) is not CertificateState.valid)
    found = chosen or ranked
    return found[0] if found else None


def _card(
    db: Session, settings: Settings, user: User, certificate_id: int | None, shown: bool
) -> OfficerCard:
    view = _certificate(db, user.id, certificate_id)
    if view is None:
        return OfficerCard(user.id, user.full_name, "", "", "", "", "", "无执法证", False, "", "",
                           shown)  # fmt: skip
    c, state = view.current, view.state(today())
    url = check_url(settings.public_base_url, c.number)
    qr = "data:image/png;base64," + base64.b64encode(qr_png(url, scale=6)).decode("ascii")
    return OfficerCard(
        officer_id=user.id,
        name=user.full_name,
        number=c.number,
        scope=c.scope,
        unit=user.unit.name if user.unit else "",
        valid_from=c.valid_from.isoformat(),
        valid_to=c.valid_to.isoformat(),
        state=STATE_LABELS[state],
        valid=state is CertificateState.valid,
        check_url=url,
        qr=qr,
        shown=shown,
    )


def _officers(
    db: Session, settings: Settings, action: Action, activity: Activity | None
) -> list[OfficerCard]:
    present: list[tuple[int, int | None]]
    if activity is None:
        present = [(o.officer_id, None) for o in action.officers]
        shown: frozenset[str] = frozenset()
    else:
        present = [(o.officer_id, o.certificate_id) for o in activity.officers]
        shown = actions.duty_facts(db, activity).shown
    cards = []
    for user_id, certificate_id in present:
        user = db.get(User, user_id)
        if user is not None:
            cards.append(_card(db, settings, user, certificate_id, user.full_name in shown))
    return cards


def _scripts(
    db: Session, settings: Settings, action: Action, officers: list[OfficerCard]
) -> dict[str, tuple[int | None, str]]:
    values = {
        "执法机关": settings.bureau_name,
        "执法人员": "、".join(o.name for o in officers),
        "当事人": get_party(db, action.party_id).current.name,
        "执法事由": action.title,
        "执法依据": action.power_item.basis or action.power_item.name,
    }
    current = current_scripts(db)
    return {
        topic: (current[topic].id, fill(current[topic].text, values))
        if topic in current
        else (None, "")
        for topic in TOPICS
    }


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI).replace(tzinfo=None, second=0, microsecond=0)


def _statement(db: Session, activity: Activity, cards: list[OfficerCard]) -> str:
    facts = actions.duty_facts(db, activity)
    return acknowledgement_statement(
        [(o.name, o.number) for o in cards], facts.told, bool(notices_of(db, activity.id))
    )


def _document_fields(
    db: Session, settings: Settings, action: Action, activity: Activity, kind: DocumentKind
) -> dict[str, Any]:
    """The draft's fields if one was saved here, else the first values: prefilled from
    the case, with the activity's own place, times and the person who signed."""
    draft = _draft(db, action.id, kind.code)
    if draft is not None:
        return dict(draft.fields)
    values = prefill(kind, documents.build_context(db, settings, action), _local(utcnow()))
    names = {spec.name for spec in kind.fields}
    signer = _signer(db, activity)
    known = {
        "place": activity.place,
        "started_at": _local(activity.started_at).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": _local(utcnow()).strftime("%Y-%m-%dT%H:%M"),
        "attendee": signer or activity.party_present,
    }
    values.update({k: v for k, v in known.items() if k in names and v})
    return values


def _signer(db: Session, activity: Activity) -> str:
    query = select(Acknowledgement.signer_name).where(Acknowledgement.activity_id == activity.id)
    return db.scalar(query.order_by(Acknowledgement.id.desc())) or ""


def _draft(db: Session, action_id: int, kind: str) -> Document | None:
    query = select(Document).where(
        Document.action_id == action_id,
        Document.kind == kind,
        Document.status == DocumentStatus.draft,
        Document.supersedes_id.is_(None),
    )
    return db.scalar(query.order_by(Document.id.desc()))


def _view(db: Session, settings: Settings, action: Action, activity: Activity | None) -> OnsiteView:
    step = actions.procedure_of(action).step(activity.step if activity else action.current_step)
    cards = _officers(db, settings, action, activity)
    party = get_party(db, action.party_id).current
    view = OnsiteView(
        action=action,
        step=step,
        activity=activity,
        screen=Screen.certificate,
        party_name=party.name,
        place=activity.place if activity else party.address,
        officers=cards,
        scripts=_scripts(db, settings, action, cards),
        required=sorted(matters_required(action.kind, step), key=list(Matter).index),
        issued=[d for d in documents.documents_of(db, action.id)
                if d.status is DocumentStatus.issued and d.kind in step.documents],
    )  # fmt: skip
    if activity is None:
        return view
    view.screen = first_unfinished(_progress(db, action, step, activity))
    view.told = actions.duty_facts(db, activity).told
    view.statement = _statement(db, activity, cards)
    contact = party.legal_representative or party.name  # as documents name the contact
    view.signer_name = _signer(db, activity) or activity.party_present or contact
    view.media_count = len(activity_media(db, activity.id))
    missing = _missing_kinds(db, action, step)
    if missing:
        view.kind = document_kind(missing[0])
        view.fields = _document_fields(db, settings, action, activity, view.kind)
    return view


def _on_site_step(action: Action) -> Step:
    step = actions.procedure_of(action).step(action.current_step)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再进行现场执法")
    if not step.on_site:
        raise DomainError(f"当前步骤“{step.label}”不是现场执法活动，无需现场执法模式")
    return step


def unfinished_activity(db: Session, action: Action) -> Activity | None:
    """The latest activity of the current step that the on-site screen has not finished."""
    step = actions.procedure_of(action).step(action.current_step)
    for activity in reversed(actions.activities_of(db, action.id)):
        if activity.step == step.code:
            progress = _progress(db, action, step, activity)
            return None if first_unfinished(progress) is Screen.done else activity
    return None


def onsite_of_action(db: Session, settings: Settings, action_id: int, who: Principal) -> OnsiteView:
    """The on-site screen of an action: its unfinished activity, or 亮证 to start one."""
    action = actions.get_action(db, action_id, who, handling=True)
    _on_site_step(action)
    return _view(db, settings, action, unfinished_activity(db, action))


def onsite_of_activity(
    db: Session, settings: Settings, activity_id: int, who: Principal
) -> OnsiteView:
    activity, action = actions.visible_activity(db, activity_id, who, handling=True)
    return _view(db, settings, action, activity)


def _done(db: Session, activity: Activity, screen: Screen, scripts: list[int | None],
          who: Principal) -> OnsiteStep:  # fmt: skip
    row = OnsiteStep(
        activity_id=activity.id,
        step=screen.value,
        script_ids=[s for s in scripts if s is not None],
        done_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "onsite.step", row)
    return row


# ---- the screens' answers ----------------------------------------------------------------------


def show_certificates(
    db: Session, settings: Settings, action_id: int, data: StartIn, who: Principal
) -> Activity:
    """亮证 of every officer present: starts the activity (all the case's officers, now,
    at ``data.place``) when the action has no unfinished one."""
    action = actions.get_action(db, action_id, who, handling=True)
    _on_site_step(action)
    activity = unfinished_activity(db, action)
    if activity is None:
        activity = actions.record_activity(
            db,
            action.id,
            actions.ActivityIn(
                started_at=utcnow(),
                place=data.place,
                party_present=data.party_present,
                officer_ids=[o.officer_id for o in action.officers],
            ),
            who,
        )
    shown = actions.duty_facts(db, activity).shown
    now = utcnow()
    for officer in activity.officers:
        user = db.get(User, officer.officer_id)
        if user is not None and user.full_name not in shown:
            actions.record_certificate_shown(db, activity.id, officer.officer_id, now, who)
    script = current_scripts(db).get(CERTIFICATE_TOPIC)
    _done(db, activity, Screen.certificate, [script.id if script else None], who)
    return activity


def tell_matter(db: Session, activity_id: int, data: MatterIn, who: Principal) -> MattersTold:
    """One matter told (its toggle on the screen), at the moment it was tapped."""
    told = actions.record_matters_told(
        db, activity_id, actions.MattersIn(matters=[data.matter], told_at=utcnow()), who
    )
    activity, _ = actions.visible_activity(db, activity_id, who)
    script = current_scripts(db).get(matter_topic(data.matter))
    _done(db, activity, Screen.matters, [script.id if script else None], who)
    return told


def tell_recording(db: Session, activity_id: int, who: Principal) -> Activity:
    """告知开始录像, now."""
    record_notice(db, activity_id, NoticeIn(told_at=utcnow()), who)
    activity, _ = actions.visible_activity(db, activity_id, who)
    script = current_scripts(db).get(RECORDING_TOPIC)
    _done(db, activity, Screen.recording, [script.id if script else None], who)
    return activity


def acknowledge(
    db: Session,
    settings: Settings,
    store: BlobStore,
    activity_id: int,
    data: SignatureIn,
    who: Principal,
) -> Acknowledgement:
    """The party signed the statement the screen showed (it is kept with the signature)."""
    activity, action = actions.writable_activity(db, activity_id, who)
    statement = _statement(db, activity, _officers(db, settings, action, activity))
    row = actions.record_acknowledgement(
        db,
        store,
        activity_id,
        method=AcknowledgementMethod.signature,
        signer_name=data.signer_name,
        evidence=actions.signature_png(data.signature),
        note="",
        at=utcnow(),
        who=who,
        statement=statement,
    )
    _done(db, activity, Screen.acknowledgement, [], who)
    return row


def finish_media(db: Session, activity_id: int, who: Principal) -> OnsiteStep:
    activity, _ = actions.writable_activity(db, activity_id, who)
    return _done(db, activity, Screen.media, [], who)


def save_document(
    db: Session, settings: Settings, activity_id: int, fields: dict[str, Any], who: Principal
) -> Document:
    """The step's document as a draft (made on the first save, then saved again)."""
    activity, action = actions.writable_activity(db, activity_id, who)
    missing = _missing_kinds(db, action, actions.procedure_of(action).step(activity.step))
    if not missing:
        raise DomainError("本步骤的文书均已签发", "kind")
    kind = document_kind(missing[0])
    known = {spec.name for spec in kind.fields}
    values = {k: v for k, v in fields.items() if k in known}
    draft = _draft(db, action.id, kind.code)
    if draft is None:
        start = _document_fields(db, settings, action, activity, kind)
        data = documents.DraftIn(kind=kind.code, fields={**start, **values})
        return documents.create_draft(db, settings, action.id, data, who)
    return documents.save_draft(db, settings, draft.id, values, who)


def issue_document(
    db: Session,
    settings: Settings,
    store: BlobStore,
    activity_id: int,
    fields: dict[str, Any],
    who: Principal,
) -> Document:
    """Save what the screen shows, then issue it (numbered, rendered, frozen)."""
    draft = save_document(db, settings, activity_id, fields, who)
    db.flush()
    issued = documents.issue(db, settings, store, draft.id, who)
    activity, _ = actions.visible_activity(db, activity_id, who)
    _done(db, activity, Screen.document, [], who)
    return issued
