"""The 四性检测报告 PDF: rendered from a report with real probe findings, then read back
(pypdf and poppler's pdftotext) for the header, the counts, and the failed item named
by its 件号, 题名 and reason."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from tests.recording.media.files import make_jpeg, make_video, truncated
from zhifa.archive.checks.report_pdf import report_html, report_pdf
from zhifa.archive.checks.rules import (
    CheckReport,
    ItemMetadata,
    Outcome,
    Stage,
    count_findings,
    metadata_findings,
    numbering_finding,
    of_item,
)
from zhifa.archive.checks.usability import pdfa_level, probe

TITLE = "上海申江精细化工有限公司未如实记录安全生产教育和培训情况案"


def a_report(tmp_path: Path) -> CheckReport:
    video = make_video(tmp_path / "v.mp4", seconds=2).read_bytes()
    items = [
        (1, "现场照片", "photo", "image/jpeg", make_jpeg()),
        (2, "现场检查视频", "video", "video/mp4", truncated(video, 0.8)),
    ]
    findings = []
    for number, title, kind, content_type, data in items:
        findings += of_item(number, title, probe(io.BytesIO(data), kind, content_type))
    metadata = [
        ItemMetadata(n, t, "张伟", datetime(2026, 5, 1, tzinfo=UTC), "30年", "ZF-2026-0001")
        for n, t, *_ in items
    ]
    findings += metadata_findings(metadata)
    findings += of_item(None, "案卷", [numbering_finding([1, 2]), *count_findings(2, 2, 10, 10)])
    return CheckReport(
        archival_code="0107-ZF·2026-Y-0001",
        title=TITLE,
        stage=Stage.transfer,
        checked_at=datetime(2026, 12, 7, 6, 5, tzinfo=UTC),  # 14:05 in Beijing
        checker="王档案",
        findings=tuple(findings),
    )


def test_report_names_the_failed_item(tmp_path: Path) -> None:
    report = a_report(tmp_path)
    assert report.verdict is Outcome.failed
    pdf = report_pdf(report)
    reader = PdfReader(io.BytesIO(pdf))
    assert pdfa_level(reader) == "2B"  # the report is itself a record
    text = "".join(page.extract_text() for page in reader.pages)
    flat = text.replace("\n", "").replace(" ", "")
    for words in (
        "电子档案四性检测报告",
        "0107-ZF·2026-Y-0001",
        "检测环节移交",
        "2026年12月7日14:05",
        "王档案",
        "检测结论不通过",
        "不通过和警告的项目",
        "逐件检测明细",
    ):
        assert words in flat, words

    problems = flat[flat.index("二、不通过和警告的项目") : flat.index("三、逐件检测明细")]
    assert "2现场检查视频内容数据的可读性检测不通过" in problems
    assert "无法正常打开：音视频文件不完整（末尾被截断）" in problems
    assert "现场照片" not in problems  # the photo passed every check


def test_report_text_by_pdftotext(tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed on this machine"
    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf(a_report(tmp_path)))
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    row = next(line for line in text.splitlines() if "末尾被截断" in line)
    assert row.split()[:2] == ["2", "现场检查视频"]
    summary = next(line for line in text.splitlines() if line.strip().startswith("可用性"))
    # 可用性: 检测项目数 2 (readable, format), 通过 1, 不通过 1, 警告 0
    assert summary.split()[1:] == ["2", "1", "1", "0"]


def test_passing_report_has_no_problems_listed(tmp_path: Path) -> None:
    findings = of_item(1, "现场照片", probe(io.BytesIO(make_jpeg()), "photo", "image/jpeg"))
    report = CheckReport(
        archival_code="ZF-2026-0002",
        title="例行检测",
        stage=Stage.periodic,
        checked_at=datetime(2026, 12, 31, 16, 30, tzinfo=UTC),
        checker="系统（定期检测）",
        findings=tuple(findings),
    )
    html = report_html(report)
    assert "<p>无。</p>" in html and "2027年1月1日 00:30" in html and "定期" in html
    assert report.verdict is Outcome.passed
