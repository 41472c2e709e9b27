"""Visible watermarks on exported copies of photos and poster frames (Pillow).

The stored original is never touched: the blob is read, a copy is drawn on in memory and
that copy is what leaves. The mark names who exported it and when (Beijing time), tiled
diagonally across the picture so that no crop removes it, with a plain band along the
bottom that reads at a glance. Video files are not watermarked (re-encoding a recording
would be slow and would no longer be the evidence); their download is logged instead.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from zhifa.core.clock import SHANGHAI

# Fonts with the CJK glyphs of a person's name; Pillow's own font has none.
_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Mark:
    """Who exported the copy, when, and the record's number."""

    full_name: str
    username: str
    at: datetime
    record: str

    def lines(self) -> tuple[str, str]:
        when = self.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        return (
            f"{self.full_name}（{self.username}）导出 {when}",
            f"zhifa 调阅导出件 · {self.record} · 仅供调阅目的使用",
        )


@lru_cache(maxsize=1)
def _font_source() -> tuple[str, int] | None:
    """(file, index in the collection) of a CJK sans font, SC preferred; None if none."""
    for name in _FONT_FILES:
        if not Path(name).exists():
            continue
        for index in range(8):
            try:
                family = ImageFont.truetype(name, 12, index=index).getname()[0] or ""
            except OSError:
                break
            if family.endswith(" SC"):
                return name, index
        return name, 0
    return None


def _font(size: int) -> Font:
    source = _font_source()
    if source is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(source[0], size, index=source[1])


def watermark(data: bytes, mark: Mark) -> tuple[bytes, str]:
    """A watermarked copy of an image: (bytes, content type). JPEG stays JPEG (with its
    EXIF: time and GPS are part of the record); anything else becomes PNG."""
    with Image.open(io.BytesIO(data)) as opened:
        source_format = opened.format
        image = ImageOps.exif_transpose(opened)  # draw on the picture as it is seen
    exif = image.getexif()
    marked = _draw(image.convert("RGB"), mark)
    out = io.BytesIO()
    if source_format == "JPEG":
        marked.save(out, "JPEG", quality=90, exif=exif)
        return out.getvalue(), "image/jpeg"
    marked.save(out, "PNG")
    return out.getvalue(), "image/png"


def _draw(image: Image.Image, mark: Mark) -> Image.Image:
    width, height = image.size
    first, second = mark.lines()
    # Tiled, diagonal, translucent: drawn on a larger square layer, turned, cut back.
    size = max(12, min(width, height) // 18)
    font = _font(size)
    side = int(math.hypot(width, height)) + 2 * size
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    step_x = int(pen.textlength(first, font=font)) + 3 * size
    step_y = 4 * size
    for row, y in enumerate(range(0, side, step_y)):
        for x in range(-(row % 2) * step_x // 2, side, step_x):
            pen.text(
                (x, y),
                first,
                font=font,
                fill=(255, 255, 255, 110),
                stroke_width=max(1, size // 12),
                stroke_fill=(0, 0, 0, 90),
            )
    layer = layer.rotate(30, resample=Image.Resampling.BICUBIC)
    left, top = (side - width) // 2, (side - height) // 2
    overlay = layer.crop((left, top, left + width, top + height))
    # A solid band along the bottom with both lines.
    band_font = _font(max(10, min(size, width // max(len(second), len(first), 1))))
    band_height = int(band_font.size * 2.8) if hasattr(band_font, "size") else 3 * size
    band = ImageDraw.Draw(overlay)
    band.rectangle((0, height - band_height, width, height), fill=(0, 0, 0, 150))
    line_height = band_height // 2
    for i, text in enumerate((first, second)):
        band.text(
            (6, height - band_height + i * line_height + 2),
            text,
            font=band_font,
            fill=(255, 255, 255, 235),
        )
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
