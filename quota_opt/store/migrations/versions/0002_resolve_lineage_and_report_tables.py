"""Re-solves: the run a re-solve revised, and the named report tables of a run (what changed,
marginal values, unmet demand) beside its allocation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain column (no foreign key): SQLite adds it without copying the table
    op.add_column("runs", sa.Column("previous_run_id", sa.Integer, nullable=True))
    op.create_index("ix_runs_previous_run_id", "runs", ["previous_run_id"])
    op.create_table(
        "run_tables",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "name", name="pk_run_tables"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE", name="fk_run_tables_run_id_runs"),
    )


def downgrade() -> None:
    op.drop_table("run_tables")
    op.drop_index("ix_runs_previous_run_id", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("previous_run_id")
