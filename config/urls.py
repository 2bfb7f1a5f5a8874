from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import views

# the admin says whose it is, in the reader's language, not "Django administration"
admin.site.site_header = admin.site.site_title = format_lazy("{} · {}", _("Fengcun"), _("Administration"))
admin.site.index_title = _("Administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cases/", include("sealing.urls")),
    path("queries/", include("queries.urls")),
    path("oversight/", include("oversight.urls")),
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
    # browsers ask for /favicon.ico on pages that name no icon (the admin's): the app's icon, not a 404 in the console
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True)),
]
