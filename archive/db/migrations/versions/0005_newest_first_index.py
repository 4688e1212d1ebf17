"""A newest-first index on article_versions (published_at DESC NULLS LAST) for PostgreSQL

Browsing with no search words lists the newest articles first (``ORDER BY published_at
DESC NULLS LAST``). PostgreSQL's ascending index, read backwards, yields NULLs *first*,
so it cannot serve that order: every version was sorted (891 ms at 100,000 articles).
SQLite needs nothing: NULLs sort lowest there, so ``ix_article_versions_published_at``
read backwards is already ``DESC NULLS LAST`` (and SQLite indexes cannot say NULLS LAST).
The index lives outside the models, as the other engine-specific search indexes do
(``migrations/env.py``'s ``SEARCH_INDEXES``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NEWEST_INDEX = "ix_article_versions_newest"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS {NEWEST_INDEX} ON article_versions "
                   "(published_at DESC NULLS LAST, id DESC)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {NEWEST_INDEX}")
