from django.urls import path

from . import views, views_console

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("console/", views_console.console_page, name="console"),
    path("console/export/", views_console.console_export, name="console_export"),
    path("access-log/", views_console.access_log, name="access_log"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/accept/", views.finding_accept, name="finding_accept"),
    path("findings/<int:pk>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
]
