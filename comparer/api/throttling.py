from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class PartnerRateThrottle(ScopedRateThrottle):
    """Per-partner rates by endpoint scope (``read``, ``search``, ``submit``, ``export``).

    A partner account holds one API token (DRF authtoken), so the per-account bucket DRF keys on
    is the per-token bucket. Rates are read from settings on every request, not frozen at import,
    so operators (and tests) can change them with the settings.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
