"""C2SP signed notes with Ed25519 keys (https://c2sp.org/signed-note).

A note is text ending in a newline, a blank line, then lines `— <key name> <base64>`
where the base64 holds a 4-byte key ID and the signature over the text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ED25519 = b"\x01"  # signature type byte assigned by the signed-note spec
SIG_PREFIX = "\u2014 "  # em dash and a space
MAX_SIGNATURES = 100
_PRIVATE_PREFIX = "PRIVATE+KEY+"


class NoteError(ValueError):
    """A note, key or signature is malformed, unsigned or forged."""


class MalformedNote(NoteError):
    pass


class UnverifiedNote(NoteError):
    """No signature on the note comes from a trusted key."""


class InvalidNoteSignature(NoteError):
    """A trusted key's signature on the note does not verify: the note was altered."""


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"not valid base64: {text[:40]!r}") from None


def check_key_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"invalid key name {name!r}: empty, or has spaces or '+'")


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], as the spec recommends."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public_key).digest()[:4]


def _raw_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: bytes

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True

    def to_string(self) -> str:
        """`<name>+<8 hex digits of key ID>+<base64(0x01 ‖ public key)>`."""
        material = base64.b64encode(ED25519 + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{material}"


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return _raw_public(self.private_key)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_id, self.public_key)

    def sign(self, text: bytes) -> bytes:
        return self.private_key.sign(text)


def generate_signer(name: str) -> Signer:
    check_key_name(name)
    return Signer(name, Ed25519PrivateKey.generate())


def parse_verifier(vkey: str) -> Verifier:
    """Parse `<name>+<hex key ID>+<base64(0x01 ‖ key)>`; check the ID matches the key."""
    name, sep, rest = vkey.partition("+")
    hex_id, sep2, material = rest.partition("+")
    if not sep or not sep2:
        raise NoteError("verifier key must be name+keyid+key")
    check_key_name(name)
    if len(hex_id) != 8 or hex_id != hex_id.lower():
        raise NoteError("key ID must be 8 lower-case hex digits")
    try:
        claimed = bytes.fromhex(hex_id)
    except ValueError:
        raise NoteError("key ID is not hex") from None
    raw = _b64decode(material)
    if len(raw) != 33 or raw[:1] != ED25519:
        raise NoteError("only Ed25519 verifier keys (type 0x01, 32 bytes) are supported")
    public = raw[1:]
    if key_id(name, public) != claimed:
        raise NoteError("key ID does not match the key")
    return Verifier(name, claimed, public)


def signer_to_string(signer: Signer) -> str:
    """`PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>`, the Go sumdb/note form."""
    seed = signer.private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    material = base64.b64encode(ED25519 + seed).decode("ascii")
    return f"{_PRIVATE_PREFIX}{signer.name}+{signer.key_id.hex()}+{material}"


def parse_signer(skey: str) -> Signer:
    if not skey.startswith(_PRIVATE_PREFIX):
        raise NoteError("signer key must start with PRIVATE+KEY+")
    name, _, rest = skey[len(_PRIVATE_PREFIX) :].partition("+")
    hex_id, _, material = rest.partition("+")
    check_key_name(name)
    raw = _b64decode(material)
    if len(raw) != 33 or raw[:1] != ED25519:
        raise NoteError("only Ed25519 signer keys (type 0x01, 32-byte seed) are supported")
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.key_id.hex() != hex_id:
        raise NoteError("key ID does not match the key")
    return signer


def signer_to_pem(signer: Signer) -> bytes:
    """PKCS#8 PEM of the private key; the key name is kept apart (e.g. in settings)."""
    return signer.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def signer_from_pem(name: str, pem: bytes) -> Signer:
    check_key_name(name)
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise NoteError("PEM does not hold an Ed25519 private key")
    return Signer(name, key)


# ---- notes


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        blob = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{SIG_PREFIX}{self.name} {blob}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[NoteSignature, ...]


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNote("note text must end with a newline")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise MalformedNote("note text has control characters")


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """Sign `text` (which must end in a newline) with every signer."""
    _check_text(text)
    if not signers:
        raise NoteError("at least one signer is needed")
    data = text.encode("utf-8")
    lines = [NoteSignature(s.name, s.key_id, s.sign(data)).line() for s in signers]
    return text + "\n" + "".join(lines)


def parse_note(note: str) -> Note:
    """Split a signed note into its text and signatures, checking only the syntax."""
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNote("note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    lines = block.split("\n")[:-1]
    if not lines:
        raise MalformedNote("note has no signatures")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNote("note has too many signatures")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIG_PREFIX):
        raise MalformedNote(f"signature line does not start with an em dash: {line[:40]!r}")
    name, sep, blob = line[len(SIG_PREFIX) :].partition(" ")
    if not sep or " " in blob:
        raise MalformedNote("signature line must be '— <name> <base64>'")
    check_key_name(name)
    raw = _b64decode(blob)
    if len(raw) < 5:
        raise MalformedNote("signature is too short")
    return NoteSignature(name, raw[:4], raw[4:])


def open_note(note: str, verifiers: Sequence[Verifier]) -> Note:
    """Parse and verify a note: at least one trusted signature, and none that fails.

    Signatures from unknown keys (name and ID not both matching) are ignored, as the
    spec requires. Returns the note with only the verified signatures.
    """
    parsed = parse_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    data = parsed.text.encode("utf-8")
    good: list[NoteSignature] = []
    for sig in parsed.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(data, sig.signature):
            raise InvalidNoteSignature(f"signature by {sig.name} does not verify")
        good.append(sig)
    if not good:
        raise UnverifiedNote("note carries no signature from a trusted key")
    return Note(parsed.text, tuple(good))
