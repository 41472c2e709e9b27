"""What the probe takes from real files made here, what it refuses, and the small input
rules (file names, Upload-Metadata, byte ranges) — no database, no server."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from tests.recording.media.files import make_audio, make_jpeg, make_video, truncated
from zhifa.core.errors import DomainError
from zhifa.recording.media.ingest import clean_device, clean_filename
from zhifa.recording.media.metadata import NotMedia, probe
from zhifa.recording.media.models import MediaKind
from zhifa.recording.media.routes import RangeNotSatisfiable, parse_range
from zhifa.recording.media.tus import parse_metadata


def write(tmp_path: Path, data: bytes, name: str = "upload.part") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_video_facts(tmp_path: Path) -> None:
    facts = probe(make_video(tmp_path / "v.mp4", seconds=3, fps=25, size=(320, 240)))
    assert facts.kind is MediaKind.video and facts.container == "mp4"
    assert facts.content_type == "video/mp4"
    assert (facts.video_codec, facts.audio_codec) == ("h264", "aac")
    assert (facts.width, facts.height) == (320, 240)
    assert 2950 <= facts.duration_ms <= 3100
    assert facts.recorded_at == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    assert facts.device_serial == "DSJ-2026-001"
    assert (facts.latitude, facts.longitude, facts.altitude) == (31.2304, 121.4737, 12.5)
    assert facts.details["frame_rate"] == 25.0 and facts.details["model"] == "DSJ-X1"
    poster = Image.open(io.BytesIO(facts.thumbnail))
    assert poster.format == "JPEG" and max(poster.size) <= 320


def test_video_without_tags_and_with_index_at_the_end(tmp_path: Path) -> None:
    path = make_video(
        tmp_path / "plain.mp4",
        creation_time=None,
        location=None,
        serial=None,
        audio=False,
        faststart=False,
    )
    facts = probe(path)
    assert facts.kind is MediaKind.video and facts.audio_codec is None
    assert facts.recorded_at is None and facts.recorded_at_source is None
    assert facts.device_serial is None and facts.latitude is None


def test_clock_less_camera_date_counts_as_none(tmp_path: Path) -> None:
    path = make_video(tmp_path / "v.mp4", creation_time="1970-01-01T00:00:00.000000Z")
    assert probe(path).recorded_at is None


def test_audio_facts(tmp_path: Path) -> None:
    facts = probe(make_audio(tmp_path / "a.m4a", seconds=2.5))
    assert facts.kind is MediaKind.audio and facts.content_type == "audio/mp4"
    assert facts.audio_codec == "aac" and facts.video_codec is None
    assert facts.thumbnail is None and facts.details["sample_rate"] == 16000


def test_photo_facts(tmp_path: Path) -> None:
    data = make_jpeg(taken="2026:07:01 09:15:00", offset="+02:00", gps=(-33.5, -70.25, 500.0))
    facts = probe(write(tmp_path, data))
    assert facts.kind is MediaKind.photo and facts.content_type == "image/jpeg"
    assert facts.recorded_at == datetime(2026, 7, 1, 7, 15, tzinfo=UTC)
    assert facts.recorded_at_source == "exif"
    assert facts.latitude == pytest.approx(-33.5) and facts.longitude == pytest.approx(-70.25)
    assert facts.altitude == 500.0 and facts.device_serial == "SN-PHOTO-7"
    assert Image.open(io.BytesIO(facts.thumbnail)).size == (320, 240)


def test_photo_without_exif(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 30), (1, 2, 3, 128)).save(out, "PNG")
    facts = probe(write(tmp_path, out.getvalue()))
    assert facts.kind is MediaKind.photo and facts.container == "png"
    assert facts.recorded_at is None and facts.latitude is None and facts.device_serial is None
    assert facts.thumbnail is not None


@pytest.mark.parametrize(
    ("name", "data", "word"),
    [
        ("empty", lambda v: b"", "为空"),
        ("zeros", lambda v: b"\x00" * 4096, "不是可识别"),
        ("text", lambda v: "现场检查笔录\n".encode() * 100, "不是可识别"),
        ("html", lambda v: b"<html><body>video</body></html>", "不是可识别"),
        ("playlist", lambda v: b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n", "不是可识别"),
        ("moov cut off", lambda v: truncated(v["late"], 0.8), "不是可识别"),
        ("tail cut off", lambda v: truncated(v["early"], 0.8), "不完整"),
        ("last bytes cut off", lambda v: v["early"][:-200], "不完整"),
        ("photo cut off", lambda v: truncated(make_jpeg(), 0.5), "损坏"),
    ],
)
def test_refused(tmp_path: Path, name: str, data, word: str) -> None:
    videos = {
        "early": make_video(tmp_path / "early.mp4", faststart=True).read_bytes(),
        "late": make_video(tmp_path / "late.mp4", faststart=False).read_bytes(),
    }
    with pytest.raises(NotMedia) as refused:
        probe(write(tmp_path, data(videos)))
    assert word in refused.value.message and refused.value.status_code == 422


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type"),
    [
        ("ts", lambda p: make_video(p, container="mpegts"), "video", "video/mp2t"),
        ("mkv", lambda p: make_video(p, container="matroska"), "video", "video/x-matroska"),
        ("wav", lambda p: make_audio(p, container="wav", codec="pcm_s16le"), "audio", "audio/wav"),
        ("flac", lambda p: make_audio(p, container="flac", codec="flac"), "audio", "audio/flac"),
        # Keyframe every second and an audio track that stops early: not truncated.
        ("short audio", lambda p: make_video(p, seconds=6, audio_seconds=2), "video", "video/mp4"),
        ("short video", lambda p: make_video(p, seconds=2, audio_seconds=6), "video", "video/mp4"),
    ],
)
def test_other_containers(tmp_path: Path, name: str, make, kind: str, content_type: str) -> None:
    facts = probe(make(tmp_path / "recording.part"))
    assert facts.kind == kind and facts.content_type == content_type


def test_cut_off_matroska_is_refused(tmp_path: Path) -> None:
    data = make_video(tmp_path / "v.mkv", seconds=3, container="matroska").read_bytes()
    with pytest.raises(NotMedia) as refused:
        probe(write(tmp_path, truncated(data, 0.7)))
    assert "不完整" in refused.value.message


def test_cut_off_photo_refused_even_after_weasyprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint switches Pillow to accept truncated images process-wide."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(NotMedia):
        probe(write(tmp_path, truncated(make_jpeg(), 0.5)))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was found


def test_file_names() -> None:
    assert clean_filename("  现场照片 (1).JPG ") == "现场照片 (1).JPG"
    assert clean_filename(".hidden.mp4") == ".hidden.mp4"
    for bad in ("", "   ", "../../x", "a/b.jpg", "a\\b.jpg", "..", ".", "a\x07b", "x" * 201):
        with pytest.raises(DomainError):
            clean_filename(bad)
    assert clean_device("  DSJ-1 ") == "DSJ-1" and clean_device("") is None
    with pytest.raises(DomainError):
        clean_device("a\nb")


def test_upload_metadata() -> None:
    assert parse_metadata("filename 54Wn54mHLmpwZw==,action MTI=,flag") == {
        "filename": "照片.jpg",
        "action": "12",
        "flag": "",
    }
    assert parse_metadata(None) == {} and parse_metadata("") == {}
    for bad in ("a b c", "a !!", "a MQ==,a MQ==", " ", "a /w==", "x" * 5000):
        with pytest.raises(DomainError):
            parse_metadata(bad)


def test_byte_ranges() -> None:
    assert parse_range(None, 100) is None
    assert parse_range("bytes=0-9", 100) == (0, 9)
    assert parse_range("bytes=90-", 100) == (90, 99)
    assert parse_range("bytes=90-500", 100) == (90, 99)
    assert parse_range("bytes=-10", 100) == (90, 99)
    assert parse_range("bytes=-500", 100) == (0, 99)
    for ignored in ("bytes=5-1", "bytes=-", "bytes=1-2,4-5", "lines=1-2", "bytes=a-b"):
        assert parse_range(ignored, 100) is None
    for unsatisfiable in ("bytes=100-", "bytes=150-160", "bytes=-0"):
        with pytest.raises(RangeNotSatisfiable):
            parse_range(unsatisfiable, 100)


@pytest.mark.parametrize("lenient", [False, True])
def test_cut_off_png_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lenient: bool
) -> None:
    """Pillow reads a PNG's EXIF after its pixels: a cut-off PNG was let through once
    WeasyPrint had made Pillow lenient, and raised a bare OSError before that."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", lenient)
    image = Image.new("RGB", (320, 240), (20, 90, 160))
    for x in range(0, 320, 8):
        image.paste(((x * 7) % 256, (x * 3) % 256, 40), (x, (x * 5) % 240, x + 5, 240))
    out = io.BytesIO()
    image.save(out, "PNG")
    with pytest.raises(NotMedia) as refused:
        probe(write(tmp_path, truncated(out.getvalue(), 0.5)))
    assert "损坏" in refused.value.message
