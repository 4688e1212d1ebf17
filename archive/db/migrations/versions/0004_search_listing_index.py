"""A covering index (id, page_type, published_at) on article_versions for search

SQLite stores page_type and published_at after the body, so search's page-type filter and
date sort read every match's body overflow pages without it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_article_versions_listing", "article_versions", ["id", "page_type", "published_at"])


def downgrade() -> None:
    op.drop_index("ix_article_versions_listing", table_name="article_versions")
