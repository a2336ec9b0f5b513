"""The one error the store raises: a message a person can act on, nothing written."""

from __future__ import annotations


class StoreError(Exception):
    """Opening or using the database failed for a reason the user can fix."""


class NeedsMigration(StoreError):
    """The database is of an older schema and was opened read-only."""
