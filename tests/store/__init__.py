"""Tests of the persistence layer, run on SQLite and on PostgreSQL."""
