"""Recording rules: mandatory and optional recordings, continuity, exceptions, marks."""
