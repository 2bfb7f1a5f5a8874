from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cases/", include("sealing.urls")),
    path("queries/", include("queries.urls")),
    path("oversight/", include("oversight.urls")),
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
]
