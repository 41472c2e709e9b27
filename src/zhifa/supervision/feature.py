"""The supervision chapter's manifest: case-file review rounds, complaints, the
accountability report and the fact sheet."""

from __future__ import annotations

from zhifa.core.features import Feature

FEATURE = Feature(
    name="supervision",
)
