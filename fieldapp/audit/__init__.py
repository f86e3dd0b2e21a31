"""The audit journal."""
