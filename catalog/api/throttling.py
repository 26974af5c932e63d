"""The API's throttle; its own module because DRF imports it while loading views."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    """AnonRateThrottle at settings.NEWSCLIPS_API_ANON_RATE, read per request.

    DRF copies its throttle rates once at import; reading the Django setting here
    lets the environment (and tests) set the rate.
    """

    def get_rate(self):
        return settings.NEWSCLIPS_API_ANON_RATE
