"""Errors raised by the blob stores.

Each error carries an English message (for logs) and a Chinese one (``message_zh``) that
a caller may show to staff unchanged.
"""

from __future__ import annotations


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


class StoreUnavailable(BlobError):
    """The store cannot be used: missing folder, permission denied, server unreachable."""

    message_zh = "文件存储不可用"


class StoreConfigError(BlobError, ValueError):
    """A store URL or option that does not make sense."""

    message_zh = "文件存储配置不正确"
