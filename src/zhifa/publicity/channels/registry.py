"""The channel kinds zhifa knows, by `Channel.kind`, and a channel's runtime config: its
harmless options from the table plus its endpoint and secret from the settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.settings import Settings
from zhifa.publicity.channels.base import ChannelAdapter, OutboxEvent
from zhifa.publicity.channels.credit_export import CreditExportChannel
from zhifa.publicity.channels.portal import PortalChannel
from zhifa.publicity.channels.webhook import WebhookChannel
from zhifa.publicity.channels.wechat import WechatChannel
from zhifa.publicity.models import Channel

KIND_LABELS = {
    "portal": "门户网站（内置）",
    "credit_export": "信用中国（上海）导出",
    "wechat": "微信公众号",
    "webhook": "JSON 推送（Webhook）",
}


_ADAPTERS: dict[str, ChannelAdapter] = {
    adapter.kind: adapter
    for adapter in (PortalChannel(), CreditExportChannel(), WechatChannel(), WebhookChannel())
}


def adapter_for(kind: str) -> ChannelAdapter:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        raise Conflict(f"未知的公示渠道类型：{kind}")
    return adapter


# Channels of credit publicity (信用中国, 令第36号), apart from the channels of publication
# (portals, WeChat, JSON pushes: 安全生产法 第七十八条第二款, every penalty).
CREDIT_KINDS = frozenset({"credit_export"})
# Events about credit publicity alone: a 信用修复 ends it, the publication runs on.
CREDIT_EVENTS = frozenset({OutboxEvent.repair})


def receives(kind: str, event: OutboxEvent, credit: bool) -> bool:
    """Whether a channel of `kind` gets a message of `event` about a publication whose
    credit publicity is `credit` (false: a 轻微失信信息 not 确有必要 to publish there)."""
    if kind in CREDIT_KINDS:
        return credit
    return event not in CREDIT_EVENTS


def needs_endpoint(kind: str) -> bool:
    """Remote channels deliver only to a configured address."""
    return kind in ("wechat", "webhook")


def runtime_config(channel: Channel, settings: Settings) -> dict[str, Any]:
    return {
        **(channel.config or {}),
        "url": settings.channel_urls.get(channel.code, ""),
        "secret": settings.channel_secrets.get(channel.code, ""),
        "timeout": float((channel.config or {}).get("timeout", settings.outbox_timeout_seconds)),
    }


def configured(channel: Channel, settings: Settings) -> bool:
    return not needs_endpoint(channel.kind) or bool(settings.channel_urls.get(channel.code))


def set_enabled(
    db: Session, settings: Settings, channel_id: int, enable: bool, who: Principal
) -> Channel:
    """Enable or disable a channel; a remote one is enabled only once its address is
    configured (nothing could be delivered to it before)."""
    channel = db.get(Channel, channel_id)
    if channel is None:
        raise NotFound("公示渠道不存在")
    if enable and not configured(channel, settings):
        raise DomainError(
            f"请先在配置中设置该渠道的投递地址（ZHIFA_CHANNEL_URLS 中的 {channel.code}），再启用"
        )
    channel.enabled = enable
    record_change(db, actor_name(who), "publication.channel_enable", channel)
    return channel


# (code, kind, name, enabled at first): the portal and the credit export work without any
# configuration; the remote channels start disabled and are enabled by an administrator
# once their address is configured (`channel_urls`), which the channel page checks.
DEFAULT_CHANNELS: tuple[tuple[str, str, str, bool], ...] = (
    ("portal", "portal", "门户网站", True),
    ("credit_shanghai", "credit_export", "信用中国（上海）导出", True),
    ("wechat", "wechat", "微信公众号", False),
    ("district_portal", "webhook", "区政府门户网站（JSON 推送）", False),
    ("yiwangtongban", "webhook", "一网通办（JSON 推送）", False),
)


def ensure_default_channels(db: Session) -> int:
    """Create the default channels that are missing (by code); returns how many."""
    known = set(db.scalars(select(Channel.code)))
    made = 0
    for code, kind, name, enabled in DEFAULT_CHANNELS:
        if code not in known:
            row = Channel(code=code, kind=kind, name=name, enabled=enabled, config={})
            db.add(row)
            record_change(db, None, "publication.channel", row)
            made += 1
    return made
