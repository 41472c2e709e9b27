"""C2SP signed notes: the Go sumdb/note reference example (a known Ed25519 key), key
formats, and rejection of wrong keys, altered text and altered signatures."""

from __future__ import annotations

import base64
import hashlib

import pytest

from zhifa.ledger import (
    InvalidNoteSignature,
    MalformedNote,
    NoteError,
    UnverifiedNote,
    generate_signer,
    open_note,
    parse_note,
    parse_signer,
    parse_verifier,
    sign_note,
    signer_from_pem,
    signer_to_pem,
    signer_to_string,
)
from zhifa.ledger.note import key_id

# The example of golang.org/x/mod/sumdb/note (its package documentation and tests).
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_NOTE = (
    PETER_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"


def test_reference_key_and_signature_are_reproduced() -> None:
    signer = parse_signer(PETER_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.verifier().to_string() == PETER_VKEY
    assert signer_to_string(signer) == PETER_SKEY
    # Ed25519 is deterministic, so the signed note must match byte for byte.
    assert sign_note(PETER_TEXT, [signer]) == PETER_NOTE


def test_reference_note_opens_with_the_verifier_key() -> None:
    verifier = parse_verifier(PETER_VKEY)
    note = open_note(PETER_NOTE, [verifier])
    assert note.text == PETER_TEXT
    assert [s.name for s in note.signatures] == ["PeterNeumann"]


def test_key_id_is_hash_of_name_newline_type_key() -> None:
    verifier = parse_verifier(PETER_VKEY)
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + verifier.public_key).digest()[:4]
    assert key_id("PeterNeumann", verifier.public_key) == expected == bytes.fromhex("c74f20a3")


def test_altered_text_is_rejected() -> None:
    verifier = parse_verifier(PETER_VKEY)
    with pytest.raises(InvalidNoteSignature):
        open_note(PETER_NOTE.replace("cryptography", "cryptographY"), [verifier])


def test_altered_signature_is_rejected() -> None:
    verifier = parse_verifier(PETER_VKEY)
    blob = PETER_NOTE.rsplit(" ", 1)[1].strip()
    raw = bytearray(base64.b64decode(blob))
    raw[10] ^= 1  # inside the signature, not the key ID
    forged = PETER_NOTE.replace(blob, base64.b64encode(bytes(raw)).decode())
    with pytest.raises(InvalidNoteSignature):
        open_note(forged, [verifier])


def test_note_from_another_key_is_unverified() -> None:
    with pytest.raises(UnverifiedNote):
        open_note(PETER_NOTE, [parse_verifier(ENOCH_VKEY)])


def test_same_name_other_key_is_ignored_not_trusted() -> None:
    impostor = generate_signer("PeterNeumann")
    note = sign_note(PETER_TEXT, [impostor])
    with pytest.raises(UnverifiedNote):
        open_note(note, [parse_verifier(PETER_VKEY)])


def test_unknown_signatures_are_ignored_next_to_a_good_one() -> None:
    other = generate_signer("witness.example/w1")
    note = sign_note(PETER_TEXT, [parse_signer(PETER_SKEY), other])
    opened = open_note(note, [parse_verifier(PETER_VKEY)])
    assert [s.name for s in opened.signatures] == ["PeterNeumann"]
    assert len(parse_note(note).signatures) == 2


def test_round_trip_with_generated_key() -> None:
    signer = generate_signer("zhifa.example/ledger")
    text = "zhifa.example/ledger\n3\nAAAA\n\n中文 扩展\n"  # texts may hold blank lines
    note = sign_note(text, [signer])
    assert open_note(note, [parse_verifier(signer.verifier().to_string())]).text == text
    assert parse_signer(signer_to_string(signer)).public_key == signer.public_key
    again = signer_from_pem(signer.name, signer_to_pem(signer))
    assert again.verifier() == signer.verifier()


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong ID
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # upper hex
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # type 0x02
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short key
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW!",
    ],
)
def test_bad_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_verifier(vkey)


@pytest.mark.parametrize(
    "note",
    [
        PETER_TEXT,  # no signatures
        PETER_NOTE.rstrip("\n"),  # no final newline
        PETER_NOTE.replace("— ", "-- "),  # not an em dash
        PETER_NOTE.replace("— PeterNeumann ", "— PeterNeumann  "),
        PETER_NOTE.replace("x08go", "x08g*"),  # not base64
        PETER_TEXT + "\n— PeterNeumann AAAA\n",  # too short to hold an ID and signature
        PETER_NOTE.replace("problem,", "problem,\x07"),  # control character
        PETER_TEXT + "\n",  # blank line and nothing after
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        open_note(note, [parse_verifier(PETER_VKEY)])


def test_signing_refuses_text_without_final_newline() -> None:
    with pytest.raises(MalformedNote):
        sign_note("no newline", [generate_signer("a")])


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "tab\tname"])
def test_bad_key_names_are_refused(name: str) -> None:
    with pytest.raises(NoteError):
        generate_signer(name)
