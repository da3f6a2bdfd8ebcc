"""The shared cache on Redis, with this process's memory standing in while Redis is down.

The cache holds nothing that cannot be lost: the API's request counts (the
throttle) and a "rebuild already asked for" flag. Django's RedisCache raises
when Redis cannot be reached, which would turn every API call and the
dashboard into a 500; here a failure switches this process to a local
memory cache for a few seconds, then Redis is tried again. Throttling goes
on per process meanwhile (each web process counts its own requests).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _fallback_method(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return getattr(self._local, name)(*args, **kwargs)
        try:
            return redis_method(self, *args, **kwargs)
        except _UNREACHABLE as exc:
            if self._down_until == 0.0 or time.monotonic() >= self._down_until:
                logger.warning("cache: Redis unreachable (%s); using this process's memory", exc)
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return getattr(self._local, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A Redis host that does not answer must not hold a request for the OS's TCP timeout.
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, params)
        self._local = LocMemCache(f"redis-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    def delete_many(self, keys, version=None):
        self._local.delete_many(keys, version=version)
        try:
            return super().delete_many(keys, version=version)
        except _UNREACHABLE:
            return None

    def clear(self):
        self._local.clear()
        try:
            return super().clear()
        except _UNREACHABLE:
            return False


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many"):
    setattr(FallbackRedisCache, _name, _fallback_method(_name))
