"""team and training: teams, role history, courses, sessions, enrolments, certifications, onboarding,
and the drill sandbox (drills, drill_attempts)

Revision ID: 0009_team
Revises: 0008_customers
Create Date: 2026-12-05 23:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import claimops.db

revision = "0009_team"
down_revision = "0008_customers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("code", name=op.f("uq_courses_code")),
    )
    op.create_index(op.f("ix_courses_kind"), "courses", ["kind"], unique=False)
    op.create_table(
        "certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_certifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
    )
    op.create_index(op.f("ix_certifications_expires_on"), "certifications", ["expires_on"], unique=False)
    op.create_index(op.f("ix_certifications_user_id"), "certifications", ["user_id"], unique=False)
    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_drills_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drills")),
        sa.UniqueConstraint("number", name=op.f("uq_drills_number")),
    )
    op.create_table(
        "onboarding_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_onboarding_plans_mentor_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_onboarding_plans_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_plans")),
        sa.UniqueConstraint("user_id", name=op.f("uq_onboarding_plans_user_id")),
    )
    op.create_table(
        "required_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_required_courses_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_required_courses")),
        sa.UniqueConstraint("role", "course_id", name="uq_required_courses"),
    )
    op.create_index(op.f("ix_required_courses_role"), "required_courses", ["role"], unique=False)
    op.create_table(
        "role_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("authority_limit", claimops.db.Money(precision=14, scale=2), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_role_changes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_changes")),
    )
    op.create_index(op.f("ix_role_changes_user_id"), "role_changes", ["user_id"], unique=False)
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("created_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["users.id"], name=op.f("fk_teams_lead_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_index(op.f("ix_teams_lead_id"), "teams", ["lead_id"], unique=False)
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("trainer", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=64), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("scheduled_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_training_sessions_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_by"], ["users.id"], name=op.f("fk_training_sessions_scheduled_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
    )
    op.create_index(op.f("ix_training_sessions_course_id"), "training_sessions", ["course_id"], unique=False)
    op.create_index(op.f("ix_training_sessions_starts_at"), "training_sessions", ["starts_at"], unique=False)
    op.create_table(
        "drill_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("started_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", claimops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("amount", claimops.db.Money(precision=14, scale=2), nullable=True),
        sa.Column("requested_documents", sa.JSON(), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("triage", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", claimops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["drill_id"], ["drills.id"], name=op.f("fk_drill_attempts_drill_id_drills")),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["users.id"], name=op.f("fk_drill_attempts_reviewed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["users.id"], name=op.f("fk_drill_attempts_trainee_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_attempts")),
    )
    op.create_index(op.f("ix_drill_attempts_drill_id"), "drill_attempts", ["drill_id"], unique=False)
    op.create_index(op.f("ix_drill_attempts_trainee_id"), "drill_attempts", ["trainee_id"], unique=False)
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("recorded_at", claimops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training_sessions.id"], name=op.f("fk_enrolments_session_id_training_sessions")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_enrolments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint("session_id", "user_id", name="uq_enrolments_session_user"),
    )
    op.create_index(op.f("ix_enrolments_session_id"), "enrolments", ["session_id"], unique=False)
    op.create_index(op.f("ix_enrolments_user_id"), "enrolments", ["user_id"], unique=False)
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_members_team_id_teams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_team_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
        sa.UniqueConstraint("user_id", name="uq_team_members_user"),
    )
    op.create_index(op.f("ix_team_members_team_id"), "team_members", ["team_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_team_members_team_id"), table_name="team_members")
    op.drop_table("team_members")
    op.drop_index(op.f("ix_enrolments_user_id"), table_name="enrolments")
    op.drop_index(op.f("ix_enrolments_session_id"), table_name="enrolments")
    op.drop_table("enrolments")
    op.drop_index(op.f("ix_drill_attempts_trainee_id"), table_name="drill_attempts")
    op.drop_index(op.f("ix_drill_attempts_drill_id"), table_name="drill_attempts")
    op.drop_table("drill_attempts")
    op.drop_index(op.f("ix_training_sessions_starts_at"), table_name="training_sessions")
    op.drop_index(op.f("ix_training_sessions_course_id"), table_name="training_sessions")
    op.drop_table("training_sessions")
    op.drop_index(op.f("ix_teams_lead_id"), table_name="teams")
    op.drop_table("teams")
    op.drop_index(op.f("ix_role_changes_user_id"), table_name="role_changes")
    op.drop_table("role_changes")
    op.drop_index(op.f("ix_required_courses_role"), table_name="required_courses")
    op.drop_table("required_courses")
    op.drop_table("onboarding_plans")
    op.drop_table("drills")
    op.drop_index(op.f("ix_certifications_user_id"), table_name="certifications")
    op.drop_index(op.f("ix_certifications_expires_on"), table_name="certifications")
    op.drop_table("certifications")
    op.drop_index(op.f("ix_courses_kind"), table_name="courses")
    op.drop_table("courses")
