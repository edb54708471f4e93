import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True, scope="module")
def _forget_cached_contest_time_zones():
    """contest.middleware caches each slug's time zone for 5 minutes in Redis; factory slugs (contest-0, …) come
    back in every test module, so leave no entry behind for the next module's contests."""
    yield
    cache.clear()
