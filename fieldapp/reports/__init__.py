"""Annual plan (POA) and reports."""
