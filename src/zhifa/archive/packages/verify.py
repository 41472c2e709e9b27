"""Checking a transfer package offline, with nothing but the package itself.

`verify_bag(path)` checks the BagIt structure (bagit.txt, both manifests and both tag
manifests: every file listed, nothing extra, every digest right; Payload-Oxum) and the
ledger evidence of every item (`evidence`): its bytes hash to the digest its ledger
snapshot names, the snapshot hashes to the leaf's payload_sha256, the leaf's inclusion
proof leads to the checkpoint's root, and the checkpoint's signature verifies with
verifier.txt (or with the key the caller trusts). Findings say in Chinese what is wrong
and, where an item is concerned, name its 件号 and path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhifa.blobs.digests import parse_digest
from zhifa.ledger import (
    Checkpoint,
    NoteError,
    open_checkpoint,
    parse_checkpoint,
    parse_note,
    parse_verifier,
)

from . import layout
from .evidence import evidence_problems
from .hashing import multi_hasher
from .source import LedgerEvidence

Hashed = tuple[dict[str, str], int]  # hex digests by algorithm, size


@dataclass(frozen=True)
class Finding:
    message: str
    path: str | None = None
    number: int | None = None  # 件号, when the finding concerns an item

    def __str__(self) -> str:
        where = [f"件号 {layout.item_stem(self.number)}"] if self.number is not None else []
        where += [self.path] if self.path else []
        return f"{'，'.join(where)}：{self.message}" if where else self.message


@dataclass
class BagReport:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    items: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_bag(path: Path, *, trusted_verifier: str | None = None) -> BagReport:
    """Verify the package at `path`; `trusted_verifier` pins the checkpoint signer's key
    (otherwise the package's own verifier.txt is used, which proves integrity but not
    origin: compare it with the bureau's published key)."""
    report = BagReport(path)
    if not path.is_dir():
        report.findings.append(Finding(f"{path} 不是一个文件夹"))
        return report
    _Check(path, report).run(trusted_verifier)
    return report


class _Check:
    def __init__(self, root: Path, report: BagReport) -> None:
        self.root = root
        self.report = report
        self.numbers: dict[str, int] = {}

    def add(self, message: str, path: str | None = None, number: int | None = None) -> None:
        number = number if number is not None else self.numbers.get(path or "")
        self.report.findings.append(Finding(message, path, number))

    def run(self, trusted_verifier: str | None) -> None:
        disk = dict(self._walk())
        catalogue = self._catalogue()
        self._bagit_txt()
        tagmanifests = {layout.manifest_name(a, tag=True) for a in layout.ALGORITHMS}
        with multi_hasher(layout.ALGORITHMS) as hasher:
            hashed: dict[str, Hashed] = {}
            for rel, full in disk.items():
                if rel not in tagmanifests:
                    with full.open("rb") as stream:
                        hashed[rel] = hasher.copy(stream)
        payload = {rel for rel in hashed if rel.startswith("data/")}
        for algorithm in layout.ALGORITHMS:
            self._manifest(algorithm, False, payload, hashed)
            self._manifest(algorithm, True, set(hashed) - payload, hashed)
        info = self._bag_info()
        self._oxum(info, [hashed[rel][1] for rel in payload])
        if catalogue is not None:
            self._identity(info, catalogue)
            self._items(catalogue, hashed, payload, trusted_verifier)

    # ---- BagIt

    def _walk(self) -> Iterator[tuple[str, Path]]:
        for folder, dirs, files in os.walk(self.root):
            for name in sorted(dirs + files):
                full = Path(folder) / name
                rel = full.relative_to(self.root).as_posix()
                if full.is_symlink():
                    self.add("包内不应有符号链接", rel)
                elif name in files:
                    yield rel, full

    def _text(self, rel: str) -> str | None:
        try:
            return (self.root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.add(f"无法以 UTF-8 读取（{exc.__class__.__name__}）", rel)
            return None

    def _bagit_txt(self) -> None:
        text = self._text("bagit.txt")
        if text is not None and text != layout.BAGIT_TXT:
            self.add("bagit.txt 应声明 BagIt-Version: 1.0 与 UTF-8 编码", "bagit.txt")

    def _manifest(
        self, algorithm: str, tag: bool, expected: set[str], hashed: dict[str, Hashed]
    ) -> None:
        name = layout.manifest_name(algorithm, tag=tag)
        text = self._text(name)
        if text is None:
            return
        try:
            listed = layout.parse_manifest(text)
        except ValueError as exc:
            self.add(str(exc), name)
            return
        for rel, hexdigest in listed.items():
            if not layout.is_safe_path(rel) or (rel in expected) != (rel in hashed):
                self.add(f"{name} 列出的路径不安全或不属于该清单", rel)
            elif rel not in hashed:
                self.add(f"{name} 列出的文件不存在（文件缺失）", rel)
            elif hashed[rel][0][algorithm] != hexdigest:
                self.add(f"文件内容与 {name} 记载的 {algorithm} 摘要不符（文件被改动）", rel)
        for rel in sorted(expected - set(listed)):
            self.add(f"文件未列入 {name}（多出的文件）", rel)

    def _bag_info(self) -> dict[str, list[str]]:
        text = self._text(layout.BAG_INFO)
        try:
            return layout.parse_tags(text) if text is not None else {}
        except ValueError as exc:
            self.add(str(exc), layout.BAG_INFO)
            return {}

    def _oxum(self, info: dict[str, list[str]], sizes: list[int]) -> None:
        actual = f"{sum(sizes)}.{len(sizes)}"
        if info.get("Payload-Oxum") != [actual]:
            self.add(
                f"Payload-Oxum 应为 {actual}（字节数.文件数），包内记载 {info.get('Payload-Oxum')}",
                layout.BAG_INFO,
            )

    # ---- the catalogue and bag-info agree

    def _catalogue(self) -> dict[str, Any] | None:
        catalogue = self._json(layout.CATALOGUE_JSON)
        if catalogue is None or catalogue.get("format") != layout.FORMAT:
            self.add(f"卷内目录不是 {layout.FORMAT} 格式", layout.CATALOGUE_JSON)
            return None
        items = catalogue.get("items")
        if not isinstance(items, list) or not all(_is_item(i) for i in items):
            self.add("卷内目录的条目不完整", layout.CATALOGUE_JSON)
            return None
        self.numbers = {i["file"]: i["number"] for i in items}
        self.numbers |= {i[key]: i["number"] for i in items for key in ("metadata", "ledger")}
        self.report.items = len(items)
        return catalogue

    def _identity(self, info: dict[str, list[str]], catalogue: dict[str, Any]) -> None:
        expected = {
            "External-Identifier": catalogue.get("archival_code"),
            layout.FONDS: catalogue.get("fonds"),
            layout.RETENTION: catalogue.get("retention"),
            layout.TITLE: catalogue.get("title"),
            layout.ITEMS: str(len(catalogue["items"])),
        }
        for label, value in expected.items():
            if info.get(label) != [layout.tag_value(str(value))]:
                self.add(f"bag-info.txt 的 {label} 与卷内目录不符（应为 {value}）", layout.BAG_INFO)

    # ---- the ledger evidence

    def _items(
        self,
        catalogue: dict[str, Any],
        hashed: dict[str, Hashed],
        payload: set[str],
        trusted_verifier: str | None,
    ) -> None:
        checkpoint = self._checkpoint(trusted_verifier)
        listed = {item["file"] for item in catalogue["items"]}
        for rel in sorted(p for p in payload if p.startswith("data/files/") and p not in listed):
            self.add("文件不在卷内目录中", rel)
        for item in catalogue["items"]:
            if item["file"] in hashed:
                self._item(item, hashed[item["file"]][0], checkpoint)

    def _checkpoint(self, trusted_verifier: str | None) -> Checkpoint | None:
        note, key = self._text(layout.CHECKPOINT), self._text(layout.VERIFIER)
        if note is None or key is None:
            return None
        if trusted_verifier is not None and key.strip() != trusted_verifier.strip():
            self.add("verifier.txt 中的公钥不是所信任的账本公钥", layout.VERIFIER)
            key = trusted_verifier
        try:
            return open_checkpoint(note, [parse_verifier(key.strip())])
        except NoteError as exc:
            self.add(f"账本检查点的签名不能用公钥验证（{exc}）", layout.CHECKPOINT)
        try:  # the proofs are still worth checking against what the note says
            return parse_checkpoint(parse_note(note).text)
        except NoteError:
            return None

    def _item(self, item: dict[str, Any], digests: dict[str, str], cp: Checkpoint | None) -> None:
        number, rel = item["number"], item["file"]
        try:
            algorithm, hexdigest = parse_digest(item["digest"])
        except ValueError:
            algorithm, hexdigest = "", ""
        if digests.get(algorithm) != hexdigest:
            self.add(f"文件内容与卷内目录记载的摘要 {item['digest']} 不符", rel, number)
        found = self._evidence(item["ledger"], number)
        if found is None or cp is None:
            return
        evidence, tree_size = found
        if tree_size != cp.size:
            self.add(f"证明所对应的账本规模 {tree_size} 与检查点的 {cp.size} 不符", rel, number)
        for problem in evidence_problems(evidence, digests, cp):
            self.add(problem, rel, number)

    def _evidence(self, rel: str, number: int) -> tuple[LedgerEvidence, int] | None:
        entry = self._json(rel)
        try:
            if entry is None:
                raise ValueError(rel)
            evidence = LedgerEvidence(
                index=int(entry["index"]),
                leaf=str(entry["leaf"]).encode(),
                payload=str(entry["payload"]).encode(),
                proof=[bytes.fromhex(node) for node in entry["proof"]],
                digest_path=tuple(str(key) for key in entry["digest_path"]),
            )
            return evidence, int(entry["tree_size"])
        except (KeyError, TypeError, ValueError):
            self.add("账本证明文件缺失或格式不正确", rel, number)
            return None

    def _json(self, rel: str) -> dict[str, Any] | None:
        if not layout.is_safe_path(rel) or not (self.root / rel).is_file():
            return None
        text = self._text(rel)
        try:
            value = json.loads(text) if text is not None else None
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None


def _is_item(item: Any) -> bool:
    keys = ("number", "file", "digest", "metadata", "ledger")
    return (
        isinstance(item, dict)
        and all(isinstance(item.get(k), str) for k in keys[1:])
        and isinstance(item.get("number"), int)
        and all(layout.is_safe_path(item[k]) for k in ("file", "metadata", "ledger"))
    )
