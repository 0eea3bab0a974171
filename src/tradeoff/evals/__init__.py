"""Accuracy evaluations that anyone can rerun on their own history (`tradeoff eval ...`)."""
