from django.urls import path

from . import views, views_console
from . import views_instruments as vi

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
    path("instruments/", vi.instrument_list, name="instrument_list"),
    path("instruments/new/", vi.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/", vi.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/edit/", vi.instrument_edit, name="instrument_edit"),
    path("instruments/<int:pk>/submit/", vi.instrument_submit, name="instrument_submit"),
    path("instruments/<int:pk>/approve/", vi.instrument_approve, name="instrument_approve"),
    path("instruments/<int:pk>/issue/", vi.instrument_issue, name="instrument_issue"),
    path("instruments/<int:pk>/accept/", vi.instrument_accept, name="instrument_accept"),
    path("instruments/<int:pk>/reject/", vi.instrument_reject, name="instrument_reject"),
    path("instruments/<int:pk>/review/", vi.instrument_review_answer, name="instrument_review_answer"),
    path("instruments/<int:pk>/close/", vi.instrument_close, name="instrument_close"),
    path("instruments/<int:pk>/pdf/", vi.instrument_pdf, name="instrument_pdf"),
    path("inbox/", vi.inbox, name="inbox"),
    path("inbox/<int:pk>/", vi.inbox_detail, name="inbox_detail"),
    path("inbox/<int:pk>/reply/", vi.instrument_reply, name="instrument_reply"),
    path("inbox/<int:pk>/review/", vi.instrument_review_request, name="instrument_review_request"),
    path("attachments/<int:pk>/", vi.reply_attachment, name="reply_attachment"),
]
