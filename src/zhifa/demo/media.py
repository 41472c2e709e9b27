"""Recordings for the demo cases, made at seed time: a short H.264/AAC clip encoded with
PyAV, as a body camera would deliver it. Nothing is shipped or downloaded."""

from __future__ import annotations

import math
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw

SIZE = (320, 240)
FPS = 10


def make_clip(path: Path, *, started: datetime, seconds: int, caption: str) -> Path:
    """A clip with a moving bar and a tone, tagged with its start time and a serial."""
    with av.open(str(path), "w", format="mp4") as out:
        out.metadata["creation_time"] = started.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        out.metadata["serial_number"] = "DEMO-DSJ-001"
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height = SIZE
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast"}
        sound = out.add_stream("aac", rate=16000)  # every stream before the first packet
        sound.layout = "mono"
        for index in range(seconds * FPS):
            image = Image.new("RGB", SIZE, (30, 40, 60))
            draw = ImageDraw.Draw(image)
            draw.rectangle((index * 3 % SIZE[0], 200, index * 3 % SIZE[0] + 40, 220), fill="red")
            draw.text((10, 10), caption, fill="white")
            out.mux(video.encode(av.VideoFrame.from_image(image).reformat(format="yuv420p")))
        out.mux(video.encode(None))
        _tone(out, sound, seconds)
    return path


def _tone(out: av.container.OutputContainer, sound: av.AudioStream, seconds: int) -> None:
    rate = 16000
    samples = 1024
    for block in range(seconds * rate // samples):
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
        tone = bytearray()
        for i in range(samples):
            value = int(3000 * math.sin(2 * math.pi * 440 * (block * samples + i) / rate))
            tone += value.to_bytes(2, "little", signed=True)
        frame.planes[0].update(bytes(tone))
        frame.sample_rate = rate
        frame.pts = block * samples
        frame.time_base = Fraction(1, rate)
        out.mux(sound.encode(frame))
    out.mux(sound.encode(None))
