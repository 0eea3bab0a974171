"""Saved views: a list's search, filters and sort kept under a name, for one person or the whole workspace."""
