"""Settings for benchmarks/eligibility.py: the app's own, plus the bare baseline view's URL."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
