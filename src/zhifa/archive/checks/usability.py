"""可用性 (and what the content itself shows of 真实性 and 安全性): does one item's content
open, all of it, and is it in an accepted format?

``probe(source, declared_kind, content_type)`` reads a file (a path, or a binary stream
such as a blob store's reader) and returns findings, each with a Chinese reason:

- PDF (文书): the file ends with its ``%%EOF`` marker, parses with pypdf, is not
  encrypted, every page's content streams decode; PDF/A is identified from the XMP
  metadata (``pdfaid:part`` and ``pdfaid:conformance``); scripts and launch actions are
  reported under 安全性.
- photos: decoded pixel by pixel by Pillow (``load()``), through the media probe that
  took them in (recording/media/metadata.py), which refuses a cut-off image.
- audio and video: the media probe (first frames decoded, the declared end reached), then
  every packet demuxed (none may be corrupt) and the first and last frames of each stream
  decoded with PyAV.

No database; the only writing is a temporary copy of a stream that is not a file.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import shutil
import tempfile
import zlib
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import av
from av.stream import Disposition
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from zhifa.archive.checks.rules import (
    ContentKind,
    Finding,
    FormatFacts,
    Outcome,
    failed,
    format_finding,
    passed,
    properties_finding,
)
from zhifa.recording.media.metadata import OPEN_OPTIONS, NotMedia
from zhifa.recording.media.metadata import probe as media_probe

Source = str | os.PathLike[str] | IO[bytes]

PDF_TYPE = "application/pdf"
EOF_WINDOW = 1024  # ISO 32000: %%EOF within the last 1024 bytes
HEAD_FRAMES = 3  # frames decoded at the start of each stream
TAIL_PACKETS = 5  # the last packets of each stream, decoded from the keyframe before them
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RISKY_ACTIONS = {"/JavaScript": "脚本", "/Launch": "启动外部程序"}
_COPY_CHUNK = 1 << 20


def probe(source: Source, declared_kind: ContentKind | str, content_type: str) -> list[Finding]:
    """Findings about one content: readable, format, and what it shows of its record."""
    declared = ContentKind(declared_kind)
    with _as_path(source) as path:
        with path.open("rb") as file:
            head = file.read(8)
        if not head:
            return [failed("readable", "内容数据为空（0 字节）")]
        if head.startswith(b"%PDF-"):
            return _pdf(path, declared, content_type)
        if declared is ContentKind.document:
            return [failed("readable", "文书的内容数据不是 PDF 文件（缺少 %PDF- 文件头）")]
        return _media(path, declared, content_type)


@contextlib.contextmanager
def _as_path(source: Source) -> Iterator[Path]:
    if isinstance(source, (str, os.PathLike)):
        yield Path(source)
        return
    with tempfile.TemporaryDirectory(prefix="zhifa-check-") as folder:
        path = Path(folder) / "content"
        with path.open("wb") as out:
            shutil.copyfileobj(source, out, _COPY_CHUNK)
        yield path


# ---- PDF ------------------------------------------------------------------------------------


def _pdf(path: Path, declared: ContentKind, content_type: str) -> list[Finding]:
    findings = [properties_finding(declared, content_type, ContentKind.document, PDF_TYPE)]
    if not _ends_with_eof(path):
        return [
            *findings,
            failed("readable", "PDF 文件不完整：末尾缺少 %%EOF 结束标记（可能被截断）"),
        ]
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except Exception as exc:  # a damaged file can break the parser anywhere
        return [*findings, failed("readable", f"PDF 文件结构无法解析（{_reason(exc)}）")]
    if encrypted:
        refusal = "PDF 已加密（设有打开口令或权限限制），不能作为长期保存的内容数据"
        return [*findings, failed("unencrypted", refusal)]
    findings += [passed("unencrypted", "未加密"), _pages(reader)]
    if findings[-1].outcome is Outcome.failed:
        return findings
    facts = FormatFacts(ContentKind.document, PDF_TYPE, pdfa=pdfa_level(reader))
    return [*findings, format_finding(facts), _active_content(reader)]


def _ends_with_eof(path: Path) -> bool:
    with path.open("rb") as file:
        file.seek(max(0, path.stat().st_size - EOF_WINDOW))
        return b"%%EOF" in file.read()


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _pages(reader: PdfReader) -> Finding:
    """Every page loads and its content streams decode."""
    try:
        count = len(reader.pages)
    except Exception as exc:  # a damaged page tree
        return failed("readable", f"PDF 页面目录无法读取（{_reason(exc)}）")
    if count == 0:
        return failed("readable", "PDF 没有页面")
    seen: set[int] = set()
    for number in range(1, count + 1):
        try:
            page = reader.pages[number - 1]
            _ = page.mediabox
            _decode_streams(page, seen)
        except zlib.error:
            return failed("readable", f"PDF 第 {number} 页所用的数据流（内容、字体或图像）已损坏")
        except Exception as exc:  # a damaged page, content stream, font or image
            return failed("readable", f"PDF 第 {number} 页无法读取（{_reason(exc)}）")
    return passed("readable", f"PDF 共 {count} 页，逐页解析正常")


def _decode_streams(value: Any, seen: set[int]) -> None:
    """Decode every stream a page uses: its contents, fonts, images, forms (each once;
    the page tree above it is not followed)."""
    value = value.get_object()
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, StreamObject):
        _decode(value)
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            if key != "/Parent":
                _decode_streams(item, seen)
    elif isinstance(value, ArrayObject):
        for item in value:
            _decode_streams(item, seen)


def _decode(stream: StreamObject) -> None:
    """Decode one stream. pypdf recovers what it can of a broken Flate stream without a
    word, so Flate data (all of WeasyPrint's: contents, fonts, images) is inflated here
    strictly: a damaged or cut stream raises."""
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
    if first == "/FlateDecode":
        raw = stream._data  # the stored bytes; pypdf names no public accessor
        zlib.decompress(raw)
    stream.get_data()


def pdfa_level(reader: PdfReader) -> str | None:
    """The PDF/A part and conformance the XMP metadata claims (e.g. "2B"), or None.
    This is the identification only; conformance itself needs a validator (veraPDF)."""
    try:
        xmp = reader.xmp_metadata
    except Exception:  # unreadable XMP: no identification
        return None
    if xmp is None:
        return None
    for node in xmp.rdf_root.getElementsByTagNameNS(RDF, "Description"):
        part = node.getAttributeNS(PDFAID, "part") or _element_text(node, "part")
        if part:
            level = node.getAttributeNS(PDFAID, "conformance") or _element_text(node, "conformance")
            return f"{part.strip()}{level.strip().upper()}"
    return None


def _element_text(node: Any, name: str) -> str:
    for child in node.getElementsByTagNameNS(PDFAID, name):
        return "".join(t.data for t in child.childNodes if t.nodeType == t.TEXT_NODE)
    return ""


def _active_content(reader: PdfReader) -> Finding:
    """Scripts or launch actions: run at opening, by the document, a page or a link."""
    found: list[str] = []
    root = reader.trailer["/Root"].get_object()
    names = _dict(root.get("/Names"))
    if names is not None and "/JavaScript" in names:
        found.append("文档级脚本")
    for label, action in (("打开文档时", root.get("/OpenAction")), ("文档事件", root.get("/AA"))):
        found += [f"{label}的{kind}动作" for kind in _risky(action)]
    for number, page in enumerate(reader.pages, 1):
        holders = [page.get("/AA"), *(_annotation_actions(page))]
        found += [f"第 {number} 页的{kind}动作" for h in holders for kind in _risky(h)]
    if found:
        return failed("active_content", f"含可执行内容：{'、'.join(dict.fromkeys(found))}")
    return passed("active_content", "未发现脚本或启动外部程序的动作")


def _dict(value: Any) -> DictionaryObject | None:
    value = value.get_object() if value is not None else None
    return value if isinstance(value, DictionaryObject) else None


def _annotation_actions(page: Any) -> list[Any]:
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else []
    out = []
    for annotation in annotations:
        entry = _dict(annotation)
        if entry is not None:
            out += [entry.get("/A"), entry.get("/AA")]
    return out


def _risky(value: Any) -> list[str]:
    """The risky kinds among an action, or a dictionary of event actions (/AA)."""
    action = _dict(value)
    if action is None:
        return []
    kind = action.get("/S")
    if kind is not None:
        return [RISKY_ACTIONS[kind]] if kind in RISKY_ACTIONS else []
    return [k for event in action.values() for k in _risky(event)]


# ---- photos, audio and video ----------------------------------------------------------------


def _media(path: Path, declared: ContentKind, content_type: str) -> list[Finding]:
    try:
        facts = media_probe(path)
    except NotMedia as exc:
        reason = exc.message.split("，请", 1)[0]  # without the uploader's advice
        return [failed("readable", f"无法正常打开：{reason}")]
    kind = ContentKind(facts.kind.value)
    findings = [properties_finding(declared, content_type, kind, facts.content_type)]
    if kind is ContentKind.photo:
        readable = passed("readable", f"图片完整解码（{facts.width}×{facts.height}）")
    else:
        readable = decode_through(path)
    findings.append(readable)
    if readable.outcome is Outcome.failed:
        return findings
    format_facts = FormatFacts(
        kind, facts.content_type, facts.container, facts.video_codec, facts.audio_codec
    )
    return [*findings, format_finding(format_facts)]


def decode_through(path: Path) -> Finding:
    """Demux every packet of a recording's audio and video streams (none may be corrupt)
    and decode the first frames and the last ones (from the keyframe before them)."""
    with av.open(str(path), options=OPEN_OPTIONS, metadata_errors="ignore") as container:
        streams = [
            s
            for s in container.streams
            if s.type in ("video", "audio") and not s.disposition & Disposition.attached_pic
        ]
        if not streams:
            return failed("readable", "文件中没有音频或视频内容")
        labels, walk = _labels(streams), _Walk(streams)
        problem = walk.demux(container)
        for stream in streams:
            problem = problem or _decode_tail(container, stream, walk)
    if problem:
        return failed("readable", problem)
    return passed("readable", f"逐包读取 {walk.packets} 个数据包无损坏，首尾{labels}解码正常")


class _Walk:
    """What one pass over every packet found, per stream."""

    def __init__(self, streams: list[Any]) -> None:
        self.streams = streams
        self.packets = 0
        self.decoded = {s.index: 0 for s in streams}
        self.keyframes: dict[int, list[int]] = {s.index: [] for s in streams}
        self.recent: dict[int, deque[int]] = {s.index: deque(maxlen=TAIL_PACKETS) for s in streams}

    def demux(self, container: Any) -> str | None:
        """Read every packet; decode the first frames. A problem is returned as text."""
        at = 0.0
        try:
            for packet in container.demux(*self.streams):
                if packet.size == 0:
                    continue
                self.packets += 1
                at = _seconds(packet, at)
                label = _label(packet.stream)
                if packet.is_corrupt:
                    return f"{label}第 {self.packets} 个数据包损坏（约第 {at:.1f} 秒处）"
                self._note(packet)
        except av.FFmpegError as exc:
            return f"约第 {at:.1f} 秒处读取出错，文件已损坏或不完整（{_reason(exc)}）"
        return self._heads()

    def _note(self, packet: Any) -> None:
        index = packet.stream.index
        if packet.pts is not None:
            self.recent[index].append(packet.pts)
            if packet.is_keyframe:
                self.keyframes[index].append(packet.pts)
        if self.decoded[index] < HEAD_FRAMES:
            self.decoded[index] += len(packet.decode())

    def _heads(self) -> str | None:
        for stream in self.streams:
            if self.decoded[stream.index] == 0:
                self.decoded[stream.index] += len(stream.codec_context.decode(None))
            if self.decoded[stream.index] == 0:
                return f"开头的{_label(stream)}无法解码"
        return None

    def tail_start(self, stream: Any) -> int | None:
        """The keyframe at or before the first of the stream's last packets."""
        recent, keys = self.recent[stream.index], sorted(self.keyframes[stream.index])
        if not recent or not keys:
            return None
        at = bisect.bisect_right(keys, recent[0]) - 1
        return keys[max(at, 0)]


def _decode_tail(container: Any, stream: Any, walk: _Walk) -> str | None:
    start = walk.tail_start(stream)
    label = _label(stream)
    if start is None:
        return f"{label}没有可定位的关键帧，末尾无法解码"
    frames = 0
    try:
        container.seek(start, stream=stream, backward=True)
        for packet in container.demux(stream):
            frames += len(packet.decode())
    except av.FFmpegError as exc:
        return f"末尾的{label}无法解码（{_reason(exc)}）"
    return None if frames else f"末尾的{label}无法解码"


def _seconds(packet: Any, previous: float) -> float:
    if packet.pts is None or packet.time_base is None:
        return previous
    return float(packet.pts * packet.time_base)


def _label(stream: Any) -> str:
    return "画面" if stream.type == "video" else "声音"


def _labels(streams: list[Any]) -> str:
    return "和".join(dict.fromkeys(_label(s) for s in streams))
