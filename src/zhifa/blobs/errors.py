"""Errors raised by the blob stores.

Each error carries an English message (for logs) and a Chinese one (``message_zh``) that
a caller may show to staff unchanged.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: Lock dates in Chinese messages are shown as people here read them.
BEIJING = timezone(timedelta(hours=8), "北京时间")  # not a legal limit: a UTC offset


class BlobError(Exception):
    """Base class of every error raised by ``zhifa.blobs``."""

    message_zh = "文件存储出错"

    def __init__(self, message: str, message_zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if message_zh is not None:
            self.message_zh = message_zh


class InvalidDigest(BlobError, ValueError):
    """A digest string that is not ``<algorithm>:<lowercase hex>`` of the right length."""

    message_zh = "文件摘要格式不正确"


class UnsupportedAlgorithm(BlobError, ValueError):
    """A digest algorithm this store does not know, or this Python cannot compute."""

    message_zh = "不支持的摘要算法"


class BlobNotFound(BlobError, LookupError):
    """No blob with this digest is stored."""

    message_zh = "文件不存在"


class BlobTooLarge(BlobError):
    """The stream is longer than the caller's ``max_bytes``; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"blob exceeds the size limit of {limit} bytes; nothing was stored",
            f"文件超过大小上限（{limit} 字节），未保存",
        )
        self.limit = limit


class BlobLocked(BlobError):
    """The blob's lock date has not passed yet, so it cannot be removed."""

    def __init__(self, digest: str, until: datetime) -> None:
        local = until.astimezone(BEIJING)
        super().__init__(
            f"blob {digest} is locked until {until.isoformat()}; it cannot be removed yet",
            f"文件保存期限未到（锁定至北京时间 {local.year}年{local.month}月{local.day}日 "
            f"{local:%H:%M:%S}），不能删除",
        )
        self.digest = digest
        self.until = until


class InvalidRetention(BlobError, ValueError):
    """A retain-until date without a time zone, or one that is not in the future."""

    message_zh = "保存期限须为带时区的将来时间"


class StoreUnavailable(BlobError):
    """The store cannot be used: missing folder, permission denied, server unreachable."""

    message_zh = "文件存储不可用"


class StoreConfigError(BlobError, ValueError):
    """A store URL or option that does not make sense."""

    message_zh = "文件存储配置不正确"
