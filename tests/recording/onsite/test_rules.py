"""The on-site mode's pure rules: where an activity resumes, how a script is filled in,
what the party reads before signing."""

from __future__ import annotations

import pytest

from zhifa.enforcement.rules import Matter
from zhifa.recording.onsite.rules import (
    DEFAULT_SCRIPTS,
    PLACEHOLDERS,
    TOPICS,
    Progress,
    Screen,
    acknowledgement_statement,
    fill,
    first_unfinished,
    unknown_blanks,
)

DONE = Progress(
    unshown=0,
    untold=frozenset(),
    recording_told=True,
    acknowledged=True,
    media_done=True,
    documents_missing=0,
)


@pytest.mark.parametrize(
    ("change", "screen"),
    [
        ({"unshown": 1}, Screen.certificate),
        ({"untold": frozenset({Matter.basis})}, Screen.matters),
        ({"recording_told": False}, Screen.recording),
        ({"acknowledged": False}, Screen.acknowledgement),
        ({"media_done": False}, Screen.media),
        ({"documents_missing": 1}, Screen.document),
        ({}, Screen.done),
        # The first unfinished one wins, whatever was done after it.
        ({"untold": frozenset({Matter.reason}), "media_done": False}, Screen.matters),
    ],
)
def test_an_activity_resumes_at_its_first_unfinished_screen(
    change: dict[str, object], screen: Screen
) -> None:
    assert first_unfinished(Progress(**{**DONE.__dict__, **change})) is screen


def test_not_started_is_the_certificate_screen() -> None:
    assert first_unfinished(None) is Screen.certificate


def test_every_topic_has_default_words_and_they_use_known_blanks_only() -> None:
    assert set(DEFAULT_SCRIPTS) == set(TOPICS)
    assert all(unknown_blanks(text) == [] for text in DEFAULT_SCRIPTS.values())


def test_blanks_are_filled_and_unknown_ones_are_named() -> None:
    values = dict.fromkeys(PLACEHOLDERS, "X")
    assert fill("我们是{执法机关}的{执法人员}，{其他}", values) == "我们是X的X，{其他}"
    assert unknown_blanks("我们是{执法单位}的{执法人员}") == ["执法单位"]
    assert unknown_blanks("没有填空") == []


def test_the_statement_names_the_certificates_the_matters_and_the_recording() -> None:
    text = acknowledgement_statement(
        [("张伟", "31107987324"), ("王磊", "")],
        {Matter.cooperation, Matter.reason},
        recording_told=True,
    )
    assert text == (
        "本人确认：执法人员张伟（执法证号 31107987324）、王磊（执法证号 未登记）"
        "已向本人出示行政执法证件；已告知执法事由、配合执法义务；"
        "已告知本次执法活动全程录音录像。"
    )
