"""Where the public checks a certificate (公示办法 第六条): the portal's ``/c/<执法证号>``
and its QR code. In core because both the printed card (catalog) and the on-site screen
(recording) show it."""

from __future__ import annotations

import io
from urllib.parse import quote

import segno


def check_url(base_url: str, number: str) -> str:
    """The public check page of a certificate number."""
    return f"{base_url.rstrip('/')}/c/{quote(number, safe='')}"


def qr_png(url: str, scale: int = 8) -> bytes:
    """The QR code of `url` as a PNG (error correction M, quiet zone of 4 modules)."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
