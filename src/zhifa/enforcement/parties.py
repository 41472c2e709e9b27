"""Use cases for parties (行政相对人): register, revise (as a new version), find."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.spreadsheet import FORMULA_STARTS
from zhifa.core.versioning import add_version
from zhifa.enforcement.identifiers import (
    is_sole_trader_uscc,
    validate_id_number,
    validate_phone,
    validate_uscc,
)
from zhifa.enforcement.masking import mask_address, mask_id_number, mask_phone
from zhifa.enforcement.models import RISK_FLAGS, Party, PartyKind, PartyVersion
from zhifa.enforcement.visibility import sees_party, visible_party_ids

PAGE_SIZE = 20
PICK_SIZE = 10  # parties the opening form's picker lists at once


class PartyDetails(BaseModel):
    """What a party version holds; validated at the edge."""

    name: str = Field(min_length=1, max_length=200)
    uscc: str | None = None
    id_number: str | None = None
    legal_representative: str | None = Field(default=None, max_length=50)
    address: str = Field(min_length=1, max_length=300)
    industry: str = Field(default="", max_length=50)
    phone: str | None = None
    risk_flags: list[str] = Field(default_factory=list)

    @field_validator("name", "address")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()

    @field_validator("name", "address", "legal_representative", "industry")
    @classmethod
    def _no_formula_start(cls, value: str | None) -> str | None:
        # No name or address starts with these; a spreadsheet would run it as a formula.
        if value and value.lstrip(" \u3000")[:1] in FORMULA_STARTS:
            raise ValueError("不能以 =、+、-、@ 或制表符、换行开头")
        return value

    @field_validator("uscc", "id_number", "phone", "legal_representative", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        return validate_uscc(value) if value is not None else None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        return validate_id_number(value) if value is not None else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return validate_phone(value) if value is not None else None

    @field_validator("risk_flags")
    @classmethod
    def _flags(cls, value: list[str]) -> list[str]:
        unknown = [flag for flag in value if flag not in RISK_FLAGS]
        if unknown:
            raise ValueError(f"未知的风险标识：{'、'.join(unknown)}")
        return sorted(set(value))


class PartyIn(PartyDetails):
    kind: PartyKind


class PartyRevision(PartyDetails):
    reason: str = Field(min_length=1, max_length=200)


@dataclass(frozen=True)
class PartyView:
    party: Party
    current: PartyVersion


@dataclass(frozen=True)
class PartyShown:
    """A party's current details as one person may see them: in full when the party is
    theirs to know (``visibility.visible_party_ids``), else with the personal data masked."""

    full: bool
    name: str
    uscc: str | None
    id_number: str | None
    legal_representative: str | None
    address: str
    industry: str
    phone: str | None


def shown(view: PartyView, *, full: bool) -> PartyShown:
    current = view.current
    if full:
        return PartyShown(
            True,
            current.name,
            current.uscc,
            current.id_number,
            current.legal_representative,
            current.address,
            current.industry,
            current.phone,
        )
    person = view.party.kind is PartyKind.person
    return PartyShown(
        False,
        current.name,
        current.uscc,
        mask_id_number(current.id_number) if current.id_number else None,
        current.legal_representative,
        mask_address(current.address) if person else current.address,
        current.industry,
        mask_phone(current.phone) if current.phone else None,
    )


def party_for(db: Session, party_id: int, who: Principal) -> PartyShown:
    """The party's details as ``who`` may see them."""
    return shown(get_party(db, party_id), full=sees_party(db, who, party_id))


def _current_join() -> Select[tuple[Party, PartyVersion]]:
    return select(Party, PartyVersion).join(
        PartyVersion,
        and_(PartyVersion.party_id == Party.id, PartyVersion.version == Party.current_version),
    )


def _check_unique(db: Session, details: PartyDetails, party_id: int | None) -> None:
    checks = (
        (PartyVersion.uscc, details.uscc, "uscc", "统一社会信用代码"),
        (PartyVersion.id_number, details.id_number, "id_number", "身份证号"),
    )
    for column, value, field, label in checks:
        if value is None:
            continue
        clash = db.execute(
            _current_join().where(column == value, Party.id != (party_id or -1))
        ).first()
        if clash is not None:
            raise Conflict(f"该{label}已登记为“{clash[1].name}”", field)


def _fit_kind(kind: PartyKind, details: PartyDetails) -> None:
    """An enterprise is known by its USCC, a person by the ID number. A 个体工商户 is a
    natural person who registered a business (民法典 第五十四条): a person, with the 92…
    统一社会信用代码 of the business besides the ID number; no other person has a code."""
    sole_trader = is_sole_trader_uscc(details.uscc)
    if kind is PartyKind.enterprise:
        if not details.uscc:
            raise DomainError("单位须填写统一社会信用代码", "uscc")
        if details.id_number:
            raise DomainError("单位不填写身份证号", "id_number")
        if sole_trader:
            raise DomainError(
                "个体工商户（代码以92开头）请按个人登记，并填写经营者身份证号", "uscc"
            )
    else:
        if not details.id_number:
            raise DomainError("个人须填写身份证号", "id_number")
        if details.uscc and not sole_trader:
            raise DomainError(
                "个人只有登记为个体工商户的，才填写其统一社会信用代码（92开头）", "uscc"
            )


def register_party(db: Session, data: PartyIn, who: Principal | None) -> PartyView:
    _fit_kind(data.kind, data)
    _check_unique(db, data, None)
    actor_id = who.user_id if who else None
    party = Party(kind=data.kind, current_version=1, created_by=actor_id)
    db.add(party)
    db.flush()
    version = PartyVersion(
        party_id=party.id,
        version=1,
        reason="登记",
        created_by=actor_id,
        **data.model_dump(exclude={"kind"}),
    )
    db.add(version)
    record_change(db, actor_name(who), "party.register", party, version)
    return PartyView(party, version)


def check_may_revise(db: Session, party_id: int, who: Principal | None) -> PartyView:
    """Only those who may see the party's full details may change them."""
    view = get_party(db, party_id)
    if who is not None and not sees_party(db, who, party_id):
        raise Forbidden("只有办理该当事人案件的人员（或获授权的人员）可以修改其信息")
    return view


def revise_party(
    db: Session, party_id: int, data: PartyRevision, who: Principal | None
) -> PartyView:
    view = check_may_revise(db, party_id, who)
    _fit_kind(view.party.kind, data)
    _check_unique(db, data, party_id)
    version = add_version(
        db,
        entity=view.party,
        current=view.current,
        version_model=PartyVersion,
        link="party_id",
        fields=data.model_dump(exclude={"reason"}),
        reason=data.reason,
        who=who,
        kind="party.revise",
    )
    return PartyView(view.party, version)


def get_party(db: Session, party_id: int) -> PartyView:
    row = db.execute(_current_join().where(Party.id == party_id)).first()
    if row is None:
        raise NotFound("行政相对人不存在")
    return PartyView(row[0], row[1])


def find_parties(
    db: Session,
    *,
    text: str = "",
    kind: PartyKind | None = None,
    risk_flag: str | None = None,
    page: int = 1,
    who: Principal | None = None,
) -> tuple[list[PartyView], int]:
    """Current versions matching the filters, newest first; returns (page, total). The
    text is looked for in personal data only where ``who`` may see it (`_matches`)."""
    query = _current_join()
    if text.strip():
        query = query.where(_matches(text.strip(), who))
    if kind is not None:
        query = query.where(Party.kind == kind)
    if risk_flag:
        # Flags are stored as a JSON list of plain words; the quoted word matches one entry.
        query = query.where(cast(PartyVersion.risk_flags, String).like(f'%"{risk_flag}"%'))
    total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
    page_query = query.order_by(Party.id.desc()).offset((max(page, 1) - 1) * PAGE_SIZE)
    rows = [PartyView(p, v) for p, v in db.execute(page_query.limit(PAGE_SIZE))]
    return rows, total


def count_parties(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(Party)) or 0)


@dataclass(frozen=True)
class PartyPick:
    id: int
    kind: PartyKind
    shown: PartyShown


def _matches(text: str, who: Principal | None) -> ColumnElement[bool]:
    """A party whose name, 统一社会信用代码 or industry holds ``text``, or whose address
    does, or whose ID number it is. A person's address and ID number are looked in only
    where ``who`` may see them (None: the system, everywhere): a search must not tell
    anybody whose address or ID number it is."""
    like = f"%{text}%"
    address = PartyVersion.address.like(like)
    id_number = PartyVersion.id_number == text.upper()
    if who is not None:
        theirs = Party.id.in_(visible_party_ids(who))
        address = and_(address, or_(Party.kind == PartyKind.enterprise, theirs))
        id_number = and_(id_number, theirs)
    return or_(
        PartyVersion.name.like(like),
        PartyVersion.uscc.like(f"%{text.upper()}%"),
        PartyVersion.industry.like(like),
        address,
        id_number,
    )


def pick_parties(
    db: Session, who: Principal, text: str, chosen: int | None = None
) -> tuple[list[PartyPick], int]:
    """The parties the opening form offers for ``text`` (name, code, or a fragment of
    either), the ``chosen`` one first, each as ``who`` may see it; with how many match."""
    text = text.strip()[:100]
    rows: list[PartyView] = []
    if chosen is not None:
        rows += [PartyView(p, v) for p, v in db.execute(_current_join().where(Party.id == chosen))]
    total = 0
    if text:
        query = _current_join().where(_matches(text, who))
        total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
        page = db.execute(query.order_by(PartyVersion.name, Party.id).limit(PICK_SIZE))
        rows += [PartyView(p, v) for p, v in page if p.id != chosen]
    seen = set(
        db.scalars(
            select(Party.id).where(
                Party.id.in_([r.party.id for r in rows]), Party.id.in_(visible_party_ids(who))
            )
        )
    )
    picks = [PartyPick(r.party.id, r.party.kind, shown(r, full=r.party.id in seen)) for r in rows]
    return picks, total
