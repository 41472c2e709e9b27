"""The data directory's keys: the ledger's checkpoint signing key (Ed25519)."""

from __future__ import annotations

from pathlib import Path

from zhifa.core.settings import Settings, SettingsError
from zhifa.ledger import NoteError, Signer, generate_signer, parse_signer, signer_to_string


def ledger_key_path(settings: Settings) -> Path:
    return settings.keys_dir / "ledger.key"


def ensure_ledger_signer(settings: Settings) -> tuple[Signer, bool]:
    """The signing key, made on first use; returns (signer, newly made)."""
    path = ledger_key_path(settings)
    if path.exists():
        return load_ledger_signer(settings), False
    signer = generate_signer(settings.log_origin)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(signer_to_string(signer) + "\n")
    path.chmod(0o600)
    return signer, True


def load_ledger_signer(settings: Settings) -> Signer:
    path = ledger_key_path(settings)
    try:
        return parse_signer(path.read_text().strip())
    except FileNotFoundError as exc:
        raise SettingsError(f"账本签名密钥 {path} 不存在；请先运行 zhifa init") from exc
    except NoteError as exc:
        raise SettingsError(f"账本签名密钥 {path} 无法读取：{exc}") from exc
