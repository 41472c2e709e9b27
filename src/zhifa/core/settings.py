"""Settings from environment variables (ZHIFA_*) and an optional TOML file.

Precedence: explicit arguments > environment > TOML file (``ZHIFA_CONFIG`` or
``<data dir>/zhifa.toml``) > defaults. Invalid values stop the start with a message
that names the setting.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHIFA_", extra="forbid")

    data_dir: Path = Field(default=Path("./zhifa-data"), description="数据目录")
    # 运行环境. In production, addresses the public is sent to must be reachable by the
    # public (see _public_address). The demo and the test suite run as development.
    environment: Literal["development", "production"] = "development"
    database_url: str | None = Field(default=None, description="数据库地址")
    blob_url: str | None = Field(default=None, description="文件存储地址")
    secret_key: str | None = Field(default=None, min_length=32, description="会话密钥")
    bureau_name: str = "上海市普陀区应急管理局"
    bureau_uscc: str = "11310107MB2F12345H"  # GB 32100 check character: H
    # Printed on documents (告知书) and named on the public pages as whom to ask.
    bureau_address: str = Field(default="上海市普陀区大渡河路1668号", max_length=200)
    bureau_phone: str = Field(default="021-52564588", max_length=60)
    log_origin: str = "zhifa.putuo.example/log"
    session_hours: int = Field(default=8, ge=1, le=72)  # not a legal limit: sign-in session
    # Sign-in throttling (core.auth): failures before delays start, per client address,
    # per account name and per known device; the delays then double up to these caps.
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lock_minutes: int = Field(default=15, ge=1, le=1440)  # longest wait of a client
    login_account_delay_seconds: int = Field(default=60, ge=1, le=3600)  # of an account
    # Default: Secure exactly when the public base URL is https (see _secure_by_url).
    secure_cookies: bool = False
    # Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs); none by default,
    # so a client cannot name its own address (core.access.ClientAddress).
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="可信反向代理地址"
    )
    blob_digest: Literal["sha256", "sm3"] = "sha256"
    blob_max_bytes: int = Field(default=16 * 1024**3, ge=1)
    # not a legal limit: unfinished tus uploads expire
    upload_expiry_hours: int = Field(default=24, ge=1, le=720)
    # Bytes per PATCH the upload page sends: keep it under a reverse proxy's body limit.
    upload_chunk_bytes: int = Field(default=8 * 1024**2, ge=64 * 1024, le=1024**3)
    # Unfinished tus uploads one person may hold open at once (then 429).
    uploads_open_per_user: int = Field(default=8, ge=1, le=1000)
    # Free space kept beyond every open upload's promised bytes (then 507).
    upload_disk_reserve_bytes: int = Field(default=256 * 1024**2, ge=0)
    checkpoint_interval_seconds: int = Field(default=60, ge=0, le=86400)  # 0: only on demand
    timezone: str = "Asia/Shanghai"
    publicity_person_name: Literal["full", "surname"] = "surname"  # 公示中自然人姓名：全名或姓+某某
    # Public correction requests (公示办法 第九条第二项): per client address and hour; evidence.
    correction_requests_per_hour: int = Field(default=5, ge=1, le=1000)
    correction_evidence_max_bytes: int = Field(default=10 * 1024**2, ge=1024, le=100 * 1024**2)
    # Evidence bytes one client (address) may store in 24 hours; more is refused with 429.
    correction_evidence_bytes_per_day: int = Field(default=30 * 1024**2, ge=1024, le=10 * 1024**3)
    # Publication channels, by channel code: endpoints and HMAC secrets (never in the DB).
    channel_urls: dict[str, str] = Field(default_factory=dict, description="渠道投递地址")
    channel_secrets: dict[str, str] = Field(default_factory=dict, description="渠道签名密钥")
    outbox_interval_seconds: int = Field(default=10, ge=0, le=3600)  # 0: never delivered by jobs
    # `zhifa serve` runs the scheduled jobs in a thread (false: `zhifa worker` runs them).
    jobs_in_process: bool = True
    # Obligations of issued decisions, expiry of publication periods, duty catch-up.
    publicity_refresh_interval_seconds: int = Field(default=3600, ge=0, le=86400)
    # 四性检测 of archive files on a schedule (DA/T 70 长期保存): how often the job looks
    # for files due, and how many days after its last check a file is due again.
    archive_check_interval_seconds: int = Field(default=86400, ge=0, le=7 * 86400)
    archive_recheck_days: int = Field(default=365, ge=1, le=3650)  # not a legal limit: a setting
    # 案卷评查 rectification (整改): working days from the task's day to its deadline.
    # not a legal limit: a bureau setting (no rule read sets the period of a review's 整改)
    case_review_rectification_working_days: int = Field(default=15, ge=1, le=60)
    outbox_max_attempts: int = Field(default=12, ge=1, le=100)  # then 失败, retried by staff
    outbox_timeout_seconds: float = Field(default=10, gt=0, le=300)  # one HTTP call
    # The portal's address as the public reaches it: certificate QR codes open <it>/c/<number>.
    public_base_url: str = Field(default="http://localhost:8000", pattern=r"^https?://[^\s]+$")
    # Public certificate lookups (公示办法 第六条) per client address in ten minutes.
    certificate_lookups_per_window: int = Field(default=30, ge=1, le=10000)
    # Who may read /api/docs and /api/openapi.json: anyone, signed-in staff, or no one.
    api_docs: Literal["public", "staff", "off"] = "staff"

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.startswith(("sqlite:", "postgresql+psycopg:", "postgresql:")):
            raise ValueError("只支持 sqlite:/// 或 postgresql+psycopg:// 地址")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public_address(cls, value: str, info: ValidationInfo) -> str:
        # QR codes on certificate cards and links given to the public open this address:
        # in production it cannot be this machine's own loopback name.
        if info.data.get("environment") == "production" and is_loopback_url(value):
            raise ValueError(
                "生产环境（ZHIFA_ENVIRONMENT=production）下，公示网站地址不能是 localhost 或 "
                "127.0.0.1：公众扫码和打开链接到不了这里；请用 zhifa init --public-url "
                "设置公众访问的地址"
            )
        return value

    @field_validator("channel_urls")
    @classmethod
    def _http_endpoints(cls, value: dict[str, str]) -> dict[str, str]:
        for code, url in value.items():
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"渠道 {code} 的投递地址须以 http:// 或 https:// 开头")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        # ZHIFA_TRUSTED_PROXIES="10.0.0.5, 10.1.0.0/16" as well as a JSON / TOML list.
        if isinstance(value, str):
            parts = (part.strip().strip('"') for part in value.strip().strip("[]").split(","))
            return [part for part in parts if part]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"{item} 不是 IP 地址或网段（如 10.0.0.5、10.1.0.0/16）") from exc
        return value

    @model_validator(mode="after")
    def _secure_by_url(self) -> Settings:
        # Browsers reach an https portal over TLS only: its cookies must never travel in
        # clear text. An explicit ZHIFA_SECURE_COOKIES still wins (e.g. TLS ends elsewhere).
        if "secure_cookies" not in self.model_fields_set:
            self.secure_cookies = self.public_base_url.startswith("https://")
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        return f"sqlite:///{(self.data_dir / 'zhifa.sqlite3').resolve()}"

    @cached_property
    def resolved_blob_url(self) -> str:
        return self.blob_url or f"file://{(self.data_dir / 'blobs').resolve()}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    def resolved_secret_key(self) -> str:
        """The configured key, else the one ``zhifa init`` wrote into the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.keys_dir / "secret_key"
        if not path.exists():
            raise SettingsError(
                f"ZHIFA_SECRET_KEY 未设置，且数据目录中没有密钥文件 {path}；请先运行 zhifa init"
            )
        return path.read_text().strip()

    def ledger_actor_key(self) -> bytes:
        """The key of the public ledger's pseudonymous actor ids (core.audit), derived from
        the secret key: the bureau can resolve a pseudonym, the public cannot."""
        secret = self.resolved_secret_key().encode()
        return hmac.new(secret, b"zhifa ledger actor pseudonym v1", hashlib.sha256).digest()


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` names this machine only (localhost, 127.0.0.0/8, ::1, 0.0.0.0)."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _toml_values(data_dir: Path | None) -> dict[str, Any]:
    explicit = os.environ.get("ZHIFA_CONFIG")
    candidates = [Path(explicit)] if explicit else []
    base = data_dir or Path(os.environ.get("ZHIFA_DATA_DIR", "./zhifa-data"))
    candidates.append(base / "zhifa.toml")
    for path in candidates:
        if path.is_file():
            try:
                with path.open("rb") as handle:
                    return tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError(f"配置文件 {path} 格式错误: {exc}") from exc
        if explicit and path == Path(explicit):
            raise SettingsError(f"ZHIFA_CONFIG 指向的配置文件不存在: {path}")
    return {}


def load_settings(data_dir: Path | None = None, **overrides: Any) -> Settings:
    """Build settings; raise SettingsError naming the first bad setting."""
    values = _toml_values(data_dir)
    env_keys = {name for name in Settings.model_fields if f"ZHIFA_{name.upper()}" in os.environ}
    for key in env_keys:
        values.pop(key, None)  # the environment beats the file
    if data_dir is not None:
        values["data_dir"] = data_dir
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise SettingsError(f"设置 ZHIFA_{name.upper()} 无效: {first['msg']}") from exc
