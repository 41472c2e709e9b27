"""The printable certificate card (公示办法 第六条): the officer's public certificate
information and a QR code that opens the portal's check page ``/c/<执法证号>``, where the
public sees the certificate's state on the day they scan it. One card per page, ID-1 size
(85.6 × 54 mm), as a PDF; the QR code is a PNG made by segno (pure Python)."""

from __future__ import annotations

import base64

from sqlalchemy.orm import Session

from zhifa.catalog.publishing import certificate_draft
from zhifa.core.certificate_check import check_url, qr_png
from zhifa.core.certificates import CertificateView
from zhifa.core.clock import people_date
from zhifa.core.http import templates


def card_html(db: Session, view: CertificateView, base_url: str, bureau: str) -> str:
    public = certificate_draft(db, view).snapshot
    url = check_url(base_url, public["number"])
    image = base64.b64encode(qr_png(url)).decode("ascii")
    return templates.env.get_template("certificate_card.html").render(
        card=public,
        bureau=bureau,
        valid=f"{people_date(public['valid_from'])}至{people_date(public['valid_to'])}",
        url=url,
        qr_data_uri=f"data:image/png;base64,{image}",
    )


def card_pdf(db: Session, view: CertificateView, base_url: str, bureau: str) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    pdf: bytes = HTML(string=card_html(db, view, base_url, bureau)).write_pdf()
    return pdf
