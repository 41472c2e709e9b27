"""双随机 inspection tasks (one per drawn target: its case, team and result) and results'
publication obligations without a decision document (publication_obligation.document_id
nullable: a result is linked from its task)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RESULTS = (
    "未发现问题",
    "发现问题已责令改正",
    "发现问题已立案查处",
    "发现问题待后续处理",
    "未按规定公示应当公示的信息",
    "公示信息隐瞒真实情况、弄虚作假",
    "通过登记的住所（经营场所）无法联系",
    "不配合检查情节严重",
    "未发现开展本次抽查涉及的经营活动",
)


def upgrade() -> None:
    with op.batch_alter_table("publication_obligation") as batch:
        batch.alter_column("document_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "inspection_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("batch_index", sa.Integer(), nullable=False),
        sa.Column("target_uscc", sa.String(length=18), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("stratum", sa.String(length=50), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("external_members", sa.JSON(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.Enum(*_RESULTS, name="inspectionresult", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("penalty_action_id", sa.Integer(), nullable=True),
        sa.Column("result_revision", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_inspection_task_action_id_action")
        ),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["publication_obligation.id"],
            name=op.f("fk_inspection_task_obligation_id_publication_obligation"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["user_account.id"],
            name=op.f("fk_inspection_task_opened_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["penalty_action_id"],
            ["action.id"],
            name=op.f("fk_inspection_task_penalty_action_id_action"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plan.id"],
            name=op.f("fk_inspection_task_plan_id_inspection_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["user_account.id"],
            name=op.f("fk_inspection_task_recorded_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["inspection_subject.id"],
            name=op.f("fk_inspection_task_subject_id_inspection_subject"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_task")),
        sa.UniqueConstraint("action_id", name=op.f("uq_inspection_task_action_id")),
        sa.UniqueConstraint("obligation_id", name=op.f("uq_inspection_task_obligation_id")),
        sa.UniqueConstraint(
            "plan_id",
            "batch_index",
            "target_uscc",
            name=op.f("uq_inspection_task_plan_id"),
        ),
    )
    op.create_index(
        op.f("ix_inspection_task_plan_id"), "inspection_task", ["plan_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_inspection_task_plan_id"), table_name="inspection_task")
    op.drop_table("inspection_task")
    with op.batch_alter_table("publication_obligation") as batch:
        batch.alter_column("document_id", existing_type=sa.Integer(), nullable=False)
