"""Uploads (application documents, confidentiality undertakings, objections): PDF, JPEG or PNG by content,
within the size limit, stored encrypted in the database and downloaded only through a view that checks
permission and logs; issued PDFs are encrypted at rest too. And Q-SCOPE: a unit's permit needs its signed
confidentiality undertaking, stored with it."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from queries import services, uploads
from queries.models import Attachment, AttachmentKind, DownloadLog, QueryDocument, QueryRequest, QueryStatus, Undertaking
from tests.queries.test_query_desk import (
    SUBJECT_ID,
    TODAY,
    decide,
    detail,
    sealed_juvenile_case,
    take,
    take_judicial,
    undertake,
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def raw(table: str, column: str, pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return bytes(cursor.fetchone()[0])


@pytest.mark.parametrize("name, data, ok", [
    ("申请书.pdf", PDF, True),
    ("scan.PNG", PNG, True),
    ("photo.jpeg", JPEG, True),
    ("photo.jpg", JPEG, True),
    ("申请书.pdf", PNG, False),  # the name says PDF, the content is an image
    ("notes.png", b"just some text", False),
    ("tool.exe", b"MZ\x90\x00", False),
    ("page.html", b"<html>%PDF-", False),
    ("empty.pdf", b"", False),
])
def test_only_pdf_jpeg_or_png_by_content_and_name(name, data, ok):
    upload = SimpleUploadedFile(name, data)
    if ok:
        checked = uploads.check(upload)
        assert checked.data == data and checked.filename == name
    else:
        with pytest.raises(uploads.UploadRejected):
            uploads.check(upload)


@override_settings(FENGCUN_UPLOAD_MAX_BYTES=1024)
def test_uploads_are_limited_in_size():
    uploads.check(SimpleUploadedFile("ok.pdf", PDF + b" " * (1024 - len(PDF))))
    with pytest.raises(uploads.UploadRejected, match="MB"):
        uploads.check(SimpleUploadedFile("big.pdf", PDF + b" " * 1024))


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def intake(client, application):
    return client.post(reverse("queries:request_create"), {
        "received": "2026-11-02", "requester_kind": "self", "requester_name": "少年戊",
        "requester_id_number": SUBJECT_ID, "subject_name": "少年戊", "subject_id_number": SUBJECT_ID,
        "purpose": "certificate", "application": application})


def test_an_application_is_stored_encrypted_and_served_only_to_its_agency_with_a_log(cast, login, clock):
    response = intake(login(cast.clerk_a), SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == AttachmentKind.APPLICATION and attachment.data == PDF and attachment.size == len(PDF)
    stored = raw("queries_attachment", "data", attachment.pk)
    assert PDF not in stored and stored.startswith(b"gAAAA")  # a Fernet token
    assert "%PDF" not in str(Attachment.history.model.objects.values().first())  # history keeps no content

    url = reverse("queries:attachment_download", args=[attachment.pk])
    assert login(cast.clerk_b).get(url).status_code == 404
    assert not DownloadLog.objects.exists()
    response = login(cast.reviewer_a).get(url)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    log = DownloadLog.objects.get()
    assert log.user == cast.reviewer_a and log.attachment == attachment and log.request == attachment.request


def test_a_disguised_file_is_refused_at_intake(cast, login, clock):
    response = intake(login(cast.clerk_a), SimpleUploadedFile("申请书.pdf", b"<script>alert(1)</script>"))
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not QueryRequest.objects.exists() and not Attachment.objects.exists()


def test_the_service_checks_uploads_too(cast):
    with pytest.raises(services.QueryError):
        take(cast, application=SimpleUploadedFile("x.pdf", b"MZ\x90\x00"))
    assert not QueryRequest.objects.exists()


def test_issued_documents_are_encrypted_at_rest(cast):
    sealed_juvenile_case(cast)
    decided = decide(take_judicial(cast, purpose="general_recidivism"), cast.reviewer_a, "refuse")
    document = QueryDocument.objects.get(request=decided)
    assert bytes(document.pdf).startswith(b"%PDF")
    stored = raw("queries_querydocument", "pdf", document.pk)
    assert not stored.startswith(b"%PDF") and stored.startswith(b"gAAAA")


# --- Q-SCOPE: the unit's confidentiality undertaking ------------------------------------------------------

def test_a_units_permit_is_refused_without_its_signed_undertaking(cast):
    case, _ = sealed_juvenile_case(cast)
    query = take(cast)
    defendant = case.defendants.get()
    with pytest.raises(services.QueryError, match="undertaking"):
        decide(query, cast.reviewer_a, "permit", disclosed_ids=[defendant.pk])
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_REVIEW and not QueryDocument.objects.exists()
    undertake(query, cast.clerk_a)
    assert decide(query, cast.reviewer_a, "permit", disclosed_ids=[defendant.pk]).status == QueryStatus.DECIDED


def test_the_signed_undertaking_is_uploaded_on_the_request_page_and_kept_with_the_permit(cast, login, clock):
    case, _ = sealed_juvenile_case(cast)
    query = take(cast)
    client = login(cast.clerk_a)
    page = client.get(detail(query)).content.decode()
    assert 'data-testid="undertaking-form"' in page
    url = reverse("queries:request_undertaking", args=[query.pk])
    client.post(url, {"signer_name": "王校长", "signed_on": "2026-11-02"})  # neither file nor text
    assert not Undertaking.objects.exists()
    client.post(url, {"signer_name": "王校长", "signer_position": "校长", "signed_on": "2026-11-02",
                      "file": SimpleUploadedFile("保密承诺书.png", PNG)})
    undertaking = Undertaking.objects.get(request=query)
    assert undertaking.attachment.kind == AttachmentKind.UNDERTAKING and undertaking.attachment.data == PNG
    assert undertaking.signer_name == "王校长" and undertaking.signed_on == dt.date(2026, 11, 2)
    assert 'data-testid="undertaking-form"' not in client.get(detail(query)).content.decode()
    decided = decide(query, cast.reviewer_a, "permit", disclosed_ids=[case.defendants.get().pk])
    assert decided.undertaking == undertaking


def test_only_a_unit_signs_an_undertaking_and_only_before_the_answer(cast):
    sealed_juvenile_case(cast)
    judicial = take_judicial(cast)
    with pytest.raises(services.QueryError):
        undertake(judicial, cast.clerk_a)
    unit = take(cast, legal_basis=None)
    decide(unit, cast.reviewer_a, "refuse")
    with pytest.raises(services.QueryError):
        undertake(unit, cast.clerk_a)
    assert not Undertaking.objects.exists()
