"""The built-in public portal as a channel: inline, it writes the portal's read model in
the transaction of the publication change (see `publicity.portal_store`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhifa.publicity import portal_store
from zhifa.publicity.channels.base import OutgoingMessage


class PortalChannel:
    kind = "portal"
    inline = True

    def deliver(self, db: Session, message: OutgoingMessage, config: dict[str, Any]) -> str:
        return portal_store.apply(db, message)
