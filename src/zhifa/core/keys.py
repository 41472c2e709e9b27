"""The data directory's keys: the ledger's checkpoint signing key (Ed25519) and its public
verifier key. The public portal process (`zhifa serve --portal-only`) reads only the
verifier (`ledger.pub`), so a public host needs no copy of the private key."""

from __future__ import annotations

from pathlib import Path

from zhifa.core.settings import Settings, SettingsError
from zhifa.ledger import (
    NoteError,
    Signer,
    Verifier,
    generate_signer,
    parse_signer,
    parse_verifier,
    signer_to_string,
)


def ledger_key_path(settings: Settings) -> Path:
    return settings.keys_dir / "ledger.key"


def ledger_verifier_path(settings: Settings) -> Path:
    return settings.keys_dir / "ledger.pub"


def ensure_ledger_signer(settings: Settings) -> tuple[Signer, bool]:
    """The signing key, made on first use, and its verifier file (written when missing,
    so `zhifa init` adds it to an older data directory); returns (signer, newly made)."""
    path = ledger_key_path(settings)
    made = not path.exists()
    if made:
        signer = generate_signer(settings.log_origin)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(signer_to_string(signer) + "\n")
        path.chmod(0o600)
    else:
        signer = load_ledger_signer(settings)
    public = ledger_verifier_path(settings)
    if not public.exists():
        public.write_text(signer.verifier().to_string() + "\n")
        public.chmod(0o644)
    return signer, made


def load_ledger_verifier(settings: Settings) -> Verifier:
    """The checkpoints' public key, from `ledger.pub` (never from the private key)."""
    path = ledger_verifier_path(settings)
    try:
        return parse_verifier(path.read_text().strip())
    except FileNotFoundError as exc:
        raise SettingsError(
            f"账本验证公钥 {path} 不存在；请在保存签名密钥的实例上运行 zhifa init 生成，"
            "再将该文件复制到此处"
        ) from exc
    except NoteError as exc:
        raise SettingsError(f"账本验证公钥 {path} 无法读取：{exc}") from exc


def load_ledger_signer(settings: Settings) -> Signer:
    path = ledger_key_path(settings)
    try:
        return parse_signer(path.read_text().strip())
    except FileNotFoundError as exc:
        raise SettingsError(f"账本签名密钥 {path} 不存在；请先运行 zhifa init") from exc
    except NoteError as exc:
        raise SettingsError(f"账本签名密钥 {path} 无法读取：{exc}") from exc
