"""Text intelligence for evidence triage: kinds, sentiment, similar items, nearest neighbours, themes,
call-note splitting. Pure functions over plain data (numpy/scipy only); embeddings come from the caller."""
