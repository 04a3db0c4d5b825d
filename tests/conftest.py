"""Test-wide settings: property tests are deterministic unless asked to explore."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The same examples on every run, so CI never fails on a case no one has seen; the
# health checks about slow generation are for interactive use on a loaded machine.
settings.register_profile(
    "repeatable",
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large],
)
# `HYPOTHESIS_PROFILE=explore python -m pytest` draws new examples each run.
settings.register_profile("explore", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
