"""Top-level mode screens and the detail screens pushed on them."""
