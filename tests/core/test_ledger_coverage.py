"""Every table is either ledger-tracked (its rows change only through `record_change`, and
`zhifa verify` checks them) or exempt here with the reason it holds no recorded act
(invariant 2). A new table fails this test until someone decides which it is."""

from __future__ import annotations

from zhifa.core import audit
from zhifa.core.schema import all_metadata

_PORTAL_READ_MODEL = (
    "the public portal's read model: a copy of what the ledgered publication pipeline sent "
    "(each row carries the digest and ledger index of the entry it shows), rebuilt from the "
    "outbox; the portal process may not write the ledger"
)

# table -> why it is not ledgered
EXEMPT: dict[str, str] = {
    "ledger_entry": "the ledger itself",
    "ledger_node": "the ledger's Merkle tree, recomputed from ledger_entry by `zhifa verify`",
    "ledger_head": "the ledger's current size and root, recomputed from ledger_entry",
    "ledger_checkpoint": "the ledger's signed checkpoints: they sign the entries, not rows",
    "platform_start": (
        "one date written by migration 0022 from the first ledger entry's own timestamp "
        "(or the install day), moved earlier only by the demo's seed for its story; no "
        "route, service or job writes it"
    ),
    "user_role": (
        "part of a user: the roles are in user_account's snapshot, so a changed role row "
        "is a user_account mismatch in `zhifa verify`"
    ),
    "web_session": (
        "authentication state of a signed-in browser (a token hash, expiry, sign-out); "
        "the sign-in itself is the ledgered login_event"
    ),
    "login_throttle": "volatile failure counters of sign-in throttling, forgotten after an hour",
    "job_lease": "scheduling state of the jobs (who runs which job until when), not a record",
    "public_document": "the verification page's copy of issued documents' public facts, "
    "written in the issuing transaction from the document's own ledgered entry",
    "portal_lookup": "volatile rate-limit window of the public portal's lookups",
    "correction_challenge_spent": (
        "anti-spam guard of the public correction form (spent question ids until expiry)"
    ),
    "portal_entry": _PORTAL_READ_MODEL,
    "portal_version": _PORTAL_READ_MODEL,
    "portal_snapshot": _PORTAL_READ_MODEL,
    "portal_snapshot_version": _PORTAL_READ_MODEL,
    "weak_point_fact": (
        "the weak-points dashboard's statistics, recomputed from ledgered records by "
        "insight.weak_points.facts.refresh (derived data, no act of anyone)"
    ),
    "weak_point_cursor": "how far the weak-points refresh has read the ledger (job state)",
    "portal_receipt": "idempotency keys of outbox messages the portal applied (delivery state)",
}


def _all_tables() -> set[str]:
    return {name for metadata in all_metadata() for name in metadata.tables}


def test_every_table_is_tracked_or_exempt_with_a_reason() -> None:
    tables = _all_tables()
    tracked = set(audit.tracked_tables())
    undecided = sorted(tables - tracked - set(EXEMPT))
    assert not undecided, f"neither ledger-tracked nor exempt (with a reason): {undecided}"


def test_no_table_is_both_tracked_and_exempt() -> None:
    assert not set(audit.tracked_tables()) & set(EXEMPT)


def test_exemptions_name_existing_tables_and_give_a_reason() -> None:
    tables = _all_tables()
    assert not set(EXEMPT) - tables, "an exempt table no longer exists: drop it from EXEMPT"
    assert all(reason.strip() for reason in EXEMPT.values())
    assert set(audit.tracked_tables()) <= tables
