"""Behaviour shared by every core record: CRUD, archive/restore, search, keyset pagination, idempotency."""
