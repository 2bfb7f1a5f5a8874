from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Agencies and users")

    def ready(self):
        from . import signals  # noqa: F401  (connects the session and lockout receivers)
        from .roles import ensure_role_groups

        # Permissions exist only after every app migrated: grant them to the role groups then.
        post_migrate.connect(lambda **kw: ensure_role_groups(), dispatch_uid="accounts.ensure_role_groups", weak=False)
