"""Watched sites, their crawl frontier, and schedules

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 02:46:16.236265
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('watched_sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('feeds', sa.JSON(), nullable=False),
    sa.Column('sitemaps', sa.JSON(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('allow', sa.JSON(), nullable=False),
    sa.Column('deny', sa.JSON(), nullable=False),
    sa.Column('adhoc', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_crawl_started', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_crawl_finished', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watched_sites')),
    sa.UniqueConstraint('name', name=op.f('uq_watched_sites_name'))
    )
    op.create_table('schedule_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watched_site_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('exit_code', sa.Integer(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('log_path', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['watched_site_id'], ['watched_sites.id'], name=op.f('fk_schedule_runs_watched_site_id_watched_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_runs'))
    )
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_runs_watched_site_id'), ['watched_site_id'], unique=False)

    op.create_table('schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watched_site_id', sa.Integer(), nullable=False),
    sa.Column('every_seconds', sa.Integer(), nullable=True),
    sa.Column('cron', sa.String(length=100), nullable=True),
    sa.Column('next_run', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['watched_site_id'], ['watched_sites.id'], name=op.f('fk_schedules_watched_site_id_watched_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedules')),
    sa.UniqueConstraint('watched_site_id', name=op.f('uq_schedules_watched_site_id'))
    )
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedules_next_run'), ['next_run'], unique=False)

    op.create_table('url_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watched_site_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('discovered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_fetched', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fetch_count', sa.Integer(), nullable=False),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('etag', sa.String(length=512), nullable=True),
    sa.Column('last_modified', sa.String(length=64), nullable=True),
    sa.Column('payload_digest', sa.String(length=64), nullable=True),
    sa.Column('record_id', sa.String(length=255), nullable=True),
    sa.Column('warc_date', sa.String(length=40), nullable=True),
    sa.Column('target_uri', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.ForeignKeyConstraint(['watched_site_id'], ['watched_sites.id'], name=op.f('fk_url_states_watched_site_id_watched_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_url_states')),
    sa.UniqueConstraint('watched_site_id', 'url_key', name='uq_url_states_site_url')
    )
    with op.batch_alter_table('url_states', schema=None) as batch_op:
        batch_op.create_index('ix_url_states_site_due', ['watched_site_id', 'next_due'], unique=False)
        batch_op.create_index('ix_url_states_site_status', ['watched_site_id', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('url_states', schema=None) as batch_op:
        batch_op.drop_index('ix_url_states_site_status')
        batch_op.drop_index('ix_url_states_site_due')

    op.drop_table('url_states')
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedules_next_run'))

    op.drop_table('schedules')
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_runs_watched_site_id'))

    op.drop_table('schedule_runs')
    op.drop_table('watched_sites')
