"""Sealing and unsealing are irreversible: each first shows what it will do — the copies, the holding agency,
the deadline; the ground, the document and which copies open again — and happens only on the confirmed POST.
The confirmation shows the person only as the gate (sealing/disclosure.py) lets the user see him."""
import datetime as dt

from django.urls import reverse

from sealing import services
from sealing.models import FileStatus, SealingFile
from tests.cast import TODAY
from tests.sealing.test_sealing_files import juvenile_case, police_copy

RETRIAL = "（2026）粤0104刑再1号"


def test_sealing_waits_for_the_confirmation_which_names_copies_agency_and_deadline(cast, login):
    file, record = juvenile_case(cast)  # juvenile, seal date 2024-06-01: J-WHEN's three days ran out on 2024-06-04
    client = login(cast.clerk_a)
    url = reverse("sealing:file_seal", args=[file.pk])
    page = client.post(url).content.decode()
    record.refresh_from_db()
    assert not hasattr(record, "seal")
    assert 'data-testid="seal-summary"' in page
    assert "越秀区人民法院" in page  # the holding agency
    assert "刑事判决书" in page  # the copy
    assert "2024-06-04" in page  # the deadline, passed
    assert ("1 record copies" in page) or ("1 份" in page) or ("1份" in page)
    assert "张三" not in page  # the file is hidden: the gate masks the name
    assert client.post(url, {"confirm": "1"}).status_code == 302
    record.refresh_from_db()
    assert record.seal.active and record.seal.sealed_by == cast.clerk_a


def test_the_seal_confirmation_refuses_what_the_service_would(cast, login):
    file, record = juvenile_case(cast)
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    response = login(cast.clerk_a).post(reverse("sealing:file_seal", args=[file.pk]))
    assert response.status_code == 302  # nothing left to seal: back to the file with the reason


def test_unsealing_waits_for_the_confirmation_which_names_ground_document_and_copies(cast, login):
    file, court_record = juvenile_case(cast)
    police_clerk, police_record = police_copy(cast, file.defendant.case)
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    services.seal_file(file, user=police_clerk, today=TODAY)
    client = login(cast.clerk_a)
    url = reverse("sealing:file_unseal", args=[file.pk])
    page = client.post(url, {"ground": "J-UNSEAL-RETRIAL", "document": RETRIAL}).content.decode()
    assert SealingFile.objects.get(pk=file.pk).status == FileStatus.SEALED
    assert 'data-testid="unseal-summary"' in page
    assert "J-UNSEAL-RETRIAL" in page and RETRIAL in page
    assert "越秀区人民法院" in page and "广州市公安局越秀区分局" in page and "侦查卷宗" in page
    assert "张三" not in page
    response = client.post(url, {"ground": "J-UNSEAL-RETRIAL", "document": RETRIAL, "confirm": "1"})
    assert response.status_code == 302
    file.refresh_from_db()
    police_record.refresh_from_db()
    assert file.status == FileStatus.UNSEALED and not police_record.seal.active
    assert dt.date(2024, 6, 1) == file.seal_date
