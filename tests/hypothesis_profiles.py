"""Hypothesis settings for the fuzz tests (tests/test_fuzz_*.py), imported by them.

Profiles, chosen with ``HYPOTHESIS_PROFILE`` (else ``ci`` when ``CI`` is set, else
``dev``):

- ``ci`` and ``dev``: a few dozen cases per target, so the whole fuzz suite runs in
  well under a minute; the deadline catches inputs that make a parser slow.
- ``long``: the campaign, 100,000 cases per target (``FUZZ_EXAMPLES`` changes it)::

      HYPOTHESIS_PROFILE=long .venv/bin/pytest -p no:cacheprovider -n 2 \\
          --hypothesis-show-statistics tests/test_fuzz_importers.py tests/test_fuzz_query.py

Failures found are kept in Hypothesis's example database (``.hypothesis/``) and tried
first on the next run; the nasty inputs found so far are files in tests/fixtures/nasty/.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

# Data strategies are large and slow to make by design; that is not the code's fault.
_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "dev", max_examples=25, deadline=timedelta(seconds=10), derandomize=False,
    suppress_health_check=_SLOW_DATA, print_blob=True)
# CI: the same figures, derandomized so a run is repeatable from the commit alone.
settings.register_profile(
    "ci", max_examples=25, deadline=timedelta(seconds=10), derandomize=True,
    suppress_health_check=_SLOW_DATA, print_blob=True, database=None)
settings.register_profile(
    "long", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "100000")),
    deadline=timedelta(seconds=20), suppress_health_check=_SLOW_DATA, print_blob=True)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
settings.load_profile(PROFILE)
