"""Demo data for newcomers."""
