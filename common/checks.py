from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def dev_keys_in_production(app_configs, **kwargs):
    errors = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(Error("SECRET_KEY is the development default.", id="fengcun.E001"))
    if settings.DEV_FIELD_ENCRYPTION_KEY in settings.FIELD_ENCRYPTION_KEYS:
        errors.append(Error("FIELD_ENCRYPTION_KEYS holds the development key.", id="fengcun.E002"))
    if settings.BLIND_INDEX_KEY == settings.DEV_BLIND_INDEX_KEY:
        errors.append(Error("BLIND_INDEX_KEY is the development default.", id="fengcun.E003"))
    return errors
