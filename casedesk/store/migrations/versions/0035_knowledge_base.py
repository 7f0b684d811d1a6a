"""The knowledge base: categories, articles and their translations, versions, files,
feedback and deflections, with each language's full-text index.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 01:14:17.196948
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | Sequence[str] | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copy of the model's id type, so this revision never changes with the models.
#: Frozen copy of casedesk.domain.knowledge.LANGUAGES: one partial index per language.
LANGUAGES = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "sv": "swedish",
    "da": "danish",
    "nb": "norwegian",
    "fi": "finnish",
}
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: SQLite: an FTS5 index over kb_translations.search_text (external content) kept in
#: step by triggers; porter stems English words, the others match by prefix.
SQLITE_FTS = (
    """
    CREATE VIRTUAL TABLE kb_fts USING fts5(
        search_text, content='kb_translations', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER kb_translations_ai AFTER INSERT ON kb_translations BEGIN
        INSERT INTO kb_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
    """
    CREATE TRIGGER kb_translations_ad AFTER DELETE ON kb_translations BEGIN
        INSERT INTO kb_fts(kb_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END
    """,
    """
    CREATE TRIGGER kb_translations_au AFTER UPDATE OF id, search_text ON kb_translations
    BEGIN
        INSERT INTO kb_fts(kb_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO kb_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
)


def upgrade() -> None:
    op.create_table(
        "kb_categories",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_kb_categories_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_categories")),
        sa.UniqueConstraint(
            "corporation_id", "slug", name=op.f("uq_kb_categories_corporation_id_slug")
        ),
    )
    with op.batch_alter_table("kb_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_categories_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "kb_articles",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("category_id", ID, nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["kb_categories.id"],
            name=op.f("fk_kb_articles_category_id_kb_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_kb_articles_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_kb_articles_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
    )
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_articles_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_kb_articles_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "kb_files",
        sa.Column("id", ID, nullable=False),
        sa.Column("article_id", ID, nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_files_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_kb_files_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_files")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_kb_files_storage_key")),
    )
    with op.batch_alter_table("kb_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_files_article_id"), ["article_id"], unique=False)

    op.create_table(
        "kb_translations",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("article_id", ID, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_translations_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_kb_translations_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_kb_translations_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_translations")),
        sa.UniqueConstraint(
            "article_id", "language", name=op.f("uq_kb_translations_article_id_language")
        ),
        sa.UniqueConstraint(
            "corporation_id",
            "language",
            "slug",
            name=op.f("uq_kb_translations_corporation_id_language_slug"),
        ),
    )
    with op.batch_alter_table("kb_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_translations_article_id"), ["article_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_kb_translations_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "kb_deflections",
        sa.Column("id", ID, nullable=False),
        sa.Column("translation_id", ID, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_kb_deflections_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["kb_translations.id"],
            name=op.f("fk_kb_deflections_translation_id_kb_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_deflections")),
    )
    with op.batch_alter_table("kb_deflections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_deflections_translation_id"), ["translation_id"], unique=False
        )

    op.create_table(
        "kb_feedback",
        sa.Column("id", ID, nullable=False),
        sa.Column("translation_id", ID, nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_kb_feedback_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["kb_translations.id"],
            name=op.f("fk_kb_feedback_translation_id_kb_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_feedback")),
    )
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_feedback_translation_id"), ["translation_id"], unique=False
        )

    op.create_table(
        "kb_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("translation_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("change", sa.String(length=40), nullable=False),
        sa.Column("changed_by_id", ID, nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_kb_versions_changed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["kb_translations.id"],
            name=op.f("fk_kb_versions_translation_id_kb_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_versions")),
        sa.UniqueConstraint(
            "translation_id", "version", name=op.f("uq_kb_versions_translation_id_version")
        ),
    )
    with op.batch_alter_table("kb_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_versions_translation_id"), ["translation_id"], unique=False
        )

    _create_search_index()


def _create_search_index() -> None:
    """See casedesk.services.knowledge.search for how these are queried."""
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        for code, config in LANGUAGES.items():
            op.create_index(
                f"ix_kb_translations_tsv_{code}",
                "kb_translations",
                [sa.text(f"to_tsvector('{config}', search_text)")],
                postgresql_using="gin",
                postgresql_where=sa.text(f"language = '{code}'"),
            )
    elif dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TABLE kb_fts")  # its triggers go with kb_translations
    else:
        for code in LANGUAGES:
            op.drop_index(f"ix_kb_translations_tsv_{code}", table_name="kb_translations")
    with op.batch_alter_table("kb_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_versions_translation_id"))

    op.drop_table("kb_versions")
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_feedback_translation_id"))

    op.drop_table("kb_feedback")
    with op.batch_alter_table("kb_deflections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_deflections_translation_id"))

    op.drop_table("kb_deflections")
    with op.batch_alter_table("kb_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_translations_corporation_id"))
        batch_op.drop_index(batch_op.f("ix_kb_translations_article_id"))

    op.drop_table("kb_translations")
    with op.batch_alter_table("kb_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_files_article_id"))

    op.drop_table("kb_files")
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_articles_corporation_id"))
        batch_op.drop_index(batch_op.f("ix_kb_articles_category_id"))

    op.drop_table("kb_articles")
    with op.batch_alter_table("kb_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_categories_corporation_id"))

    op.drop_table("kb_categories")
