"""The database handle every use-case takes, named here for the faces that call the
use-cases but may not reach into the store themselves (the dialects)."""

from __future__ import annotations

from casedesk.store.db import Database

__all__ = ["Database"]
