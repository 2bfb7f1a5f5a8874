from django.conf import settings
from django.core.checks import Error, register

from .services import MIN_RETENTION_DAYS


@register()
def retention_is_long_enough(app_configs=None, **kwargs):
    days = getattr(settings, "FENGCUN_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [Error(f"FENGCUN_AUDIT_RETENTION_DAYS={days}: the audit trail is kept at least "
                      f"{MIN_RETENTION_DAYS} days (网络安全法 art. 21)", id="audit.E001")]
    return []
