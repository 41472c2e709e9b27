"""Building a publication snapshot: the public data items of one decision, desensitised
by the one desensitiser (`enforcement.masking`), in canonical JSON with its digest.

Pure: the caller passes what the issued decision document states (its fields and the
context frozen at issue), the bureau and the period end.

Snapshot form (``zhifa-publication/1``)::

    {"format": "zhifa-publication/1", "kind": "penalty", "kind_label": "行政处罚",
     "items": [{"key": "party_name", "label": "行政相对人名称", "value": "张某某"}, ...]}

`items` is a list so that the standard's order survives canonical JSON (sorted keys).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from zhifa.enforcement.masking import (
    NameMode,
    mask_address,
    mask_bank_account,
    mask_id_number,
    mask_person_name,
    mask_phone,
    person_name_in,
)
from zhifa.ledger import canonical_json
from zhifa.publicity import rules

FORMAT = "zhifa-publication/1"


def canonical(snapshot: dict[str, Any]) -> str:
    """The ledger's canonical form (sorted keys, no spaces, UTF-8): the one text hashed,
    so that a ledger entry whose payload is the snapshot has the same digest."""
    return canonical_json(snapshot).decode("utf-8")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Bureau:
    name: str
    uscc: str


@dataclass(frozen=True)
class Decision:
    """What the issued decision states (document fields + context frozen at issue)."""

    kind: str  # penalty / compulsion / license
    document_kind: str
    doc_number: str
    decided_on: date
    fields: dict[str, Any]
    context: dict[str, Any]


class Desensitiser:
    """Masks one party's personal data wherever it appears in free text."""

    def __init__(self, party: dict[str, Any], name_mode: NameMode) -> None:
        self.person = party.get("kind") == "person"
        self.name_mode = name_mode
        self.name = str(party.get("name") or "")
        self.address = str(party.get("address") or "")
        self.phone = str(party.get("phone") or "")

    def name_shown(self) -> str:
        return mask_person_name(self.name, self.name_mode) if self.person else self.name

    def text(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if not text:
            return ""
        if self.person:
            # A person's home address and (masked) name, wherever written.
            if self.address and self.address in text:
                text = text.replace(self.address, mask_address(self.address))
            if self.name and self.name_mode != "full" and self.name in text:
                text = text.replace(self.name, self.name_shown())
            own = person_name_in(self.name)
            if own and own != self.name and self.name_mode != "full" and own in text:
                text = text.replace(own, mask_person_name(own, self.name_mode))
        if self.phone and self.phone in text:
            text = text.replace(self.phone, mask_phone(self.phone))
        text = rules.ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
        text = rules.BANK_RE.sub(lambda m: mask_bank_account(m.group(0)), text)
        text = rules.MOBILE_RE.sub(lambda m: mask_phone(m.group(0)), text)
        text = rules.LANDLINE_RE.sub(lambda m: mask_phone(m.group(0)), text)
        return text


def _party_items(party: dict[str, Any], mask: Desensitiser) -> dict[str, str]:
    enterprise = party.get("kind") == "enterprise"
    category = rules.party_category(str(party.get("kind")), party.get("uscc"))
    coded = enterprise or category == rules.PARTY_CATEGORIES["sole_trader"]
    return {
        "party_name": mask.name_shown(),
        "party_category": category,
        # Organisations and 个体工商户 have a published code, organisations a legal
        # representative; a person's 身份证号 is never published.
        "uscc": str(party.get("uscc") or "") if coded else "",
        "legal_representative": str(party.get("legal_representative") or "") if enterprise else "",
    }


def reported_items(party: dict[str, Any]) -> dict[str, str]:
    """The template's columns that are reported to 信用中国 and never public
    (`rules.REPORTED_ONLY`), as the issued decision states the party: a person's (also a
    个体工商户's 经营者) 证件类型 and 证件号码. zhifa does not record a legal representative's
    identity document, so 法定代表人证件类型 and 法定代表人证件号码 are reported empty."""
    number = str(party.get("id_number") or "") if party.get("kind") == "person" else ""
    return {
        "legal_representative_id_type": "",
        "legal_representative_id_number": "",
        "id_type": rules.ID_CARD if number else "",
        "id_number": number,
    }


def _penalty_values(d: Decision, mask: Desensitiser) -> dict[str, str]:
    f = d.fields
    content = mask.text(f.get("penalty_content"))
    fine = f.get("fine_amount")
    return {
        "doc_number": d.doc_number,
        "violation_type": mask.text(
            (d.context.get("power_item") or {}).get("name")
            or (d.context.get("action") or {}).get("title")
        ),
        "facts": mask.text(f.get("facts")),
        "basis": mask.text(f.get("penalty_basis")),
        "category": rules.penalty_categories(content, None if fine is None else str(fine)),
        "content": content,
        "fine_wan": rules.yuan_to_wan(None if fine is None else str(fine)),
        "confiscation_wan": rules.yuan_to_wan(f.get("confiscation_amount")),
        "license_revoked": mask.text(f.get("license_revoked")),
        "valid_until": "",
    }


def _compulsion_values(d: Decision, mask: Desensitiser) -> dict[str, str]:
    f = d.fields
    period = ""
    if f.get("start_on") and f.get("period_days"):
        period = f"自{f['start_on']}起{f['period_days']}日"
    return {
        "doc_number": d.doc_number,
        "measure": mask.text(f.get("measure")),
        "facts": mask.text(f.get("facts")),
        "basis": mask.text(f.get("legal_basis")),
        "objects": mask.text(f.get("items")),
        "period": period,
    }


def _license_values(d: Decision, mask: Desensitiser) -> dict[str, str]:
    f = d.fields
    return {
        "doc_title": mask.text(f.get("doc_title") or "准予行政许可决定书"),
        "doc_number": d.doc_number,
        "category": mask.text(f.get("category") or "普通"),
        # the licence decision's own fields (recording/documents/kinds: license_decision)
        "certificate_name": mask.text(f.get("license_name")),
        "license_number": mask.text(f.get("license_number")),
        "content": mask.text(f.get("scope")),
        "valid_from": str(f.get("valid_from") or ""),
        "valid_until": str(f.get("valid_to") or ""),
        "status": "有效",
    }


_VALUES = {
    "penalty": _penalty_values,
    "compulsion": _compulsion_values,
    "license": _license_values,
}


def build(
    decision: Decision,
    *,
    bureau: Bureau,
    public_until: date | None,
    name_mode: NameMode,
) -> dict[str, Any]:
    """The snapshot of `decision`: only the public items, in the standard's order."""
    party = decision.context.get("party") or {}
    mask = Desensitiser(party, name_mode)
    values: dict[str, str] = {
        **_party_items(party, mask),
        **_VALUES[decision.kind](decision, mask),
        "decided_on": decision.decided_on.isoformat(),
        "public_until": public_until.isoformat() if public_until else "长期",
        "authority": bureau.name,
        "authority_uscc": bureau.uscc,
        "source": bureau.name,
        "source_uscc": bureau.uscc,
        "remark": "",
    }
    items = [
        {"key": key, "label": label, "value": values.get(key, "")}
        for key, label in rules.ITEMS[decision.kind]
    ]
    return {
        "format": FORMAT,
        "kind": decision.kind,
        "kind_label": rules.KIND_LABELS[decision.kind],
        "items": items,
    }


def item_value(snapshot: dict[str, Any], key: str) -> str:
    for item in snapshot.get("items", []):
        if item["key"] == key:
            return str(item["value"])
    raise KeyError(key)


_DIGITS18 = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE11 = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def leaks(text: str) -> list[str]:
    """Unmasked 18-digit ID numbers or 11-digit mobiles found in `text` (a last check
    before anything is published)."""
    return _DIGITS18.findall(text) + _MOBILE11.findall(text)
