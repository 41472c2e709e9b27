"""The 四性检测报告 as a PDF: from a ``CheckReport`` (rules.py) to HTML (a Jinja template,
A4, CJK fonts) to PDF/A-2b by WeasyPrint, like the documents it reports on — the report
is itself a record, stored and ledgered by the archive's service.

It reads from top to bottom as an archivist works: who checked what and when, the
verdict, the counts per heading, then each failed or warned item named by its 件号 and
题名 with the reason, then every finding item by item, and last the check items with
their basis in DA/T 70 and the accepted formats.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from zhifa.archive.checks.rules import (
    ACCEPTED_FORMATS,
    CHECKS,
    CheckReport,
    HeadingSummary,
    Outcome,
)
from zhifa.core.clock import people_datetime
from zhifa.recording.documents.render import PDF_VARIANT

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["people_datetime"] = people_datetime
    return env


def report_html(report: CheckReport) -> str:
    summary = report.summary
    used = {f.check for f in report.findings}
    return (
        _environment()
        .get_template("check_report.html")
        .render(
            report=report,
            summary=summary,
            total=_total(summary),
            checks=[item for item in CHECKS.values() if item.id in used],
            names={item.id: item.name for item in CHECKS.values()},
            formats=ACCEPTED_FORMATS,
            Outcome=Outcome,
        )
    )


def _total(summary: list[HeadingSummary]) -> dict[str, int]:
    return {
        "checks": sum(s.checks for s in summary),
        "passed": sum(s.passed for s in summary),
        "failed": sum(s.failed for s in summary),
        "warned": sum(s.warned for s in summary),
    }


def report_pdf(report: CheckReport) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    pdf: bytes = HTML(string=report_html(report)).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
