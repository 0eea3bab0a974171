"""What needs the PM this week: commitments at risk, stale plans, unestimated work, blockers, waiting feedback."""
