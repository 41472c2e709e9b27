"""Pure decisions of the on-site mode: its screens and which one an activity is at, the
topics of the standard words to say and how a script is filled in, and the statement the
party reads before signing. No database, no clock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from zhifa.enforcement.rules import MATTER_LABELS, Matter


class Screen(StrEnum):
    """The screens of an on-site activity, in the order they are walked."""

    certificate = "certificate"  # 亮证 (the activity starts here)
    matters = "matters"  # 告知
    recording = "recording"  # 告知开始录像
    acknowledgement = "acknowledgement"  # the party reads and signs
    media = "media"  # photos, audio, video
    document = "document"  # the step's document, issued
    done = "done"


SCREEN_LABELS = {
    Screen.certificate: "亮证",
    Screen.matters: "告知",
    Screen.recording: "告知录像",
    Screen.acknowledgement: "当事人签名",
    Screen.media: "照片录像",
    Screen.document: "文书",
}


@dataclass(frozen=True)
class Progress:
    """What is on record for one activity (its duties as the hub counts them)."""

    unshown: int  # officers present whose 亮证 is not recorded
    untold: frozenset[Matter]  # required matters not yet told
    recording_told: bool
    acknowledged: bool
    media_done: bool  # the officer finished the photos/video screen
    documents_missing: int  # the step's documents not yet issued


def first_unfinished(progress: Progress | None) -> Screen:
    """The screen an activity resumes at: the first one not done (None: not started)."""
    if progress is None or progress.unshown:
        return Screen.certificate
    if progress.untold:
        return Screen.matters
    if not progress.recording_told:
        return Screen.recording
    if not progress.acknowledged:
        return Screen.acknowledgement
    if not progress.media_done:
        return Screen.media
    if progress.documents_missing:
        return Screen.document
    return Screen.done


# ---- the standard words to say (规范执法用语) ------------------------------------------------

CERTIFICATE_TOPIC = "certificate"
RECORDING_TOPIC = "recording"


def matter_topic(matter: Matter) -> str:
    return f"matter.{matter.value}"


TOPICS: Mapping[str, str] = {
    CERTIFICATE_TOPIC: "亮证用语",
    RECORDING_TOPIC: "告知开始录音录像用语",
    **{matter_topic(m): f"告知用语：{MATTER_LABELS[m]}" for m in Matter},
}

# The words each blank stands for; anything else in braces stays as written.
PLACEHOLDERS = ("执法机关", "执法人员", "当事人", "执法事由", "执法依据")

DEFAULT_SCRIPTS: Mapping[str, str] = {
    CERTIFICATE_TOPIC: (
        "您好！我们是{执法机关}的行政执法人员{执法人员}，这是我们的行政执法证件，"
        "请您查看。您可以扫描证件上的二维码，核验我们的身份和证件状态。"
    ),
    RECORDING_TOPIC: (
        "根据《行政执法全过程记录办法》的规定，我们将对本次执法活动进行全程录音录像，"
        "录音录像现在开始。"
    ),
    matter_topic(Matter.reason): "今天我们依法对{当事人}进行{执法事由}。",
    matter_topic(Matter.basis): "本次执法的依据是{执法依据}。",
    matter_topic(Matter.statement): "对本次执法，您有权进行陈述。",
    matter_topic(Matter.defence): "对本次执法，您有权进行申辩。",
    matter_topic(Matter.hearing): "符合法定条件的，您有权要求举行听证。",
    matter_topic(Matter.recusal): (
        "如您认为我们与本案有直接利害关系或者其他关系可能影响公正执法，有权申请我们回避。"
        "您是否申请回避？"
    ),
    matter_topic(Matter.cooperation): (
        "您有如实回答询问、提供有关资料、配合检查的义务，不得拒绝、阻挠。"
    ),
}


def fill(text: str, values: Mapping[str, str]) -> str:
    """The script with its blanks ({执法人员} …) filled in."""
    for name in PLACEHOLDERS:
        if name in values:
            text = text.replace("{" + name + "}", values[name])
    return text


def unknown_blanks(text: str) -> list[str]:
    """Blanks in braces that no value fills (a typing slip the editor should see)."""
    found, rest = [], text
    while "{" in rest and "}" in rest.split("{", 1)[1]:
        name, rest = rest.split("{", 1)[1].split("}", 1)
        if name not in PLACEHOLDERS:
            found.append(name)
    return found


# ---- what the party acknowledges -------------------------------------------------------------


def acknowledgement_statement(
    officers: Iterable[tuple[str, str]], told: Iterable[Matter], recording_told: bool
) -> str:
    """What the party reads before signing: the certificates shown (name, number), the
    matters told and that recording was announced."""
    shown = "、".join(f"{name}（执法证号 {number or '未登记'}）" for name, number in officers)
    matters = "、".join(MATTER_LABELS[m] for m in sorted(told, key=list(Matter).index))
    parts = [f"执法人员{shown}已向本人出示行政执法证件", f"已告知{matters}"]
    if recording_told:
        parts.append("已告知本次执法活动全程录音录像")
    return "本人确认：" + "；".join(parts) + "。"
