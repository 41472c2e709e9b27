"""Real media made by the test run: H.264/AAC clips encoded with PyAV, JPEGs with EXIF
written by Pillow. Nothing is downloaded or shipped."""

from __future__ import annotations

import io
import math
import random
import struct
from pathlib import Path

import av
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

CREATION_TIME = "2026-05-01T08:00:00.000000Z"  # 16:00 Beijing time
LOCATION = "+31.2304+121.4737+012.500/"  # ISO 6709: 上海普陀一带


def make_video(
    path: Path,
    seconds: float = 2.0,
    fps: int = 15,
    size: tuple[int, int] = (160, 120),
    *,
    creation_time: str | None = CREATION_TIME,
    location: str | None = LOCATION,
    serial: str | None = "DSJ-2026-001",
    audio: bool = True,
    audio_seconds: float | None = None,
    faststart: bool = True,
    shade: int = 0,
    container: str = "mp4",
) -> Path:
    """A clip with H.264 video (and AAC audio) of ``seconds``, tagged like a body camera
    (MP4 by default; ``container`` names another FFmpeg muxer). ``shade`` changes the
    picture, so two clips can differ in content."""
    flags = "+".join(f for f in ("faststart" if faststart else "", "use_metadata_tags") if f)
    options = {"movflags": flags} if container == "mp4" else {}
    with av.open(str(path), "w", format=container, options=options) as out:
        for key, value in (
            ("creation_time", creation_time),
            ("location", location),
            ("serial_number", serial),
            ("make", "Hikvision"),
            ("model", "DSJ-X1"),
        ):
            if value:
                out.metadata[key] = value
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "g": str(fps)}
        sound = out.add_stream("aac", rate=16000) if audio else None
        if sound is not None:
            sound.layout = "mono"
        for i in range(round(seconds * fps)):
            colour = ((i * 9 + shade) % 256, (shade * 7) % 256, 80)
            frame = av.VideoFrame.from_image(Image.new("RGB", size, colour))
            out.mux(video.encode(frame.reformat(format="yuv420p")))
        out.mux(video.encode(None))
        if sound is not None:
            _write_tone(out, sound, audio_seconds or seconds)
    return path


def make_audio(
    path: Path,
    seconds: float = 2.0,
    creation_time: str | None = CREATION_TIME,
    container: str = "mp4",
    codec: str = "aac",
) -> Path:
    """An audio-only recording: M4A (AAC) by default."""
    with av.open(str(path), "w", format=container) as out:
        if creation_time:
            out.metadata["creation_time"] = creation_time
        sound = out.add_stream(codec, rate=16000)
        sound.layout = "mono"
        _write_tone(out, sound, seconds)
    return path


def _write_tone(out: av.container.OutputContainer, sound: av.AudioStream, seconds: float) -> None:
    samples = 1024
    for block in range(int(seconds * 16000) // samples):
        data = b"".join(
            struct.pack("<h", int(6000 * math.sin((block * samples + j) * 2 * math.pi / 36.4)))
            for j in range(samples)
        )
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
        frame.planes[0].update(data)
        frame.sample_rate = 16000
        out.mux(sound.encode(frame))
    out.mux(sound.encode(None))


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600 * 10000)
    return IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 10000)


def make_jpeg(
    size: tuple[int, int] = (640, 480),
    *,
    taken: str | None = "2026:05:01 16:00:00",
    offset: str | None = "+08:00",
    gps: tuple[float, float, float] | None = (31.2304, 121.4737, 45.0),
    serial: str | None = "SN-PHOTO-7",
    colour: tuple[int, int, int] = (30, 120, 200),
) -> bytes:
    """A JPEG photo with EXIF: DateTimeOriginal (and offset), GPS, body serial."""
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 40):  # some detail, so the JPEG is not trivially small
        image.paste((x % 256, 200, 40), (x, 0, x + 20, size[1]))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Hikvision", "DSJ-X1"
    details = exif.get_ifd(0x8769)
    if taken:
        details[0x9003] = taken
    if offset:
        details[0x9011] = offset
    if serial:
        details[0xA431] = serial
    if gps:
        lat, lon, alt = gps
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1], gps_ifd[2] = "N" if lat >= 0 else "S", _dms(abs(lat))
        gps_ifd[3], gps_ifd[4] = "E" if lon >= 0 else "W", _dms(abs(lon))
        gps_ifd[5], gps_ifd[6] = b"\x00", IFDRational(round(alt * 100), 100)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


def make_large_video(path: Path, target: int, size: tuple[int, int] = (640, 360)) -> Path:
    """A real MP4 of about ``target`` bytes, quickly: a few lossless intra frames of
    random pixels encoded once, their packets muxed again and again with running times."""
    template = path.with_suffix(".template.mp4")
    with av.open(str(template), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "qp": "0", "g": "1", "bf": "0"}
        pixels = random.Random(target)  # noise that compresses badly, the same every run
        for _ in range(12):
            image = Image.frombytes("RGB", size, pixels.randbytes(size[0] * size[1] * 3))
            out.mux(stream.encode(av.VideoFrame.from_image(image).reformat(format="yuv420p")))
        out.mux(stream.encode(None))
    with av.open(str(template)) as source:
        video = source.streams.video[0]
        packets = [p for p in source.demux(video) if p.size]
        step = packets[1].pts - packets[0].pts
        payloads = [bytes(p) for p in packets]
        with av.open(str(path), "w", format="mp4") as out:
            copy = out.add_stream_from_template(video)
            written = index = 0
            while written < target:
                packet = av.Packet(payloads[index % len(payloads)])
                packet.stream, packet.time_base = copy, video.time_base
                packet.pts = packet.dts = index * step
                packet.duration, packet.is_keyframe = step, True
                out.mux(packet)
                written, index = written + packet.size, index + 1
    template.unlink()
    return path
