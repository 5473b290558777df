"""The first store: scenario versions, runs with their allocation, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scenario_versions"),
        sa.UniqueConstraint("content_hash", name="uq_scenario_versions_content_hash"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("scenario_version_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("objective", sa.Float, nullable=True),
        sa.Column("gap", sa.Float, nullable=True),
        sa.Column("build_seconds", sa.Float, nullable=True),
        sa.Column("solve_seconds", sa.Float, nullable=True),
        sa.Column("dwellings", sa.Integer, nullable=True),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("solver_log", sa.Text, nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.ForeignKeyConstraint(["scenario_version_id"], ["scenario_versions.id"],
                                name="fk_runs_scenario_version_id_scenario_versions"),
    )
    op.create_index("ix_runs_scenario_version_id", "runs", ["scenario_version_id"])
    op.create_index("ix_runs_started_at", "runs", ["started_at"])
    op.create_table(
        "run_allocations",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("group_id", sa.String(200), nullable=False),
        sa.Column("dwelling_type", sa.String(200), nullable=False),
        sa.Column("corporation", sa.String(200), nullable=False),
        sa.Column("district", sa.String(200), nullable=False),
        sa.Column("period", sa.String(200), nullable=False),
        sa.Column("dwellings", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "group_id", "dwelling_type", "corporation", "district", "period",
                                name="pk_run_allocations"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE", name="fk_run_allocations_run_id_runs"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("adopted_by", sa.String(200), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_decisions_run_id_runs"),
    )
    op.create_index("ix_decisions_run_id", "decisions", ["run_id"])


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_table("run_allocations")
    op.drop_index("ix_runs_started_at", "runs")
    op.drop_index("ix_runs_scenario_version_id", "runs")
    op.drop_table("runs")
    op.drop_table("scenario_versions")
