"""Validate a loaded project: ``check_*(project) -> diagnostics`` (and results)."""
