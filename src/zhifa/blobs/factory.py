"""``open_store(url)``: one string in settings chooses and configures a blob store.

URL forms::

    file:///var/lib/zhifa/blobs?algorithm=sm3&create=true&retention_days=3650
    s3://bucket[/key/prefix]?endpoint=http://127.0.0.1:8333&region=us-east-1
        &retention_days=3650&algorithm=sha256&create_bucket=true

``retention_days`` is the lock period of a blob stored without its own retain-until
date: required for S3 (every object is locked), optional for a folder (without it such
blobs get no lock record). Keyword options override URL parameters and add those that do
not belong in a URL: ``retention`` (a ``timedelta``, either store), and for S3
``access_key``, ``secret_key``, ``session_token`` (else the standard AWS environment
variables and config files are used), ``part_size``, ``copy_part_size``,
``stale_tmp_age``, ``client``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from .base import BlobStore
from .errors import StoreConfigError
from .local import LocalBlobStore
from .s3 import S3BlobStore

_LOCAL_PARAMS = {"algorithm", "create", "retention_days"}
_S3_PARAMS = {"endpoint", "region", "retention_days", "algorithm", "create_bucket"}
_S3_OPTIONS = _S3_PARAMS | {
    "access_key",
    "secret_key",
    "session_token",
    "retention",
    "part_size",
    "copy_part_size",
    "stale_tmp_age",
    "client",
}


def open_store(url: str, **options: Any) -> BlobStore:
    """Open the blob store that ``url`` names (see the module docstring for the forms)."""
    parsed = urlsplit(url)
    if parsed.scheme == "file":
        return _open_local(parsed, options)
    if parsed.scheme == "s3":
        return _open_s3(parsed, options)
    raise StoreConfigError(
        f"blob store URL must start with file:/// or s3://, got {_redact(url)!r}"
    )


def _open_local(parsed: SplitResult, options: dict[str, Any]) -> LocalBlobStore:
    if parsed.netloc not in ("", "localhost"):
        raise StoreConfigError("file:// blob store URLs must be local: file:///absolute/path")
    settings = _settings(parsed, options, params=_LOCAL_PARAMS, extra={"retention"})
    path = unquote(parsed.path)
    if not path.startswith("/"):
        raise StoreConfigError(f"blob folder must be an absolute path, got {path!r}")
    return LocalBlobStore(
        path,
        algorithm=settings.get("algorithm", "sha256"),
        create=_bool(settings.get("create", False), "create"),
        retention=_retention(settings),
    )


def _open_s3(parsed: SplitResult, options: dict[str, Any]) -> S3BlobStore:
    if "@" in parsed.netloc:
        raise StoreConfigError(
            "put no credentials in the S3 URL; pass access_key/secret_key or use AWS_* env vars"
        )
    settings = _settings(parsed, options, params=_S3_PARAMS, extra=_S3_OPTIONS)
    retention = _retention(settings)
    if retention is None:
        raise StoreConfigError("an S3 blob store needs retention_days=N (Object Lock period)")
    kwargs = {
        "endpoint_url": settings.pop("endpoint", None),
        "create_bucket": _bool(settings.pop("create_bucket", True), "create_bucket"),
        **{k: v for k, v in settings.items() if k != "algorithm"},
    }
    return S3BlobStore(
        parsed.netloc,
        retention=retention,
        prefix=unquote(parsed.path),
        algorithm=settings.get("algorithm", "sha256"),
        **kwargs,
    )


def _retention(settings: dict[str, Any]) -> timedelta | None:
    """The default lock period, taken out of ``settings``: ``retention`` or ``retention_days``."""
    retention = settings.pop("retention", None)
    days = settings.pop("retention_days", None)
    if retention is None and days is not None:
        # not a legal limit: the default lock period the store is configured with
        retention = timedelta(days=_positive_int(days, "retention_days"))
    return cast(timedelta | None, retention)


def _settings(
    parsed: SplitResult, options: dict[str, Any], *, params: set[str], extra: set[str]
) -> dict[str, Any]:
    """URL parameters merged with options; unknown names are refused (typos lose data)."""
    query = parse_qs(parsed.query, keep_blank_values=True)
    unknown = (set(query) - params) | (set(options) - params - extra)
    if unknown:
        allowed = ", ".join(sorted(params | extra))
        raise StoreConfigError(f"unknown blob store setting(s) {sorted(unknown)}; known: {allowed}")
    repeated = [name for name, values in query.items() if len(values) > 1]
    if repeated:
        raise StoreConfigError(f"blob store URL repeats {repeated}")
    return {name: values[0] for name, values in query.items()} | options


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise StoreConfigError(f"{name} must be true or false, got {value!r}")


def _positive_int(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise StoreConfigError(f"{name} must be a whole number of at least 1, got {value!r}")
    return number


def _redact(url: str) -> str:
    """Drop anything before '@' in the network location so secrets stay out of errors."""
    parsed = urlsplit(url)
    if "@" not in parsed.netloc:
        return url
    return parsed._replace(netloc=parsed.netloc.rsplit("@", 1)[1]).geturl()
