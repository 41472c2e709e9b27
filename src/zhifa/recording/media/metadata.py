"""What a received file is, and what it says about itself.

``probe(path)`` decides whether the file is a photo (Pillow), or an audio or video
recording (PyAV, FFmpeg's libraries), and refuses anything else with ``NotMedia``: empty,
not a media file, a format outside the accepted list, undecodable, or truncated. It reads
only what it needs — image files whole (they are small), recordings at their start (the
first frames are decoded) and their last seconds (every stream must run to the end it
declares, and no packet may be cut off) — so a 4 GB video is checked in well under a
second. It also takes the recording start time, device serial, GPS position, codecs and
resolution, and makes a small JPEG: a photo's thumbnail or a video's poster frame.

This module touches no database and no clock.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import av
from av.stream import Disposition
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from zhifa.core.clock import SHANGHAI
from zhifa.core.errors import DomainError
from zhifa.recording.media.models import MediaKind

THUMBNAIL_BOX = (320, 320)
THUMBNAIL_QUALITY = 80
POSTER_AT_SECONDS = 1.0  # the poster frame: one second in (or earlier in a shorter clip)
TAIL_SECONDS = 2.0  # how much of a recording's end is read to notice truncation
# A stream may end this much before the end it declares (encoder priming, edit lists).
END_TOLERANCE_SECONDS = 0.25

PHOTO_FORMATS = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "GIF": "image/gif",
}

# FFmpeg demuxers allowed to read an upload (by name); nothing else is even probed, so a
# playlist or a concat script can never make FFmpeg open another file or a URL.
DEMUXERS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mp3,wav,ogg,flac,aac,amr,asf,mpeg"
OPEN_OPTIONS = {"format_whitelist": DEMUXERS, "protocol_whitelist": "file"}

_CONTENT_TYPES: dict[str, tuple[str, str]] = {
    # demuxer name: (video type, audio-only type)
    "mov": ("video/mp4", "audio/mp4"),
    "matroska": ("video/x-matroska", "audio/x-matroska"),
    "avi": ("video/x-msvideo", "audio/x-msvideo"),
    "mpegts": ("video/mp2t", "audio/mp2t"),
    "flv": ("video/x-flv", "audio/x-flv"),
    "mp3": ("audio/mpeg", "audio/mpeg"),
    "wav": ("audio/wav", "audio/wav"),
    "ogg": ("video/ogg", "audio/ogg"),
    "flac": ("audio/flac", "audio/flac"),
    "aac": ("audio/aac", "audio/aac"),
    "amr": ("audio/amr", "audio/amr"),
    "asf": ("video/x-ms-asf", "audio/x-ms-wma"),
    "mpeg": ("video/mpeg", "audio/mpeg"),
}

# File name extensions that agree with each detected type; the first is the one a
# record gets when its name says otherwise (``poly.html`` holding a JPEG: ``poly.jpg``).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/tiff": (".tif", ".tiff"),
    "image/bmp": (".bmp",),
    "image/gif": (".gif",),
    "video/mp4": (".mp4", ".mov", ".m4v", ".3gp", ".3g2"),
    "audio/mp4": (".m4a", ".mp4", ".mov", ".3gp", ".3ga"),
    "video/x-matroska": (".mkv", ".webm"),
    "audio/x-matroska": (".mka", ".webm", ".mkv"),
    "video/x-msvideo": (".avi",),
    "audio/x-msvideo": (".avi",),
    "video/mp2t": (".ts", ".mts", ".m2ts"),
    "audio/mp2t": (".ts", ".mts", ".m2ts"),
    "video/x-flv": (".flv",),
    "audio/x-flv": (".flv",),
    "audio/mpeg": (".mp3", ".mpg", ".mpeg", ".mp2"),
    "audio/wav": (".wav",),
    "video/ogg": (".ogv", ".ogg"),
    "audio/ogg": (".ogg", ".oga", ".opus"),
    "audio/flac": (".flac",),
    "audio/aac": (".aac",),
    "audio/amr": (".amr",),
    "video/x-ms-asf": (".wmv", ".asf"),
    "audio/x-ms-wma": (".wma", ".asf"),
    "video/mpeg": (".mpg", ".mpeg", ".vob"),
}
FALLBACK_EXTENSION = ".bin"  # a type not in the table (never served as anything else)

# EXIF tags (CIPA DC-008) used here.
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_MAKE, _MODEL, _IFD0_DATETIME = 0x010F, 0x0110, 0x0132
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_OFFSET_TIME_ORIGINAL, _SUBSEC_ORIGINAL = 0x9011, 0x9291
_BODY_SERIAL = 0xA431
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON, _GPS_ALT_REF, _GPS_ALT = 1, 2, 3, 4, 5, 6

_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")


class NotMedia(DomainError):
    """The file is not a photo, audio or video this platform accepts; nothing is kept."""

    status_code = 422

    def __init__(self, message: str) -> None:
        super().__init__(message, "file")


@dataclass(frozen=True)
class MediaFacts:
    """Everything taken from one file."""

    kind: MediaKind
    container: str
    content_type: str
    duration_ms: int | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    width: int | None = None
    height: int | None = None
    recorded_at: datetime | None = None
    recorded_at_source: str | None = None  # "exif" or "container"
    device_serial: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    details: dict[str, Any] = field(default_factory=dict)
    thumbnail: bytes | None = None  # a small JPEG


def probe(path: str | os.PathLike[str]) -> MediaFacts:
    """Check the file and describe it; ``NotMedia`` (with a message for people) if it is
    not an acceptable photo or recording."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise NotMedia("文件为空（0 字节），不是照片、音频或视频")
    photo = _probe_photo(path)
    if photo is not None:
        return photo
    return _probe_recording(path, size)


# ---- photos -------------------------------------------------------------------------------


def _probe_photo(path: Path) -> MediaFacts | None:
    """Facts of a photo, or None if Pillow does not take the file for a photo."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (UnidentifiedImageError, Image.DecompressionBombWarning):
        return None
    except Image.DecompressionBombError as exc:
        raise NotMedia("图片像素过多，疑似恶意文件，已拒收") from exc
    except (OSError, ValueError, SyntaxError):
        return None
    with image:
        if image.format not in PHOTO_FORMATS:
            return None  # e.g. Pillow's MPEG header reader: let PyAV judge
        content_type = PHOTO_FORMATS[image.format]
        container = "jpeg" if image.format == "MPO" else image.format.lower()
        try:
            with _whole_images_only():
                image.load()  # decode every pixel: a truncated or corrupt image fails here
            # After load(): a PNG's EXIF may follow its pixels, so getexif() decodes them,
            # and must not do so while WeasyPrint's lenient switch is on.
            exif = image.getexif()
            thumbnail = _thumbnail(image)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise NotMedia("图片文件已损坏或不完整（无法解码），请重新拍摄或上传原始文件") from exc
        width, height = image.size
    return _photo_facts(exif, container, content_type, width, height, thumbnail)


_STRICT_LOCK = threading.Lock()


@contextlib.contextmanager
def _whole_images_only() -> Iterator[None]:
    """WeasyPrint sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES = True`` when it is
    imported (for the documents' PDFs), which would let a cut-off photo through as a grey
    band; while a photo is decoded here the switch is off again."""
    with _STRICT_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _photo_facts(
    exif: Image.Exif,
    container: str,
    content_type: str,
    width: int,
    height: int,
    thumbnail: bytes,
) -> MediaFacts:
    exif_ifd = exif.get_ifd(_EXIF_IFD)
    details: dict[str, Any] = {}
    for key, tag in (("make", _MAKE), ("model", _MODEL)):
        if text := _text(exif.get(tag)):
            details[key] = text
    recorded_at = _exif_time(exif_ifd, exif)
    latitude, longitude, altitude = _exif_gps(exif.get_ifd(_GPS_IFD))
    return MediaFacts(
        kind=MediaKind.photo,
        container=container,
        content_type=content_type,
        width=width,
        height=height,
        recorded_at=recorded_at,
        recorded_at_source="exif" if recorded_at else None,
        device_serial=_text(exif_ifd.get(_BODY_SERIAL)),
        latitude=latitude,
        longitude=longitude,
        altitude=altitude,
        details=details,
        thumbnail=thumbnail,
    )


def _thumbnail(image: Image.Image) -> bytes:
    picture = ImageOps.exif_transpose(image)
    if picture.mode != "RGB":
        picture = picture.convert("RGB")
    picture.thumbnail(THUMBNAIL_BOX)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.strip("\x00 \t\r\n")
    return value[:100] or None


def _exif_time(exif_ifd: Any, ifd0: Any) -> datetime | None:
    """DateTimeOriginal (else DateTimeDigitized, else DateTime), with its offset if the
    camera wrote one; a camera without an offset is taken to be on Beijing time."""
    for tag, source in ((_DATETIME_ORIGINAL, exif_ifd), (_DATETIME_DIGITIZED, exif_ifd)):
        text = _text(source.get(tag))
        if text:
            break
    else:
        text = _text(ifd0.get(_IFD0_DATETIME))
    if not text:
        return None
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    subsec = _text(exif_ifd.get(_SUBSEC_ORIGINAL))
    if subsec and subsec.isascii() and subsec.isdigit():
        moment = moment.replace(microsecond=int(subsec[:6].ljust(6, "0")))
    offset = _text(exif_ifd.get(_OFFSET_TIME_ORIGINAL))
    zone = SHANGHAI
    if offset and re.fullmatch(r"[+-]\d\d:\d\d", offset):
        try:
            return datetime.fromisoformat(moment.isoformat() + offset).astimezone(UTC)
        except ValueError:
            pass
    return moment.replace(tzinfo=zone).astimezone(UTC)


def _rational(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number == number else None  # NaN from a 0/0 rational


def _dms(value: object) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    parts = [_rational(part) for part in value]
    if any(part is None for part in parts):
        return None
    degrees, minutes, seconds = parts
    return degrees + minutes / 60 + seconds / 3600  # type: ignore[operator]


def _exif_gps(gps: Any) -> tuple[float | None, float | None, float | None]:
    latitude, longitude = _dms(gps.get(_GPS_LAT)), _dms(gps.get(_GPS_LON))
    if latitude is None or longitude is None:
        return None, None, None
    if _text(gps.get(_GPS_LAT_REF)) == "S":
        latitude = -latitude
    if _text(gps.get(_GPS_LON_REF)) == "W":
        longitude = -longitude
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None, None
    altitude = _rational(gps.get(_GPS_ALT))
    if altitude is not None and gps.get(_GPS_ALT_REF) in (b"\x01", 1):
        altitude = -altitude
    return latitude, longitude, altitude


# ---- audio and video ------------------------------------------------------------------------


def _probe_recording(path: Path, size: int) -> MediaFacts:
    try:
        container = av.open(str(path), options=OPEN_OPTIONS, metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise NotMedia(
            "不是可识别的照片、音频或视频文件（或文件已损坏）。"
            "支持 JPEG/PNG 照片，MP4/MOV/MKV/AVI/TS 视频，MP3/WAV/AAC/M4A 等音频"
        ) from exc
    with container:
        try:
            return _describe(container, size)
        except av.FFmpegError as exc:
            raise NotMedia("音视频文件无法解码，可能已损坏或不完整") from exc


def _main_streams(container: Any) -> tuple[Any | None, Any | None]:
    video = next(
        (s for s in container.streams.video if not s.disposition & Disposition.attached_pic),
        None,
    )
    audio = next(iter(container.streams.audio), None)
    return video, audio


def _describe(container: Any, size: int) -> MediaFacts:
    video, audio = _main_streams(container)
    if video is None and audio is None:
        raise NotMedia("文件中没有音频或视频内容")
    duration = _duration_seconds(container, video, audio)
    if duration is None or duration <= 0:
        raise NotMedia("无法确定音视频时长，文件可能不完整或已损坏")
    poster = _check_start(container, video, audio, duration)
    _check_end(container, video or audio, duration)
    kind = MediaKind.video if video is not None else MediaKind.audio
    demuxer = _demuxer(container)
    video_type, audio_type = _CONTENT_TYPES.get(demuxer, ("application/octet-stream",) * 2)
    meta = _all_metadata(container, video, audio)
    recorded_at = _container_time(meta)
    latitude, longitude, altitude = _iso6709(
        meta.get("location") or meta.get("com.apple.quicktime.location.iso6709")
    )
    details: dict[str, Any] = {"bit_rate": container.bit_rate or None}
    if video is not None:
        rate = video.average_rate or video.guessed_rate
        details["frame_rate"] = round(float(rate), 3) if rate else None
    if audio is not None:
        details["sample_rate"] = audio.codec_context.sample_rate
        details["channels"] = audio.codec_context.layout.nb_channels
    for key, android in (("make", "manufacturer"), ("model", "model")):
        keys = (key, f"com.apple.quicktime.{key}", f"com.android.{android}")
        if value := next((meta[k] for k in keys if meta.get(k)), None):
            details[key] = value[:100]
    return MediaFacts(
        kind=kind,
        container=_container_name(container, demuxer),
        content_type=video_type if kind is MediaKind.video else audio_type,
        duration_ms=round(duration * 1000),
        video_codec=video.codec_context.name if video is not None else None,
        audio_codec=audio.codec_context.name if audio is not None else None,
        width=video.codec_context.width if video is not None else None,
        height=video.codec_context.height if video is not None else None,
        recorded_at=recorded_at,
        recorded_at_source="container" if recorded_at else None,
        device_serial=_serial(meta),
        latitude=latitude,
        longitude=longitude,
        altitude=altitude,
        details=details,
        thumbnail=_poster_jpeg(poster) if poster is not None else None,
    )


def _demuxer(container: Any) -> str:
    names = container.format.name.split(",")
    return next((name for name in names if name in _CONTENT_TYPES), names[0])


def _container_name(container: Any, demuxer: str) -> str:
    if demuxer == "mov":
        brand = str(container.metadata.get("major_brand", "")).strip()
        return "mov" if brand == "qt" else "mp4"
    return demuxer[:40]


def _stream_seconds(stream: Any) -> float | None:
    if stream is None or not stream.duration or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _duration_seconds(container: Any, video: Any, audio: Any) -> float | None:
    if container.duration:
        return container.duration / av.time_base
    candidates = [s for s in (_stream_seconds(video), _stream_seconds(audio)) if s]
    return max(candidates) if candidates else None


def _check_start(container: Any, video: Any, audio: Any, duration: float) -> Any | None:
    """Decode the first frames of each main stream; return the poster frame (video)."""
    poster = None
    if video is not None:
        target = min(POSTER_AT_SECONDS, duration / 3)
        decoded = 0
        for frame in container.decode(video):
            decoded += 1
            poster = frame
            if (frame.time or 0) >= target or decoded >= 120:
                break
        if decoded == 0:
            raise NotMedia("视频画面无法解码，文件可能已损坏")
    if audio is not None:
        container.seek(0)
        decoded = 0
        for _frame in container.decode(audio):
            decoded += 1
            if decoded >= 3:
                break
        if decoded == 0 and video is None:
            raise NotMedia("音频无法解码，文件可能已损坏")
    return poster


_TRUNCATED = "音视频文件不完整（末尾被截断），请从设备重新导出后上传"


def _check_end(container: Any, stream: Any, duration: float) -> None:
    """Read the last seconds. No packet may be cut off; a stream that declares where it
    ends must get there; and the recording as a whole must reach the end the container
    declares. (Streamable formats such as MPEG-TS estimate their length from the data,
    so a cut-off one is simply a shorter recording.)"""
    origin = container.start_time / av.time_base if container.start_time is not None else 0.0
    window = origin + max(0.0, duration - TAIL_SECONDS)
    try:
        if stream.time_base:
            container.seek(int(window / stream.time_base), stream=stream, backward=True)
        else:
            container.seek(int(window * av.time_base), backward=True)
    except av.FFmpegError:
        container.seek(0)  # cannot seek: read it all (correct, only slower)
    reached: dict[int, float] = {}
    seen = 0
    for packet in container.demux():
        if packet.size == 0:
            continue
        seen += 1
        if packet.is_corrupt:
            raise NotMedia(_TRUNCATED)
        if packet.pts is not None and packet.time_base is not None:
            end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            reached[packet.stream.index] = max(reached.get(packet.stream.index, 0.0), end)
    if seen == 0:
        raise NotMedia(_TRUNCATED)
    if not reached:
        return  # packets without timestamps: nothing more to compare
    for s in container.streams:
        if s.type not in ("video", "audio") or not (seconds := _stream_seconds(s)):
            continue
        start = float(s.start_time * s.time_base) if s.start_time is not None else origin
        end = start + seconds
        if end > window + END_TOLERANCE_SECONDS and (
            reached.get(s.index, 0.0) < end - END_TOLERANCE_SECONDS
        ):
            raise NotMedia(_TRUNCATED)
    if max(reached.values()) < origin + duration - END_TOLERANCE_SECONDS:
        raise NotMedia(_TRUNCATED)


def _poster_jpeg(frame: Any) -> bytes | None:
    try:
        return _thumbnail(frame.to_image())
    except (ValueError, OSError, av.FFmpegError):
        return None


def _all_metadata(container: Any, *streams: Any) -> dict[str, str]:
    """Container tags, then stream tags for keys the container lacks; keys lowercased."""
    merged: dict[str, str] = {}
    for source in (container, *streams):
        if source is None:
            continue
        for key, value in source.metadata.items():
            merged.setdefault(str(key).lower(), str(value))
    return merged


def _container_time(meta: dict[str, str]) -> datetime | None:
    """``creation_time`` (UTC by the MP4/QuickTime rules); unset dates of 1904/1970 are
    what a camera without a clock writes, so they count as none."""
    text = meta.get("creation_time") or meta.get("date")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.year < 1990:
        return None
    return moment.astimezone(UTC)


def _serial(meta: dict[str, str]) -> str | None:
    for key in sorted(meta):
        if "serial" in key and (value := _text(meta[key])):
            return value
    return None


def _iso6709(text: str | None) -> tuple[float | None, float | None, float | None]:
    match = _ISO6709.match(text or "")
    if not match:
        return None, None, None
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None, None
    altitude = float(match.group(3)) if match.group(3) else None
    return latitude, longitude, altitude
