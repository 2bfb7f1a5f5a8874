from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

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
