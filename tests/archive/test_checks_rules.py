"""The pure 四性检测 rules, from plain data: counts and bytes, required metadata, 件号,
归档范围, digests, checkpoints, storage state, formats, and the report's verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from zhifa.archive.checks.rules import (
    CHECKS,
    CheckReport,
    ContentKind,
    Expected,
    FormatFacts,
    Heading,
    ItemMetadata,
    Outcome,
    Stage,
    access_finding,
    checkpoint_finding,
    copies_finding,
    count_findings,
    failed,
    fixity_finding,
    format_finding,
    metadata_findings,
    numbering_finding,
    of_item,
    passed,
    properties_finding,
    scope_findings,
    warning,
    write_once_finding,
)


def meta(number: int | None = 1, **changes: object) -> ItemMetadata:
    values: dict[str, object] = {
        "number": number,
        "title": "行政处罚决定书",
        "responsible": "上海市普陀区应急管理局",
        "date": date(2026, 3, 5),
        "retention": "永久",
        "archival_code": "0107-ZF·2026-Y-0001",
        "doc_number": "（普）应急罚〔2026〕3号",
        "numbered": True,
    }
    values.update(changes)
    return ItemMetadata(**values)  # type: ignore[arg-type]


def test_every_check_has_a_heading_name_and_basis() -> None:
    assert {c.heading for c in CHECKS.values()} == set(Heading)
    for check in CHECKS.values():
        assert check.name.endswith("检测") and check.basis and check.method
    with pytest.raises(ValueError, match="unknown check"):
        passed("no_such_check", "")


def test_counts_and_bytes() -> None:
    same = count_findings(5, 5, 1024, 1024)
    assert [f.outcome for f in same] == [Outcome.passed, Outcome.passed]
    items, size = count_findings(5, 4, 1024, 1000)
    assert items.outcome is Outcome.failed and items.message == "登记 5 件，实际 4 件"
    assert size.outcome is Outcome.failed and "登记 1024 字节，实际 1000 字节" in size.message


def test_required_metadata_names_the_item_and_the_missing_fields() -> None:
    found = metadata_findings(
        [
            meta(1),
            meta(2, responsible=" ", doc_number=None),
            meta(3, title="现场照片", doc_number=None, numbered=False),
            meta(None, retention=None, archival_code=""),
        ]
    )
    assert [f.outcome for f in found] == [
        Outcome.passed,
        Outcome.failed,
        Outcome.passed,  # a photo carries no 文号
        Outcome.failed,
    ]
    assert (found[1].item, found[1].title) == (2, "行政处罚决定书")
    assert found[1].message == "缺少著录项：责任者、文号"
    assert found[3].message == "缺少著录项：件号、保管期限、档号"


@pytest.mark.parametrize(
    ("numbers", "outcome", "message"),
    [
        ([1, 2, 3], Outcome.passed, "件号 1—3 连续"),
        ([3, 1, 2], Outcome.passed, "件号 1—3 连续"),
        ([], Outcome.passed, "无件"),
        ([1, 2, 4, 6], Outcome.failed, "缺少件号 3、5"),
        ([2, 3], Outcome.failed, "缺少件号 1"),
        ([1, 2, 2, 3], Outcome.failed, "件号 2 重复"),
        ([1, None, 2], Outcome.failed, "1 件未编件号"),
        ([0, 1], Outcome.failed, "件号 0 无效（应从 1 起）"),
    ],
)
def test_item_numbers_run_unbroken_from_one(
    numbers: list[int | None], outcome: Outcome, message: str
) -> None:
    finding = numbering_finding(numbers)
    assert finding.outcome is outcome and message in finding.message


def test_scope_names_what_is_missing_from_the_case() -> None:
    expected = [
        Expected("document:1", "立案审批表"),
        Expected("document:2", "行政处罚决定书"),
        Expected("media:7", "现场检查视频"),
    ]
    complete = scope_findings(expected, ["document:1", "document:2", "media:7", "media:8"])
    assert [f.outcome for f in complete] == [Outcome.passed]
    missing = scope_findings(expected, ["document:1"])
    assert [(f.outcome, f.title) for f in missing] == [
        (Outcome.failed, "行政处罚决定书"),
        (Outcome.failed, "现场检查视频"),
    ]
    assert missing[0].message == "应归档而未归档：行政处罚决定书"


def test_fixity_checkpoint_access_storage_and_copies() -> None:
    digest = "sha256:" + "ab" * 32
    assert fixity_finding(digest, digest).outcome is Outcome.passed
    changed = fixity_finding(digest, "sha256:" + "cd" * 32)
    assert changed.outcome is Outcome.failed and "不一致" in changed.message
    assert checkpoint_finding(41, 100, True).outcome is Outcome.passed
    assert "尚未被签名检查点覆盖" in checkpoint_finding(100, 100, True).message
    assert "尚未" in checkpoint_finding(3, None, True).message
    assert "包含证明不成立" in checkpoint_finding(3, 100, False).message
    assert access_finding(True, False).outcome is Outcome.failed
    assert access_finding(True, True).outcome is access_finding(False, False).outcome
    assert write_once_finding(False, None, None).outcome is Outcome.failed
    assert write_once_finding(True, None, None).outcome is Outcome.passed  # locked for good
    short = write_once_finding(True, date(2030, 1, 1), date(2056, 12, 31))
    assert short.outcome is Outcome.failed and "短于保管期限" in short.message
    assert write_once_finding(True, date(2030, 1, 1), None).outcome is Outcome.failed
    assert write_once_finding(True, date(2057, 1, 1), date(2056, 12, 31)).outcome is Outcome.passed
    assert copies_finding([digest, digest], 2).outcome is Outcome.passed
    assert copies_finding([digest, None], 2).message == "应有 2 份副本，实有 1 份"
    assert copies_finding([digest, "sha256:00"], 2).message == "各副本摘要不一致"


@pytest.mark.parametrize(
    ("facts", "outcome"),
    [
        (FormatFacts(ContentKind.document, "application/pdf", pdfa="2B"), Outcome.passed),
        (FormatFacts(ContentKind.document, "application/pdf", pdfa="1A"), Outcome.passed),
        (FormatFacts(ContentKind.document, "application/pdf", pdfa="4"), Outcome.warning),
        (FormatFacts(ContentKind.document, "application/pdf"), Outcome.warning),
        (FormatFacts(ContentKind.document, "text/html"), Outcome.failed),
        (FormatFacts(ContentKind.photo, "image/jpeg", "jpeg"), Outcome.passed),
        (FormatFacts(ContentKind.photo, "image/tiff", "tiff"), Outcome.passed),
        (FormatFacts(ContentKind.photo, "image/webp", "webp"), Outcome.warning),
        (FormatFacts(ContentKind.photo, "video/mp4"), Outcome.failed),
        (FormatFacts(ContentKind.video, "video/mp4", "mp4", "h264", "aac"), Outcome.passed),
        (FormatFacts(ContentKind.video, "video/mp4", "mp4", "hevc", None), Outcome.passed),
        (FormatFacts(ContentKind.video, "video/mp4", "mov", "h264", "aac"), Outcome.warning),
        (FormatFacts(ContentKind.video, "video/mp4", "mp4", "mpeg4", "aac"), Outcome.warning),
        (FormatFacts(ContentKind.video, "video/x-matroska", "matroska", "h264"), Outcome.warning),
        (FormatFacts(ContentKind.audio, "audio/mpeg", "mp3", None, "mp3float"), Outcome.passed),
        (FormatFacts(ContentKind.audio, "audio/wav", "wav", None, "pcm_s16le"), Outcome.passed),
        (FormatFacts(ContentKind.audio, "audio/mp4", "mp4", None, "aac"), Outcome.passed),
        (FormatFacts(ContentKind.audio, "audio/amr", "amr", None, "amrnb"), Outcome.warning),
    ],
)
def test_accepted_formats(facts: FormatFacts, outcome: Outcome) -> None:
    assert format_finding(facts).outcome is outcome


def test_properties_compare_the_record_with_the_content() -> None:
    same = properties_finding(ContentKind.photo, "image/jpeg", ContentKind.photo, "image/jpeg")
    assert same.outcome is Outcome.passed
    other = properties_finding(ContentKind.video, "video/mp4", ContentKind.photo, "image/jpeg")
    assert other.message == "登记为视频，实际内容是照片（image/jpeg）"
    typed = properties_finding(ContentKind.photo, "image/png", ContentKind.photo, "image/jpeg")
    assert typed.outcome is Outcome.failed and "image/png" in typed.message


def report(*findings: object) -> CheckReport:
    return CheckReport(
        archival_code="0107-ZF·2026-Y-0001",
        title="上海申江精细化工有限公司未如实记录安全生产教育和培训情况案",
        stage=Stage.filing,
        checked_at=datetime(2026, 12, 7, 6, 5, tzinfo=UTC),
        checker="王档案",
        findings=tuple(findings),  # type: ignore[arg-type]
    )


def test_verdict_and_counts_per_heading() -> None:
    one = of_item(1, "立案审批表", [passed("readable", "ok"), warning("format", "非 PDF/A")])
    two = of_item(2, "决定书", [passed("readable", "ok"), passed("format", "PDF/A-2b")])
    case = of_item(None, "案卷", [numbering_finding([1, 2])])
    clean = report(*one, *two, *case)
    assert clean.verdict is Outcome.passed  # a warning does not fail the check
    rows = {s.heading: s for s in clean.summary}
    usability = rows[Heading.usability]
    assert (usability.checks, usability.passed, usability.failed, usability.warned) == (2, 1, 0, 1)
    assert rows[Heading.integrity].checks == 1 and rows[Heading.security].checks == 0
    assert [s.heading for s in clean.summary] == list(Heading)

    broken = of_item(3, "现场检查视频", [failed("readable", "末尾的画面无法解码")])
    bad = report(*one, *two, *case, *broken)
    assert bad.verdict is Outcome.failed
    assert [(p.item, p.outcome) for p in bad.problems] == [
        (3, Outcome.failed),
        (1, Outcome.warning),
    ]
    assert [(r.item, r.check) for r in bad.rows][:3] == [
        (None, "item_numbers"),
        (1, "readable"),
        (1, "format"),
    ]
