"""Lock dates ("retain until"): per object, extend-only, whole seconds.

Why per object: what a blob must outlive is decided by the record that holds it (its
retention schedule, any hold on it), not by the store. So every blob carries its own
retain-until date, set when it is stored and moved later when a hold needs it longer;
one store-wide period would keep some content too long and release other content early.

Why extend-only: S3 Object Lock in COMPLIANCE mode refuses any shortening, by anyone, and
the local store keeps the same rule in its own lock records. A store never even asks to
shorten: a wanted date earlier than the one in force leaves the lock as it is.

Why whole seconds, rounded up: S3 servers keep retain-until at one-second precision
(SeaweedFS truncates the fraction and lets a delete through as soon as the truncated
second has passed), so a fraction would release the content up to a second early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import InvalidRetention

#: A default lock that already runs this close to the wanted date is not extended again,
#: so putting the same content repeatedly does not rewrite its lock every time.
RETENTION_SLACK = timedelta(hours=1)  # not a legal limit: a lock's slack
_SECOND = timedelta(seconds=1)  # not a legal limit: the precision of a lock date


@dataclass(frozen=True)
class LockRequest:
    """The lock a write wants: set ``until`` unless one ending at ``not_before`` or
    later is already in force (``not_before`` <= ``until``)."""

    until: datetime
    not_before: datetime


def lock_date(when: datetime) -> datetime:
    """``when`` in UTC, rounded up to a whole second; refused unless in the future."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise InvalidRetention(f"retain-until must carry a time zone, got {when!r}")
    until = when.astimezone(UTC)
    if until.microsecond:
        until = until.replace(microsecond=0) + _SECOND
    if until <= datetime.now(UTC):
        raise InvalidRetention(f"retain-until {until.isoformat()} is not in the future")
    return until


def exact_lock(when: datetime) -> LockRequest:
    """A lock date the caller chose: nothing earlier is enough."""
    until = lock_date(when)
    return LockRequest(until, until)


def default_lock(retention: timedelta) -> LockRequest:
    """The store's default lock, now + ``retention``, with a slack against rewriting."""
    until = lock_date(datetime.now(UTC) + retention)
    return LockRequest(until, until - min(RETENTION_SLACK, retention / 10))


def lock_request(retain_until: datetime | None, retention: timedelta | None) -> LockRequest | None:
    """What ``put(..., retain_until=...)`` asks for; None when nothing is to be locked."""
    if retain_until is not None:
        return exact_lock(retain_until)
    return default_lock(retention) if retention is not None else None
