"""How often a client (or a person) may ask: 429 with Retry-After beyond its rate."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from integrations.models import parse_rate

from .auth import api_client_of


class ClientRateThrottle(BaseThrottle):
    """Requests per client (or per person) in fixed windows, counted in the shared cache.

    One increment per request, whatever the rate: DRF's sliding-window
    throttle keeps every timestamp and rewrites the list each time, which at
    hundreds of requests a second costs more than the answer.
    """

    def allow_request(self, request, view):
        client = api_client_of(request)
        if client is not None:
            ident, rate = f"client:{client.pk}", client.throttle_rate or settings.API_THROTTLE_RATE
        elif request.user and request.user.is_authenticated:
            ident, rate = f"user:{request.user.pk}", settings.API_USER_THROTTLE_RATE
        else:
            return True
        self.limit, self.period = parse_rate(rate)
        now = time.time()
        window = int(now // self.period)
        key = f"api-throttle:{ident}:{self.period}:{window}"
        cache.add(key, 0, timeout=self.period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.period + 1)
            count = 1
        self.wait_seconds = (window + 1) * self.period - now
        return count <= self.limit

    def wait(self):
        return self.wait_seconds
