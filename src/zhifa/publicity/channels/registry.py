"""The channel kinds zhifa knows, by `Channel.kind`, and a channel's runtime config: its
harmless options from the table plus its endpoint and secret from the settings."""

from __future__ import annotations

from typing import Any

from zhifa.core.errors import Conflict
from zhifa.core.settings import Settings
from zhifa.publicity.channels.base import ChannelAdapter
from zhifa.publicity.channels.credit_export import CreditExportChannel
from zhifa.publicity.channels.webhook import WebhookChannel
from zhifa.publicity.channels.wechat import WechatChannel
from zhifa.publicity.models import Channel

KIND_LABELS = {
    "portal": "门户网站（内置）",
    "credit_export": "信用中国（上海）导出",
    "wechat": "微信公众号",
    "webhook": "JSON 推送（Webhook）",
}


def _adapters() -> dict[str, ChannelAdapter]:
    from zhifa.publicity.channels.portal import PortalChannel

    found: list[ChannelAdapter] = [
        PortalChannel(),
        CreditExportChannel(),
        WechatChannel(),
        WebhookChannel(),
    ]
    return {adapter.kind: adapter for adapter in found}


def adapter_for(kind: str) -> ChannelAdapter:
    adapter = _adapters().get(kind)
    if adapter is None:
        raise Conflict(f"未知的公示渠道类型：{kind}")
    return adapter


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
