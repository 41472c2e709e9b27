"""Publicity's manifest (事后公示): obligations, publications, corrections, withdrawals,
updates, channels and their outbox, public snapshots; the delivery and refresh jobs; the
correction request form the portal process serves too."""

from __future__ import annotations

from zhifa.core.features import DutySource, Feature, Job, NavLink, PortalRoutes
from zhifa.core.permissions import Permission
from zhifa.publicity import corrections, duties, outbox, service
from zhifa.publicity.models import (
    Channel,
    CorrectionDesk,
    CorrectionRequest,
    CreditExportBatch,
    CreditExportRow,
    CreditRepair,
    Delivery,
    OutboxMessage,
    Publication,
    PublicationExemption,
    PublicationObligation,
    PublicationUpdate,
    PublicSnapshot,
    Withdrawal,
)
from zhifa.publicity.recompute import recompute_duties

FEATURE = Feature(
    name="publicity",
    models=(
        "zhifa.publicity.models",
        "zhifa.publicity.portal.models",
    ),
    tracked=(
        PublicationObligation,
        Publication,
        PublicationExemption,
        CreditRepair,
        CorrectionRequest,
        CorrectionDesk,
        Withdrawal,
        PublicationUpdate,
        Channel,
        OutboxMessage,
        Delivery,
        CreditExportBatch,
        CreditExportRow,
        PublicSnapshot,
    ),
    duty_sources=(
        DutySource(duties.DutyKind.publication, duties.publication_duties),
        # New requests from the portal go to the desk's default holder (the portal's
        # intake cannot read the desk).
        DutySource(duties.DutyKind.correction, duties.correction_duties, corrections.hand_out),
        DutySource(duties.DutyKind.withdrawal, duties.withdrawal_duties),
        DutySource(duties.DutyKind.update, duties.update_duties),
    ),
    recompute_hooks=(recompute_duties,),
    navigation=(
        NavLink("公示管理", "事后公示期限看板", "/app/publicity", Permission.publication_read),
        NavLink(
            "公示管理", "更正申请", "/app/publicity/corrections", Permission.publication_review
        ),
        NavLink("公示管理", "渠道投递", "/app/publicity/deliveries", Permission.publication_read),
    ),
    routers=(
        "zhifa.publicity.routes:pages",
        "zhifa.publicity.routes:api",
        "zhifa.publicity.correction_routes:public",
        "zhifa.publicity.correction_routes:pages",
        "zhifa.publicity.correction_routes:api",
        "zhifa.publicity.channel_routes:pages",
        "zhifa.publicity.channel_routes:api",
    ),
    portal_routes=(
        # 更正申请 (公示办法 第九条第二项): the form, its receipt and status page. The intake
        # stores the request and its evidence and ledgers both (appending entries and
        # nodes; the head's size moves on); the calendar gives the due day; answered
        # anti-spam questions are kept until they expire.
        PortalRoutes(
            "zhifa.publicity.correction_routes:public",
            tables=frozenset(
                {
                    "correction_request",
                    "correction_challenge_spent",
                    "stored_blob",
                    "ledger_head",
                    "holiday_schedule",
                }
            ),
            appends=frozenset({"ledger_entry", "ledger_node"}),
        ),
    ),
    commands=(("publicity", "zhifa.publicity.cli:publicity_app"),),
    jobs=(
        Job(
            "publicity.delivery",
            lambda settings: settings.outbox_interval_seconds,
            outbox.delivery_job,
            "投递公示消息到各渠道",
        ),
        Job(
            "publicity.refresh",
            lambda settings: settings.publicity_refresh_interval_seconds,
            service.refresh_job,
            "补建公示义务、公示期满停止公示",
        ),
    ),
)
