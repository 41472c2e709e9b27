"""The built-in public portal as a channel: inline, it writes the portal's read model in
the transaction of the publication change (see `publicity.portal.decisions`; public snapshots
of the catalogue, officers and yearly figures: `publicity.portal.subjects`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhifa.publicity.channels.base import OutgoingMessage
from zhifa.publicity.portal import decisions as portal_store
from zhifa.publicity.portal import subjects as portal_snapshots


class PortalChannel:
    kind = "portal"
    inline = True

    def deliver(self, db: Session, message: OutgoingMessage, config: dict[str, Any]) -> str:
        if message.is_public_snapshot:
            return portal_snapshots.apply(db, message)
        return portal_store.apply(db, message)
