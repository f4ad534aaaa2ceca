"""Build a whole team: consortium proposals and action-group assignment under constraints (exact 0/1 programs)."""
