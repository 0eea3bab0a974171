"""Technical blockers and risks, and what they mean for the business (slips at P85, commitments, ARR, objectives)."""
