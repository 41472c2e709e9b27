"""laws, articles, power items, service guides, random-check list

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "law",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_law_created_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_law")),
    )
    op.create_table(
        "power_item_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("power_item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "penalty",
                "compulsion",
                "inspection",
                "levy",
                "license",
                "other",
                name="actionkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(length=500), nullable=False),
        sa.Column("duties", sa.Text(), nullable=False),
        sa.Column("accountability", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_power_item_version_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["power_item_id"],
            ["power_item.id"],
            name=op.f("fk_power_item_version_power_item_id_power_item"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_power_item_version_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_power_item_version")),
        sa.UniqueConstraint(
            "power_item_id", "version", name=op.f("uq_power_item_version_power_item_id")
        ),
    )
    op.create_index(
        op.f("ix_power_item_version_power_item_id"),
        "power_item_version",
        ["power_item_id"],
        unique=False,
    )
    op.create_table(
        "random_check_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_random_check_item_created_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_random_check_item")),
        sa.UniqueConstraint("code", name=op.f("uq_random_check_item_code")),
    )
    op.create_table(
        "service_guide",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("power_item_id", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_service_guide_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["power_item_id"],
            ["power_item.id"],
            name=op.f("fk_service_guide_power_item_id_power_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_guide")),
        sa.UniqueConstraint("power_item_id", name=op.f("uq_service_guide_power_item_id")),
    )
    op.create_table(
        "law_article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("law_id", sa.Integer(), nullable=False),
        sa.Column("article", sa.Integer(), nullable=False),
        sa.Column("paragraph", sa.Integer(), nullable=True),
        sa.Column("item", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_law_article_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["law_id"], ["law.id"], name=op.f("fk_law_article_law_id_law")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_law_article")),
    )
    op.create_index(op.f("ix_law_article_law_id"), "law_article", ["law_id"], unique=False)
    op.create_table(
        "law_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("law_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "revised", "repealed", "replaced", name="changekind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("law_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("affected", sa.JSON(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_law_change_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["law_id"], ["law.id"], name=op.f("fk_law_change_law_id_law")),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"], ["law.id"], name=op.f("fk_law_change_replaced_by_id_law")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_law_change")),
    )
    op.create_index(op.f("ix_law_change_law_id"), "law_change", ["law_id"], unique=False)
    op.create_table(
        "law_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("law_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "law",
                "admin_regulation",
                "local_regulation",
                "department_rule",
                "local_rule",
                "normative_document",
                name="lawlevel",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("issuing_body", sa.String(length=200), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=False),
        sa.Column("edition", sa.String(length=100), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("amended_on", sa.Date(), nullable=True),
        sa.Column("repealed_on", sa.Date(), nullable=True),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_law_version_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["law_id"], ["law.id"], name=op.f("fk_law_version_law_id_law")),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"], ["law.id"], name=op.f("fk_law_version_replaced_by_id_law")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_law_version")),
        sa.UniqueConstraint("law_id", "version", name=op.f("uq_law_version_law_id")),
    )
    op.create_index(op.f("ix_law_version_law_id"), "law_version", ["law_id"], unique=False)
    op.create_index(op.f("ix_law_version_title"), "law_version", ["title"], unique=False)
    op.create_table(
        "random_check_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("basis", sa.String(length=500), nullable=False),
        sa.Column("targets", sa.String(length=300), nullable=False),
        sa.Column("method", sa.String(length=300), nullable=False),
        sa.Column("frequency", sa.String(length=100), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_random_check_version_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["random_check_item.id"],
            name=op.f("fk_random_check_version_item_id_random_check_item"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_random_check_version_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_random_check_version")),
        sa.UniqueConstraint("item_id", "version", name=op.f("uq_random_check_version_item_id")),
    )
    op.create_index(
        op.f("ix_random_check_version_item_id"), "random_check_version", ["item_id"], unique=False
    )
    op.create_table(
        "service_guide_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("materials", sa.Text(), nullable=False),
        sa.Column("procedure", sa.Text(), nullable=False),
        sa.Column("time_limit", sa.String(length=200), nullable=False),
        sa.Column("fees", sa.String(length=200), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("contacts", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_service_guide_version_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["guide_id"],
            ["service_guide.id"],
            name=op.f("fk_service_guide_version_guide_id_service_guide"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_guide_version")),
        sa.UniqueConstraint("guide_id", "version", name=op.f("uq_service_guide_version_guide_id")),
    )
    op.create_index(
        op.f("ix_service_guide_version_guide_id"),
        "service_guide_version",
        ["guide_id"],
        unique=False,
    )
    op.create_table(
        "article_citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("power_item_version_id", sa.Integer(), nullable=True),
        sa.Column("random_check_version_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(power_item_version_id IS NULL) <> (random_check_version_id IS NULL)",
            name=op.f("ck_article_citation_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["law_article.id"],
            name=op.f("fk_article_citation_article_id_law_article"),
        ),
        sa.ForeignKeyConstraint(
            ["power_item_version_id"],
            ["power_item_version.id"],
            name=op.f("fk_article_citation_power_item_version_id_power_item_version"),
        ),
        sa.ForeignKeyConstraint(
            ["random_check_version_id"],
            ["random_check_version.id"],
            name=op.f("fk_article_citation_random_check_version_id_random_check_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_citation")),
    )
    op.create_index(
        op.f("ix_article_citation_article_id"), "article_citation", ["article_id"], unique=False
    )
    op.create_index(
        op.f("ix_article_citation_power_item_version_id"),
        "article_citation",
        ["power_item_version_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_article_citation_random_check_version_id"),
        "article_citation",
        ["random_check_version_id"],
        unique=False,
    )
    op.add_column(
        "power_item", sa.Column("current_version", sa.Integer(), server_default="1", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("power_item", "current_version")
    op.drop_index(
        op.f("ix_article_citation_random_check_version_id"), table_name="article_citation"
    )
    op.drop_index(op.f("ix_article_citation_power_item_version_id"), table_name="article_citation")
    op.drop_index(op.f("ix_article_citation_article_id"), table_name="article_citation")
    op.drop_table("article_citation")
    op.drop_index(op.f("ix_service_guide_version_guide_id"), table_name="service_guide_version")
    op.drop_table("service_guide_version")
    op.drop_index(op.f("ix_random_check_version_item_id"), table_name="random_check_version")
    op.drop_table("random_check_version")
    op.drop_index(op.f("ix_law_version_title"), table_name="law_version")
    op.drop_index(op.f("ix_law_version_law_id"), table_name="law_version")
    op.drop_table("law_version")
    op.drop_index(op.f("ix_law_change_law_id"), table_name="law_change")
    op.drop_table("law_change")
    op.drop_index(op.f("ix_law_article_law_id"), table_name="law_article")
    op.drop_table("law_article")
    op.drop_table("service_guide")
    op.drop_table("random_check_item")
    op.drop_index(op.f("ix_power_item_version_power_item_id"), table_name="power_item_version")
    op.drop_table("power_item_version")
    op.drop_table("law")
