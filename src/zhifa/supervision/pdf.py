"""The supervision chapter's printed reports: a Jinja template (A4, CJK fonts) rendered
to HTML, then to PDF/A-2b by WeasyPrint, like the documents and the archive's reports."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from zhifa.core.clock import people_date, people_datetime
from zhifa.recording.documents.render import PDF_VARIANT


@cache
def _environment(folder: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # the names the app's pages use too, so a template can be shared with a page
    env.filters["cn_date"] = env.filters["people_date"] = people_date
    env.filters["cn_datetime"] = env.filters["people_datetime"] = people_datetime
    return env


def render_html(folder: Path, template: str, **context: Any) -> str:
    return _environment(folder).get_template(template).render(**context)


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    pdf: bytes = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
