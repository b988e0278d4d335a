"""Alembic migrations of the newswatch schema (versions/).

HEAD is the newest revision: every command checks the database against it with one query
instead of loading Alembic and every migration script (a third of a short command's time).
tests/test_migrations.py checks that it names Alembic's own head; bump it with each migration.
"""

HEAD = "0013"
