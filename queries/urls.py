from django.urls import path

from . import views

app_name = "queries"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("<int:pk>/undertaking/", views.request_undertaking, name="request_undertaking"),
    path("<int:pk>/document/", views.request_document, name="request_document"),
    path("<int:pk>/objections/new/", views.objection_create, name="objection_create"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("objections/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/extend/", views.objection_extend, name="objection_extend"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("objections/<int:pk>/document/", views.objection_document, name="objection_document"),
    path("disclosed/", views.disclosed_to_me, name="disclosed_to_me"),
]
