"""The public roadmap and changelog of a product, shared by an unguessable link, and what customers send from it."""
