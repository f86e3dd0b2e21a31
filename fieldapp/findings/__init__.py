"""Hallazgos / demandas ciudadanas and their follow-up."""
