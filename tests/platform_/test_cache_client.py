"""The Redis cache keeps one client per connection pool instead of making one per call."""

from django.core.cache import caches


def test_the_cache_reuses_its_redis_client_and_still_reads_and_writes():
    cache = caches["default"]
    assert cache._cache.get_client() is cache._cache.get_client()
    assert cache._cache.get_client(write=True) is cache._cache.get_client()  # one server
    cache.set("client-reuse-check", {"n": 1}, 30)
    assert cache.get("client-reuse-check") == {"n": 1}
    cache.delete("client-reuse-check")
