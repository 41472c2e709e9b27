"""Transfer packages: written from real blobs and real ledger evidence, validated by the
`bagit` library and by `verify_bag`, and every kind of tampering reported."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from dataclasses import replace
from pathlib import Path

import bagit
import pytest
import typer
from typer.testing import CliRunner

from zhifa.archive.cli import archive_app
from zhifa.archive.packages import PackageRefused, PackageSource, verify_bag, write_bag
from zhifa.ledger import generate_signer, sign_note


def _bag(source: PackageSource, tmp_path: Path) -> Path:
    return write_bag(source, tmp_path / "X123-ZF·2026-Y-0001")


def _flip(path: Path, offset: int = 1000) -> None:
    data = bytearray(path.read_bytes())
    data[offset % len(data)] ^= 0x01
    path.write_bytes(bytes(data))


def _messages(bag: Path) -> list[str]:
    return [str(f) for f in verify_bag(bag).findings]


def test_whole_bag_passes_bagit_and_verify(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    bagit.Bag(str(bag)).validate()
    report = verify_bag(bag)
    assert report.ok, report.findings
    assert report.items == 2
    names = sorted(p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file())
    assert "data/files/0001-现场检查笔录.pdf" in names
    assert "data/files/0002-执法记录仪 视频.mp4" in names
    assert {"manifest-sm3.txt", "tagmanifest-sm3.txt", "data/ledger/entries/0002.json"} <= set(
        names
    )
    assert not list(tmp_path.glob(".*partial*"))


def test_bag_info_and_catalogue(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    info = bagit.Bag(str(bag)).info
    assert info["External-Identifier"] == "X123-ZF·2026-Y-0001"
    assert info["Zhifa-Fonds"] == "X123" and info["Zhifa-Retention"] == "永久"
    assert info["Zhifa-Title"] == source.title
    csv_data = (bag / "data/catalogue.csv").read_bytes()
    assert csv_data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["件号", "责任者", "题名", "日期"]
    assert rows[1][0] == "1" and rows[2][0] == "2"
    metadata = json.loads((bag / "data/metadata/0001.json").read_text(encoding="utf-8"))
    assert metadata["备注"] == "=1+1"  # JSON carries values as they are; only CSV neutralises


def test_formula_in_catalogue_is_neutralised(source: PackageSource, tmp_path: Path) -> None:
    first = source.items[0]
    evil = replace(first, entry=replace(first.entry, title='=HYPERLINK("http://x")'))
    bag = _bag(replace(source, items=[evil, *source.items[1:]]), tmp_path)
    text = (bag / "data/catalogue.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert verify_bag(bag).ok


def test_flipped_payload_byte_is_reported_by_both(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    _flip(bag / "data/files/0002-执法记录仪 视频.mp4")
    with pytest.raises(bagit.BagValidationError) as caught:
        bagit.Bag(str(bag)).validate()
    assert any("0002-" in str(d) for d in caught.value.details)
    messages = _messages(bag)
    assert any(
        m.startswith("件号 0002，data/files/0002-") and "manifest-sha256" in m for m in messages
    )
    assert any("件号 0002" in m and "账本快照记载的摘要" in m for m in messages)
    assert not any("件号 0001" in m for m in messages)


def _zhifa() -> typer.Typer:
    """The group as `zhifa.cli` adds a feature's command group (archive has no manifest yet)."""
    cli = typer.Typer()
    cli.add_typer(archive_app, name="archive")
    return cli


def test_cli_verify(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    runner, cli = CliRunner(), _zhifa()
    whole = runner.invoke(cli, ["archive", "verify", str(bag)])
    assert whole.exit_code == 0 and "完整" in whole.output
    trusted = runner.invoke(cli, ["archive", "verify", str(bag), "--key", source.verifier])
    assert trusted.exit_code == 0
    other = generate_signer("zhifa.test/archive").verifier().to_string()
    untrusted = runner.invoke(cli, ["archive", "verify", str(bag), "--key", other])
    assert untrusted.exit_code == 1 and "不是所信任的账本公钥" in untrusted.output
    _flip(bag / "data/files/0001-现场检查笔录.pdf")
    broken = runner.invoke(cli, ["archive", "verify", str(bag)])
    assert broken.exit_code == 1
    assert "件号 0001" in broken.output and "文件被改动" in broken.output


def _rewrite_entry(bag: Path, number: int, **changes: object) -> None:
    path = bag / f"data/ledger/entries/{number:04d}.json"
    entry = json.loads(path.read_text(encoding="utf-8"))
    entry.update(changes)
    path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")


def test_tampered_proof(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    entry = json.loads((bag / "data/ledger/entries/0001.json").read_text(encoding="utf-8"))
    proof = entry["proof"]
    proof[0] = ("0" if proof[0][0] != "0" else "1") + proof[0][1:]
    _rewrite_entry(bag, 1, proof=proof)
    messages = _messages(bag)
    assert any("件号 0001" in m and "包含性证明不能导出" in m for m in messages)
    assert any("manifest-sha256" in m and "entries/0001.json" in m for m in messages)


def test_tampered_payload(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    entry = json.loads((bag / "data/ledger/entries/0002.json").read_text(encoding="utf-8"))
    _rewrite_entry(bag, 2, payload=entry["payload"].replace('"size":', '"size":1'))
    messages = _messages(bag)
    assert any("件号 0002" in m and "payload_sha256 不符" in m for m in messages)


def test_payload_naming_another_digest(source: PackageSource, tmp_path: Path) -> None:
    """The payload, leaf and proof of item 1 moved onto item 2: the chain holds for the
    entry, but the entry names another blob than the file's bytes."""
    bag = _bag(source, tmp_path)
    first = (bag / "data/ledger/entries/0001.json").read_text(encoding="utf-8")
    (bag / "data/ledger/entries/0002.json").write_text(first, encoding="utf-8")
    messages = _messages(bag)
    assert any("件号 0002" in m and "账本快照记载的摘要" in m for m in messages)


def test_forged_checkpoint_signature(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    note = (bag / "data/ledger/checkpoint.txt").read_text(encoding="utf-8")
    text, _, _ = note.partition("\n\n")
    lines = text.split("\n")
    lines[1] = str(int(lines[1]) + 1)  # claim a larger tree, re-signed by someone else
    forger = generate_signer(source.verifier.split("+", 1)[0])
    forged = sign_note("\n".join(lines) + "\n", [forger])
    (bag / "data/ledger/checkpoint.txt").write_text(forged, encoding="utf-8")
    messages = _messages(bag)
    assert any("checkpoint.txt" in m and "签名不能用公钥验证" in m for m in messages)


def test_altered_checkpoint_text(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    path = bag / "data/ledger/checkpoint.txt"
    note = path.read_text(encoding="utf-8")
    origin = note.split("\n", 1)[0]
    path.write_text(note.replace(origin, origin + "x", 1), encoding="utf-8")
    messages = _messages(bag)
    assert any("签名不能用公钥验证" in m for m in messages)


def test_tampered_bag_info(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("永久", "10年"), encoding="utf-8")
    messages = _messages(bag)
    assert any("bag-info.txt" in m and "tagmanifest-sha256" in m for m in messages)
    assert any("bag-info.txt" in m and "tagmanifest-sm3" in m for m in messages)
    assert any("Zhifa-Retention 与卷内目录不符" in m for m in messages)
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()


def test_extra_and_missing_files(source: PackageSource, tmp_path: Path) -> None:
    bag = _bag(source, tmp_path)
    (bag / "data/files/0003-extra.txt").write_text("x", encoding="utf-8")
    (bag / "data/metadata/0001.json").unlink()
    messages = _messages(bag)
    assert any("0003-extra.txt" in m and "未列入 manifest-sm3.txt" in m for m in messages)
    assert any("0003-extra.txt" in m and "不在卷内目录中" in m for m in messages)
    assert any(m.startswith("件号 0001，data/metadata/0001.json") and "缺失" in m for m in messages)
    assert any("Payload-Oxum" in m for m in messages)


def test_tampered_sm3_manifest_only(source: PackageSource, tmp_path: Path) -> None:
    """bagit ignores SM3 (not in hashlib.algorithms_guaranteed); verify_bag does not.
    The tag manifests cover manifest-sm3.txt, so a rewritten one is caught twice."""
    bag = _bag(source, tmp_path)
    manifest = bag / "manifest-sm3.txt"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    lines[0] = ("0" if lines[0][0] != "0" else "1") + lines[0][1:]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = _messages(bag)
    assert any("manifest-sm3.txt 记载的 sm3 摘要不符" in m for m in messages)
    assert any(m.startswith("manifest-sm3.txt") and "tagmanifest-sha256" in m for m in messages)


def test_content_not_matching_blob_digest_is_refused(source: PackageSource, tmp_path: Path) -> None:
    first, second = source.items
    wrong = replace(second, open=first.open, size=first.size)
    with pytest.raises(PackageRefused, match=r"件号 2（执法记录仪 视频\.mp4）.*与其摘要.*不符"):
        _bag(replace(source, items=[first, wrong]), tmp_path)
    assert not (tmp_path / "X123-ZF·2026-Y-0001").exists()
    assert not list(tmp_path.glob(".*partial*"))


def test_unverifiable_checkpoint_is_refused(source: PackageSource, tmp_path: Path) -> None:
    other = generate_signer("zhifa.test/archive").verifier().to_string()
    with pytest.raises(PackageRefused, match="签名"):
        _bag(replace(source, verifier=other), tmp_path)


def test_existing_destination_is_refused(source: PackageSource, tmp_path: Path) -> None:
    (tmp_path / "X123-ZF·2026-Y-0001").mkdir()
    with pytest.raises(PackageRefused, match="已存在"):
        _bag(source, tmp_path)


def test_bagit_ignores_sm3_quietly(
    source: PackageSource, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bag = _bag(source, tmp_path)
    with caplog.at_level(logging.WARNING):
        parsed = bagit.Bag(str(bag))
        parsed.validate()
    assert "sm3" not in parsed.algorithms
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_sm3_manifest_matches_hashlib(source: PackageSource, tmp_path: Path) -> None:
    """bagit checks the SHA-256 manifest; the SM3 one is checked here against hashlib."""
    bag = _bag(source, tmp_path)
    for line in (bag / "manifest-sm3.txt").read_text(encoding="utf-8").splitlines():
        digest, path = line.split("  ", 1)
        assert hashlib.new("sm3", (bag / path).read_bytes()).hexdigest() == digest
    expected = ["data/files/0001-现场检查笔录.pdf", "data/files/0002-执法记录仪 视频.mp4"]
    listed = (bag / "manifest-sm3.txt").read_text(encoding="utf-8")
    assert all(f"  {p}\n" in listed for p in expected)
