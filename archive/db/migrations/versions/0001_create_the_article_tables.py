"""Create the article tables

Revision ID: 0001
Revises:
Create Date: 2026-11-29 02:11:27.096001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('authors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=False),
    sa.Column('name_key', sa.String(length=512), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authors')),
    sa.UniqueConstraint('name_key', name=op.f('uq_authors_name_key'))
    )
    op.create_table('crawls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spider', sa.String(length=255), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('seeds', sa.JSON(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('articles_new', sa.Integer(), nullable=False),
    sa.Column('versions_new', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawls'))
    )
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('host', name=op.f('uq_sites_host'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('canonical_url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=64), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_count', sa.Integer(), nullable=False),
    sa.Column('latest_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_articles_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('url_key', name=op.f('uq_articles_url_key'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_latest_version_id'), ['latest_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_site_id'), ['site_id'], unique=False)

    op.create_table('captures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=64), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('mime_type', sa.String(length=255), nullable=True),
    sa.Column('payload_digest', sa.String(length=255), nullable=True),
    sa.Column('warc_file', sa.String(length=1024), nullable=False),
    sa.Column('warc_offset', sa.BigInteger(), nullable=False),
    sa.Column('warc_length', sa.BigInteger(), nullable=False),
    sa.Column('record_id', sa.String(length=255), nullable=False),
    sa.Column('revisit_of', sa.String(length=255), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('article_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawls.id'], name=op.f('fk_captures_crawl_id_crawls'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_captures_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_captures')),
    sa.UniqueConstraint('record_id', name=op.f('uq_captures_record_id'))
    )
    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_captures_article_version_id'), ['article_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_captures_crawl_id'), ['crawl_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_captures_payload_digest'), ['payload_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_captures_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_captures_url_fetched', ['url_key', 'fetched_at'], unique=False)

    op.create_table('article_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('published', sa.String(length=64), nullable=True),
    sa.Column('modified', sa.String(length=64), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('section', sa.String(length=255), nullable=True),
    sa.Column('page_type', sa.String(length=32), nullable=False),
    sa.Column('extractor', sa.String(length=128), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capture_id', sa.Integer(), nullable=True),
    sa.Column('last_capture_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_versions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['capture_id'], ['captures.id'], name=op.f('fk_article_versions_capture_id_captures'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_capture_id'], ['captures.id'], name=op.f('fk_article_versions_last_capture_id_captures'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_versions')),
    sa.UniqueConstraint('article_id', 'number', name='uq_article_versions_article_number')
    )
    with op.batch_alter_table('article_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_versions_language'), ['language'], unique=False)
        batch_op.create_index('ix_article_versions_published_at', ['published_at'], unique=False)

    op.create_table('article_version_authors',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_article_version_authors_author_id_authors')),
    sa.ForeignKeyConstraint(['version_id'], ['article_versions.id'], name=op.f('fk_article_version_authors_version_id_article_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'position', name=op.f('pk_article_version_authors'))
    )
    with op.batch_alter_table('article_version_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_version_authors_author_id'), ['author_id'], unique=False)

    op.create_table('images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('src', sa.Text(), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('credit', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['article_versions.id'], name=op.f('fk_images_version_id_article_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_images')),
    sa.UniqueConstraint('version_id', 'position', name='uq_images_version_position')
    )


def downgrade() -> None:
    op.drop_table('images')
    with op.batch_alter_table('article_version_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_version_authors_author_id'))

    op.drop_table('article_version_authors')
    with op.batch_alter_table('article_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_article_versions_published_at')
        batch_op.drop_index(batch_op.f('ix_article_versions_language'))

    op.drop_table('article_versions')
    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.drop_index('ix_captures_url_fetched')
        batch_op.drop_index(batch_op.f('ix_captures_site_id'))
        batch_op.drop_index(batch_op.f('ix_captures_payload_digest'))
        batch_op.drop_index(batch_op.f('ix_captures_crawl_id'))
        batch_op.drop_index(batch_op.f('ix_captures_article_version_id'))

    op.drop_table('captures')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_site_id'))
        batch_op.drop_index(batch_op.f('ix_articles_latest_version_id'))

    op.drop_table('articles')
    op.drop_table('sites')
    op.drop_table('crawls')
    op.drop_table('authors')
