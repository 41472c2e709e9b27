"""Turning a document into print: HTML from the kind's template (A4, CJK fonts), PDF by
WeasyPrint, and the verification line stamped on every page of a print copy.

The verification line, and why it is sound
------------------------------------------
A PDF cannot contain its own digest. So the issued PDF, exactly as rendered at issue,
is the record: its bytes go into the write-once blob store, and its digest (SHA-256 or
SM3, as the blob store is configured) and the 文号 are written into the ledger entry
that records the issue. That PDF is never changed and carries no verification line.

A print copy is made on request from the stored bytes: each page of the stored PDF gets
a thin overlay (merged with pypdf, nothing else on the page is touched) with the line
"核验：<digest of the stored PDF> 账本第 <index of the issue entry> 条 …". The digest on
paper is therefore always the digest of the record, never of the print copy (which
differs by the overlay and is not itself a record). Anyone can check it: type the
digest into the public page /verify/document (文号, kind and date must match the paper),
hash the electronic original (GET …/pdf) and compare, or fetch ledger entry <index>
from the public log and check it against the document row. The stored bytes are
re-hashed before stamping, so a copy is never printed from an altered file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from zhifa.recording.documents.kinds import DocumentKind, cn_date, cn_datetime, money_in_words

FORMS_DIR = Path(__file__).parent / "templates" / "forms"


def _lines(value: object) -> list[str]:
    """A textarea's non-empty lines."""
    if value is None:
        return []
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def _paras(value: object, lead: str = "") -> Markup:
    """Each line as its own indented paragraph; ``lead`` opens the first one."""
    lines = _lines(value)
    if lead and lines:
        lines[0] = lead + lines[0]
    return Markup("").join(Markup('<p class="para">{}</p>').format(line) for line in lines)


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _cn_date(value: date | datetime | str | None) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    return cn_date(value)


def _blank(value: object, width: int = 6) -> Markup:
    """The value, or an underlined blank to be filled by hand on paper."""
    if value in (None, ""):
        return Markup('<span class="blank">{}</span>').format("\u3000" * width)
    return escape(str(value))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(FORMS_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        lines=_lines,
        paras=_paras,
        money=_money,
        money_words=money_in_words,
        cn_date=_cn_date,
        cn_datetime=cn_datetime,
        blank=_blank,
    )
    return env


@cache
def _css() -> str:
    return (FORMS_DIR / "document.css").read_text(encoding="utf-8")


def render_html(
    kind: DocumentKind,
    *,
    template: str,
    title: str,
    fields: Mapping[str, Any],
    context: Mapping[str, Any],
    document: Mapping[str, Any],
    draft: bool,
    images: Mapping[str, str] | None = None,
) -> str:
    """The document as HTML. ``fields`` are typed values (forms.typed_values);
    ``document`` holds id, number, issue_date, issued_at and the correction, if any;
    ``images`` the data: URIs of the blobs it shows (the party's drawn signature)."""
    page = _environment().get_template(template)
    return page.render(
        kind=kind,
        title=title,
        f=_Fields(fields),
        c=context,
        doc=document,
        you="你单位" if context.get("party", {}).get("kind") == "enterprise" else "你",
        draft=draft,
        images=images or {},
        css=Markup(_css()),  # noqa: S704 - our own stylesheet file, not user input
    )


class _Fields(dict[str, Any]):
    """Field values for templates: a field never filled reads as None, not an error."""

    def __getattr__(self, name: str) -> Any:
        return self.get(name)

    def __missing__(self, key: str) -> None:
        return None


# The issued PDF is the record kept for the retention period, so it is written as PDF/A-2b
# (GB/T 18894-2016, DA/T 47: a long-term format): fonts embedded, an sRGB output intent
# and the XMP identification pdfaid:part=2, conformance=B, which the archive's 四性检测
# reads (archive/checks/usability.py). Part 2 rather than 1 because a drawn signature is
# a PNG with transparency, which PDF/A-1 forbids. WeasyPrint's output is deterministic
# (no creation date is written), and the print copy's overlay keeps the catalogue's
# /Metadata and /OutputIntents. Documents issued before this stay as they were issued.
PDF_VARIANT = "pdf/a-2b"


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    pdf: bytes = HTML(string=html, base_url=str(FORMS_DIR)).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


# ---- the verification line ---------------------------------------------------------------

_OVERLAY_CSS = """
@page { size: A4; margin: 0; }
html, body { margin: 0; padding: 0; }
.page { position: relative; height: 297mm; width: 210mm; page-break-after: always; }
.page:last-child { page-break-after: auto; }
.line { position: absolute; left: 15mm; right: 15mm; bottom: 6mm; text-align: center;
  font-family: "Noto Sans CJK SC", sans-serif; font-size: 6.5pt; line-height: 1.5;
  color: #333; }
"""


def verification_lines(
    digest: str, ledger_index: int, number: str | None, note: str = ""
) -> tuple[str, str]:
    """The two lines at the foot of every printed page (page numbers are added)."""
    first = f"核验：{digest} 账本第 {ledger_index} 条"
    second = (
        f"文号：{number or '无'}；本件为已签发文书的打印件，"
        "可在本局公示网站“文书核验”页输入上述摘要核验"
    )
    if note:
        second += f"；{note}"
    return first, second


def stamp_pdf(pdf: bytes, lines: Sequence[str]) -> bytes:
    """Overlay ``lines`` (and 第 i 页/共 n 页) at the foot of every page of ``pdf``."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    body = "".join(
        '<div class="page"><div class="line">'
        + "<br>".join(str(escape(line)) for line in lines)
        + f"（第 {number} 页，共 {pages} 页）</div></div>"
        for number in range(1, pages + 1)
    )
    overlay_html = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<style>{_OVERLAY_CSS}</style></head><body>{body}</body></html>"
    )
    overlay = PdfReader(io.BytesIO(HTML(string=overlay_html).write_pdf()))
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
