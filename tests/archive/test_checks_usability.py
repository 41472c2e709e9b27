"""可用性 on real files: PDFs rendered by WeasyPrint (plain and PDF/A-2b, as issued
documents now are), cut off, encrypted and scripted by pypdf; JPEG/PNG by Pillow; MP4
(H.264/AAC), WAV and MP3 by PyAV; and cut-off or damaged copies of each. Every failure
must name its reason."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.recording.media.files import make_audio, make_jpeg, make_video, truncated
from zhifa.archive.checks.rules import Finding, Outcome
from zhifa.archive.checks.usability import probe

HTML = (
    "<html><head><meta charset='utf-8'><style>body{font-family:'Noto Serif CJK SC'}</style>"
    "</head><body><h1>行政处罚决定书</h1><p>当事人：上海申江精细化工有限公司</p>"
    "<p style='page-break-before:always'>第二页：如不服本决定，可以申请行政复议。</p>"
    "</body></html>"
)


@cache
def plain_pdf() -> bytes:
    from weasyprint import HTML as Page

    return Page(string=HTML).write_pdf()


@cache
def issued_pdf() -> bytes:
    """A document rendered exactly as one is issued (render_pdf: PDF/A-2b)."""
    from zhifa.recording.documents.render import render_pdf

    return render_pdf(HTML)


def rewritten(pdf: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def by_check(findings: list[Finding]) -> dict[str, Finding]:
    checks = [f.check for f in findings]
    assert len(checks) == len(set(checks)), checks
    return {f.check: f for f in findings}


def outcome_of(findings: list[Finding], check: str) -> tuple[Outcome, str]:
    finding = by_check(findings)[check]
    return finding.outcome, finding.message


# ---- PDF ------------------------------------------------------------------------------------


def test_issued_document_is_pdfa_2b_and_passes() -> None:
    found = by_check(probe(io.BytesIO(issued_pdf()), "document", "application/pdf"))
    assert {c: f.outcome for c, f in found.items()} == {
        "properties": Outcome.passed,
        "unencrypted": Outcome.passed,
        "readable": Outcome.passed,
        "format": Outcome.passed,
        "active_content": Outcome.passed,
    }
    assert found["format"].message == "PDF/A-2b"
    assert found["readable"].message == "PDF 共 2 页，逐页解析正常"


def test_print_copy_keeps_the_pdfa_identification() -> None:
    from zhifa.recording.documents.render import stamp_pdf

    stamped = stamp_pdf(issued_pdf(), ["核验：sha256:" + "ab" * 32, "文号：无"])
    assert outcome_of(probe(io.BytesIO(stamped), "document", "application/pdf"), "format") == (
        Outcome.passed,
        "PDF/A-2b",
    )


def test_plain_pdf_is_readable_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    path.write_bytes(plain_pdf())
    found = by_check(probe(path, "document", "application/pdf"))
    assert found["readable"].outcome is Outcome.passed
    assert found["format"].outcome is Outcome.warning
    assert "未标识为 PDF/A" in found["format"].message


@pytest.mark.parametrize("cut", [300, 20])
def test_cut_off_pdf_fails_by_name(cut: int) -> None:
    findings = probe(io.BytesIO(issued_pdf()[:-cut]), "document", "application/pdf")
    assert outcome_of(findings, "readable") == (
        Outcome.failed,
        "PDF 文件不完整：末尾缺少 %%EOF 结束标记（可能被截断）",
    )


def test_pdf_with_a_damaged_stream_fails_by_page() -> None:
    """The end is there, but the middle of the file (the start of the embedded font,
    which pypdf alone would inflate leniently) was overwritten."""
    data = bytearray(plain_pdf())
    start = data.index(b">>\nstream\n", len(data) // 3) + len(b">>\nstream\n")
    data[start : start + 400] = b"\x00" * 400
    status, message = outcome_of(
        probe(io.BytesIO(bytes(data)), "document", "application/pdf"), "readable"
    )
    assert (status, message) == (
        Outcome.failed,
        "PDF 第 1 页所用的数据流（内容、字体或图像）已损坏",
    )


def test_encrypted_pdf_is_refused() -> None:
    locked = rewritten(plain_pdf(), lambda w: w.encrypt("", "owner", algorithm="AES-256"))
    assert outcome_of(probe(io.BytesIO(locked), "document", "application/pdf"), "unencrypted") == (
        Outcome.failed,
        "PDF 已加密（设有打开口令或权限限制），不能作为长期保存的内容数据",
    )


def test_pdf_that_runs_a_script_fails_security() -> None:
    def script(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('x')"),
            }
        )

    found = by_check(probe(io.BytesIO(rewritten(plain_pdf(), script)), "document", ""))
    assert found["active_content"].outcome is Outcome.failed
    assert found["active_content"].message == "含可执行内容：打开文档时的脚本动作"
    assert found["active_content"].heading.value == "安全性"


def test_document_that_is_not_a_pdf() -> None:
    findings = probe(io.BytesIO(make_jpeg()), "document", "application/pdf")
    assert outcome_of(findings, "readable") == (
        Outcome.failed,
        "文书的内容数据不是 PDF 文件（缺少 %PDF- 文件头）",
    )
    assert outcome_of(probe(io.BytesIO(b""), "photo", "image/jpeg"), "readable") == (
        Outcome.failed,
        "内容数据为空（0 字节）",
    )


# ---- photos ---------------------------------------------------------------------------------


def png() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (320, 240), (20, 90, 160))
    for x in range(0, 320, 8):  # detail, so that the pixel data fills most of the file
        image.paste(((x * 7) % 256, (x * 3) % 256, 40), (x, (x * 5) % 240, x + 5, 240))
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "content_type", "name"),
    [(make_jpeg, "image/jpeg", "JPEG"), (png, "image/png", "PNG")],
)
def test_photos_load_whole(data, content_type: str, name: str) -> None:
    found = by_check(probe(io.BytesIO(data()), "photo", content_type))
    assert found["readable"].outcome is Outcome.passed and "完整解码" in found["readable"].message
    assert (found["format"].outcome, found["format"].message) == (Outcome.passed, name)
    assert found["properties"].outcome is Outcome.passed


@pytest.mark.parametrize("data", [make_jpeg, png])
def test_cut_off_photo_fails(data) -> None:
    status, message = outcome_of(
        probe(io.BytesIO(truncated(data(), 0.5)), "photo", "image/jpeg"), "readable"
    )
    assert status is Outcome.failed
    assert message == "无法正常打开：图片文件已损坏或不完整（无法解码）"


def test_photo_recorded_as_a_video_fails_authenticity() -> None:
    status, message = outcome_of(probe(io.BytesIO(make_jpeg()), "video", "video/mp4"), "properties")
    assert status is Outcome.failed and message == "登记为视频，实际内容是照片（image/jpeg）"


# ---- audio and video ------------------------------------------------------------------------


def test_mp4_h264_passes(tmp_path: Path) -> None:
    video = make_video(tmp_path / "v.mp4", seconds=3)
    found = by_check(probe(video, "video", "video/mp4"))
    assert found["readable"].outcome is Outcome.passed
    assert found["readable"].message.endswith("首尾画面和声音解码正常")
    assert (found["format"].outcome, found["format"].message) == (
        Outcome.passed,
        "MP4（H.264，AAC）",
    )


def test_cut_off_mp4_fails(tmp_path: Path) -> None:
    data = make_video(tmp_path / "v.mp4", seconds=3).read_bytes()
    status, message = outcome_of(
        probe(io.BytesIO(truncated(data, 0.8)), "video", "video/mp4"), "readable"
    )
    assert (status, message) == (Outcome.failed, "无法正常打开：音视频文件不完整（末尾被截断）")


def test_mp4_with_damaged_last_frames_fails(tmp_path: Path) -> None:
    """Length and index intact, the last frames' data overwritten: only decoding the tail
    finds it (the ingest probe only demuxes the end)."""
    data = bytearray(make_video(tmp_path / "v.mp4", seconds=3).read_bytes())
    start, end = int(len(data) * 0.85), len(data) - 64
    data[start:end] = b"\x00" * (end - start)
    status, message = outcome_of(probe(io.BytesIO(bytes(data)), "video", "video/mp4"), "readable")
    assert status is Outcome.failed and message.startswith("末尾的画面无法解码"), message


def test_wav_and_mp3_pass(tmp_path: Path) -> None:
    wav = make_audio(tmp_path / "a.wav", seconds=2, container="wav", codec="pcm_s16le")
    mp3 = make_audio(tmp_path / "a.mp3", seconds=2, container="mp3", codec="libmp3lame")
    for path, content_type, name in ((wav, "audio/wav", "WAV（PCM）"), (mp3, "audio/mpeg", "MP3")):
        found = by_check(probe(path, "audio", content_type))
        assert found["readable"].outcome is Outcome.passed
        assert found["readable"].message.endswith("首尾声音解码正常")
        assert (found["format"].outcome, found["format"].message) == (Outcome.passed, name)


def test_cut_off_wav_fails(tmp_path: Path) -> None:
    wav = make_audio(tmp_path / "a.wav", seconds=2, container="wav", codec="pcm_s16le")
    status, message = outcome_of(
        probe(io.BytesIO(truncated(wav.read_bytes(), 0.7)), "audio", "audio/wav"), "readable"
    )
    assert (status, message) == (Outcome.failed, "无法正常打开：音视频文件不完整（末尾被截断）")


def test_matroska_is_readable_with_a_warning(tmp_path: Path) -> None:
    found = by_check(probe(make_video(tmp_path / "v.mkv", container="matroska"), "video", ""))
    assert found["readable"].outcome is Outcome.passed
    assert found["format"].outcome is Outcome.warning and "MP4" in found["format"].message
