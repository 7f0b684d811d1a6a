"""Persistence: SQLAlchemy models, engine set-up, repositories, migrations, search index."""
