"""Recording's manifest: documents, media, the audio-video rules, access, playback; their
requirements on every step (第五条、第七条: documents, service, mandatory recordings)."""

from __future__ import annotations

from zhifa.core.features import Feature, NavLink, PortalRoutes
from zhifa.core.permissions import Permission
from zhifa.recording.access.models import AccessPurpose, MediaRestriction
from zhifa.recording.av.models import (
    ExceptionDecision,
    Interruption,
    MediaMark,
    RecordingException,
    RecordingFact,
    RecordingNotice,
    RecordingPolicy,
)
from zhifa.recording.av.requirement import missing_recording
from zhifa.recording.documents.models import (
    Document,
    DocumentCounter,
    DocumentNumberPattern,
    DocumentService,
)
from zhifa.recording.documents.periods import (
    decision_served,
    notice_served,
    rectification_deadline,
    seizure_start,
)
from zhifa.recording.documents.requirement import missing_documents, missing_service
from zhifa.recording.media.models import Media
from zhifa.recording.onsite.models import OnsiteStep, Script

FEATURE = Feature(
    name="recording",
    models=(
        "zhifa.recording.documents.models",
        "zhifa.recording.media.models",
        "zhifa.recording.av.models",
        "zhifa.recording.access.models",
        "zhifa.recording.onsite.models",
    ),
    tracked=(
        Document,
        DocumentCounter,
        DocumentNumberPattern,
        DocumentService,
        Media,
        AccessPurpose,
        MediaRestriction,
        RecordingPolicy,
        RecordingFact,
        RecordingNotice,
        Interruption,
        RecordingException,
        ExceptionDecision,
        MediaMark,
        Script,
        OnsiteStep,
    ),
    requirements=(
        ("recording", missing_recording),
        ("documents", missing_documents),
        ("service", missing_service),
    ),
    period_starts=(
        ("notice_served", notice_served),
        ("decision_served", decision_served),
        ("seizure_start", seizure_start),
        ("rectification_deadline", rectification_deadline),
    ),
    navigation=(
        NavLink("全过程记录", "音视频记录", "/app/media", Permission.action_read),
        NavLink("全过程记录", "记录问题", "/app/recording/problems", Permission.action_all),
        NavLink("全过程记录", "例外审批", "/app/recording/exceptions", Permission.action_all),
        NavLink("全过程记录", "规范执法用语", "/app/onsite-scripts", Permission.catalog_write),
    ),
    # /verify/document on the public portal process too: it reads public_document only.
    portal_routes=(
        PortalRoutes(
            "zhifa.recording.documents.verify_routes:public",
            tables=frozenset({"public_document"}),
        ),
    ),
    commands=(("ingest", "zhifa.recording.cli:ingest_app"),),
    routers=(
        "zhifa.recording.documents.routes:pages",
        "zhifa.recording.documents.routes:api",
        "zhifa.recording.documents.verify_routes:public",
        "zhifa.recording.documents.routes:party_pages",
        "zhifa.recording.media.tus:router",
        "zhifa.recording.media.routes:api",
        "zhifa.recording.access.routes:pages",
        "zhifa.recording.access.routes:api",
        "zhifa.recording.playback.routes:pages",
        "zhifa.recording.av.routes:pages",
        "zhifa.recording.av.routes:api",
        "zhifa.recording.onsite.routes:pages",
    ),
)
