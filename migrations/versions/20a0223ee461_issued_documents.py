"""issued documents

Revision ID: 20a0223ee461
Revises: b7be277107c8
Create Date: 2026-11-22 04:30:07.655431

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.orm


# revision identifiers, used by Alembic.
revision = '20a0223ee461'
down_revision = 'b7be277107c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('target', sa.String(length=80), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('issued_at', fieldapp.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('size > 0', name=op.f('ck_issued_documents_size_positive')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_issued_documents_issued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents'))
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_issued_documents_target'), ['target'], unique=False)



def downgrade():
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_target'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_code'))

    op.drop_table('issued_documents')
