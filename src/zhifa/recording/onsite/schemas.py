"""What the on-site screens and the scripts page send, checked at the edge."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from zhifa.enforcement.rules import Matter
from zhifa.recording.onsite.rules import TOPICS, unknown_blanks


class StartIn(BaseModel):
    """亮证, which starts the activity when it has not started yet."""

    place: str = Field(min_length=1, max_length=300)
    party_present: str = Field(default="", max_length=100)

    @field_validator("place", "party_present")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()


class MatterIn(BaseModel):
    matter: Matter


class SignatureIn(BaseModel):
    signer_name: str = Field(min_length=1, max_length=100)
    signature: str = Field(min_length=1, max_length=3_000_000)  # the pad's PNG data URL

    @field_validator("signer_name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("请填写签名人姓名")
        return value.strip()


class ScriptIn(BaseModel):
    topic: str
    text: str = Field(min_length=4, max_length=2000)
    reason: str = Field(default="", max_length=200)

    @field_validator("topic")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in TOPICS:
            raise ValueError("未知的用语类别")
        return value

    @field_validator("text")
    @classmethod
    def _blanks(cls, value: str) -> str:
        unknown = unknown_blanks(value)
        if unknown:
            raise ValueError("无法识别的填空：" + "、".join("{" + n + "}" for n in unknown))
        return value.strip()
