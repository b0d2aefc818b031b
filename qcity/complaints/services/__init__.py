"""Writes of the complaints module, one module per concept: intake, routing (and direct settlement),
handling, classification, rewards, feedback (credit and indicators), retention. `events.py` writes the
history row and the audit record every step leaves."""
