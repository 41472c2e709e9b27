"""Where things live in a transfer package and how its tag files are spelt (RFC 8493).

Shared by the writer and the verifier so that both read the same names:

    bagit.txt, bag-info.txt
    manifest-sha256.txt, manifest-sm3.txt          every payload file, both digests
    tagmanifest-sha256.txt, tagmanifest-sm3.txt    every tag file but the tagmanifests
    data/catalogue.csv, data/catalogue.json        the 卷内目录 (CSV for Excel/WPS)
    data/files/<件号>-<name>                        the items' content
    data/metadata/<件号>.json                       DA/T 46-style metadata per item
    data/ledger/checkpoint.txt, verifier.txt       the signed checkpoint and its key
    data/ledger/entries/<件号>.json                 leaf, payload and inclusion proof
"""

from __future__ import annotations

import re
import unicodedata

ALGORITHMS = ("sha256", "sm3")
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = "bag-info.txt"
CATALOGUE_CSV = "data/catalogue.csv"
CATALOGUE_JSON = "data/catalogue.json"
CHECKPOINT = "data/ledger/checkpoint.txt"
VERIFIER = "data/ledger/verifier.txt"
FORMAT = "zhifa-transfer/1"  # catalogue.json's "format": what a reader may expect inside

# bag-info.txt labels beyond RFC 8493's reserved ones (any label is allowed).
FONDS = "Zhifa-Fonds"
RETENTION = "Zhifa-Retention"
TITLE = "Zhifa-Title"
ITEMS = "Zhifa-Item-Count"

_NAME_MAX_BYTES = 200  # well under the 255 bytes a file name may have on ext4 and NTFS
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|%]")


def manifest_name(algorithm: str, *, tag: bool = False) -> str:
    return f"{'tagmanifest' if tag else 'manifest'}-{algorithm}.txt"


def item_stem(number: int) -> str:
    return f"{number:04d}"


def metadata_path(number: int) -> str:
    return f"data/metadata/{item_stem(number)}.json"


def entry_path(number: int) -> str:
    return f"data/ledger/entries/{item_stem(number)}.json"


def file_path(number: int, filename: str) -> str:
    return f"data/files/{item_stem(number)}-{safe_name(filename)}"


def safe_name(filename: str) -> str:
    """The last part of `filename`, NFC, without characters a file system or a manifest
    line would trip on, short enough for any file system; never empty or hidden."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip(" .") or "file"
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, dot, suffix = name, "", ""
    while len(f"{stem}{dot}{suffix}".encode()) > _NAME_MAX_BYTES:
        stem = stem[:-1]
    return f"{stem}{dot}{suffix}"


def tag_value(value: str) -> str:
    """A bag-info value on one line (RFC 8493 would fold a longer one; zhifa never needs to)."""
    return " ".join(value.split())


def format_tags(tags: list[tuple[str, str]]) -> str:
    return "".join(f"{label}: {tag_value(value)}\n" for label, value in tags)


def parse_tags(text: str) -> dict[str, list[str]]:
    """bag-info.txt as label -> values (a label may repeat); continuation lines folded."""
    tags: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and last:
            last[-1] += " " + line.strip()
            continue
        label, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"不是“标签: 值”形式的行：{line[:60]!r}")
        last = tags.setdefault(label.strip(), [])
        last.append(value.strip())
    return tags


def format_manifest(digests: dict[str, str]) -> str:
    """`<hex>  <path>` lines, sorted by path; CR, LF and % percent-encoded (RFC 8493 §2.1.3)."""
    return "".join(f"{digests[path]}  {_encode(path)}\n" for path in sorted(digests))


def parse_manifest(text: str) -> dict[str, str]:
    """path -> hex digest. Raises ValueError on a malformed or repeated line."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        digest, sep, path = line.partition(" ")
        path = _decode(path.lstrip(" *"))
        if not sep or not path or not re.fullmatch(r"[0-9a-fA-F]+", digest):
            raise ValueError(f"清单行格式不正确：{line[:80]!r}")
        if path in out:
            raise ValueError(f"清单重复列出 {path}")
        out[path] = digest.lower()
    return out


def _encode(path: str) -> str:
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


_DECODED = {"%0A": "\n", "%0D": "\r", "%25": "%"}


def _decode(path: str) -> str:
    return re.sub(r"%(0A|0D|25)", lambda m: _DECODED[m.group(0).upper()], path, flags=re.IGNORECASE)


def is_safe_path(path: str) -> bool:
    """Relative, no `..`, no empty parts: a manifest line cannot point outside the bag."""
    parts = path.split("/")
    return not path.startswith("/") and all(p not in ("", ".", "..") for p in parts)
