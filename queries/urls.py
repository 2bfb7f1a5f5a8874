from django.urls import path

from . import views

app_name = "queries"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("<int:pk>/document/", views.request_document, name="request_document"),
]
