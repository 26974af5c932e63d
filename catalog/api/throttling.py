"""The API's throttle; its own module because DRF imports it while loading views."""

import math

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    """NEWSCLIPS_API_ANON_RATE per client address, counted in the default cache.

    DRF's own throttle keeps a list of timestamps per address and writes it back
    (read, change, write): two app servers answering the same address at once
    both write their own list, and one request is forgotten. Here a request is one
    atomic `incr` of the current window's counter, so with a shared cache
    (NEWSCLIPS_CACHE_URL, Redis) every process counts into the same number. The
    limit is a sliding window estimated from two fixed ones: the previous
    window's count weighted by how much of it is still inside the last duration,
    plus the current one's (no double burst at a window's edge).

    The rate is read from the Django setting per request (DRF copies its own
    settings once at import), so the environment and tests can set it.
    """

    def get_rate(self):
        return settings.NEWSCLIPS_API_ANON_RATE

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window, elapsed = divmod(self.now, self.duration)
        window = int(window)
        current, previous = f"{key}:{window}", f"{key}:{window - 1}"
        # Kept for two durations: the next window still weighs this one.
        self.cache.add(current, 0, 2 * self.duration)
        try:
            count = self.cache.incr(current)
        except ValueError:  # evicted between add and incr
            self.cache.set(current, 1, 2 * self.duration)
            count = 1
        before = self.cache.get(previous, 0)
        weight = 1 - elapsed / self.duration
        self.estimate = count + before * weight
        self.window_left = self.duration - elapsed
        if self.estimate <= self.num_requests:
            return True
        return self.throttle_failure()

    def wait(self):
        """Seconds until the estimate is below the limit again (at most the window's rest)."""
        return max(1, math.ceil(self.window_left))
