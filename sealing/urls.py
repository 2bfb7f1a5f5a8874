from django.urls import path

from . import views, views_files, views_imports, views_observation, views_sweeps
from . import views_notices  # the agencies' sealing notices

app_name = "sealing"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("export/", views_imports.case_export, name="case_export"),
    path("import/", views_imports.import_upload, name="import_upload"),
    path("import/template/", views_imports.import_template, name="import_template"),
    path("import/<int:pk>/", views_imports.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", views_imports.import_progress, name="import_progress"),
    path("import/<int:pk>/confirm/", views_imports.import_confirm, name="import_confirm"),
    path("import/<int:pk>/errors/", views_imports.import_errors, name="import_errors"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/defendants/add/", views.defendant_form, name="defendant_add"),
    path("<int:pk>/defendants/<int:defendant_pk>/edit/", views.defendant_form, name="defendant_edit"),
    path("<int:pk>/records/new/", views.record_create, name="record_create"),
    path("records/", views.record_list, name="record_list"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("charges/", views.charge_list, name="charge_list"),
    path("charges/search/", views.charge_search, name="charge_search"),
    path("sealing/", views_files.work_queue, name="work_queue"),
    path("notices/", views_notices.notice_inbox, name="notice_inbox"),
    path("notices/seal/", views_notices.notice_seal, name="notice_seal"),
    path("notices/<int:pk>/", views_notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", views_notices.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/acknowledge/", views_notices.notice_acknowledge, name="notice_acknowledge"),
    path("files/<int:pk>/", views_files.file_detail, name="file_detail"),
    path("files/<int:pk>/open/", views_files.file_open, name="file_open"),
    path("files/<int:pk>/seal/", views_files.file_seal, name="file_seal"),
    path("files/<int:pk>/evaluate/", views_files.file_evaluate, name="file_evaluate"),
    path("files/<int:pk>/unseal/", views_files.file_unseal, name="file_unseal"),
    path("files/<int:pk>/events/new/", views_files.event_create, name="event_create"),
    path("files/<int:pk>/service/new/", views_observation.service_create, name="service_create"),
    path("service/<int:pk>/verify/", views_observation.service_verify, name="service_verify"),
    path("service/<int:pk>/reject/", views_observation.service_reject, name="service_reject"),
    path("events/<int:pk>/edit/", views_observation.event_edit, name="event_edit"),
    path("events/<int:pk>/withdraw/", views_observation.event_withdraw, name="event_withdraw"),
    path("sweeps/", views_sweeps.sweep_list, name="sweep_list"),
    path("sweeps/start/", views_sweeps.sweep_start, name="sweep_start"),
    path("sweeps/<int:pk>/", views_sweeps.sweep_detail, name="sweep_detail"),
    path("sweeps/<int:pk>/progress/", views_sweeps.sweep_progress, name="sweep_progress"),
]
