"""A clerk sees only the cases and records of the own agency; exceptions come from object permissions."""
import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from guardian.shortcuts import assign_perm

from sealing import urls as sealing_urls
from sealing.models import CommunityServiceEntry, ObservationEvent
from tests.cast import enter_case

# Every sealing URL that names an object, and which object's key fills it.
OBJECT_URLS = {
    "case_detail": lambda case, record: {"pk": case.pk},
    "case_edit": lambda case, record: {"pk": case.pk},
    "defendant_add": lambda case, record: {"pk": case.pk},
    "defendant_edit": lambda case, record: {"pk": case.pk, "defendant_pk": case.defendants.first().pk},
    "record_create": lambda case, record: {"pk": case.pk},
    "record_detail": lambda case, record: {"pk": record.pk},
    "record_edit": lambda case, record: {"pk": record.pk},
    "file_detail": lambda case, record: {"pk": case.defendants.first().sealing_file.pk},
    "file_seal": lambda case, record: {"pk": case.defendants.first().sealing_file.pk},
    "file_open": lambda case, record: {"pk": case.defendants.first().sealing_file.pk},
    "file_evaluate": lambda case, record: {"pk": case.defendants.first().sealing_file.pk},
    "file_unseal": lambda case, record: {"pk": case.defendants.first().sealing_file.pk},
    "event_create": lambda case, record: {"pk": case.defendants.first().sealing_file.pk},
    "notice_detail": lambda case, record: {"pk": _notice(case).pk},
    "notice_pdf": lambda case, record: {"pk": _notice(case).pk},
    "notice_acknowledge": lambda case, record: {"pk": _notice(case).pk},
    "service_create": lambda case, record: {"pk": case.defendants.first().sealing_file.pk},
    "service_verify": lambda case, record: {"pk": _service_entry(case).pk},
    "service_reject": lambda case, record: {"pk": _service_entry(case).pk},
    "event_edit": lambda case, record: {"pk": _event(case).pk},
    "event_withdraw": lambda case, record: {"pk": _event(case).pk},
    "import_detail": lambda case, record: {"pk": _import_job(case).pk},
    "import_progress": lambda case, record: {"pk": _import_job(case).pk},
    "import_confirm": lambda case, record: {"pk": _import_job(case).pk},
    "import_errors": lambda case, record: {"pk": _import_job(case).pk},
}


def _import_job(case):
    """An import of agency A, checked: agency B's clerk finds no such job."""
    from sealing.models import ImportJob

    return ImportJob.objects.create(agency=case.agency, created_by=case.created_by, file_name="a.csv", data=b"x",
                                    sha256="0" * 64, size=1, as_of=dt.date(2026, 6, 1), state=ImportJob.State.PLANNED)


def _service_entry(case):
    defendant = case.defendants.first()
    return CommunityServiceEntry.objects.create(defendant=defendant, hours=10, served_from=dt.date(2026, 3, 1),
                                                served_to=dt.date(2026, 3, 2), description="社区公益服务",
                                                entered_by=case.created_by)


def _event(case):
    return ObservationEvent.objects.create(defendant=case.defendants.first(), kind="negligent_crime",
                                           date=dt.date(2026, 3, 1), document_number="（2026）粤0104刑初9号",
                                           created_by=case.created_by)


def _notice(case):
    """A sealing notice of agency A's case to the procuratorate of its region: agency B is neither party."""
    from accounts.models import Agency
    from sealing.models import SealingNotice

    return SealingNotice.objects.create(
        serial=f"FCTZ-TEST-{case.pk}", sealing_file=case.defendants.first().sealing_file, from_agency=case.agency,
        to_agency=Agency.objects.get(kind=Agency.Kind.PROCURATORATE, region=case.agency.region),
        sent_on=dt.date(2026, 6, 1), sent_at=dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc))


# URLs whose key names no agency's object: a sweep run is the administrators' (403 for everyone else,
# tests/sealing/test_sweep_pages.py).
AGENCYLESS_URLS = {"sweep_detail", "sweep_progress"}


def test_every_object_url_is_walked():
    """A new URL with an object key must be added to the walk below, or this fails."""
    with_keys = {p.name for p in sealing_urls.urlpatterns if p.pattern.converters}
    assert with_keys - AGENCYLESS_URLS == set(OBJECT_URLS)


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
@pytest.mark.parametrize("method", ["get", "post"])
def test_clerk_of_agency_b_gets_404_for_agency_a_objects(cast, login, name, method):
    case, record = enter_case(cast.clerk_a)
    url = reverse(f"sealing:{name}", kwargs=OBJECT_URLS[name](case, record))
    response = getattr(login(cast.clerk_b), method)(url, {})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["case_detail", "case_edit", "defendant_edit", "record_detail", "record_edit", "file_detail", "event_create",
             "event_edit", "event_withdraw"]
)
def test_clerk_of_agency_a_opens_own_objects(cast, login, name):
    case, record = enter_case(cast.clerk_a)
    url = reverse(f"sealing:{name}", kwargs=OBJECT_URLS[name](case, record))
    assert login(cast.clerk_a).get(url).status_code == 200


def test_lists_show_only_own_agency(cast, login):
    enter_case(cast.clerk_a, number="（2024）粤0104刑初1号")
    enter_case(cast.clerk_b, number="（2024）粤0106刑初9号")
    client = login(cast.clerk_b)
    cases = client.get(reverse("sealing:case_list")).content.decode()
    records = client.get(reverse("sealing:record_list")).content.decode()
    assert "（2024）粤0106刑初9号" in cases and "（2024）粤0104刑初1号" not in cases
    assert "（2024）粤0106刑初9号" in records and "（2024）粤0104刑初1号" not in records


def test_joint_case_access_is_granted_per_object(cast, login):
    case, record = enter_case(cast.clerk_a)
    assign_perm("sealing.view_case", cast.clerk_b, case)
    client = login(cast.clerk_b)
    assert client.get(reverse("sealing:case_detail", args=[case.pk])).status_code == 200
    # Seeing the case does not open agency A's record copy, nor let B edit the case.
    assert client.get(reverse("sealing:record_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse("sealing:case_edit", args=[case.pk])).status_code == 404


def test_supervisor_reads_own_region_only(cast, login):
    case_x, _ = enter_case(cast.clerk_a, number="（2024）粤0104刑初1号")
    case_y, _ = enter_case(cast.clerk_b, number="（2024）粤0106刑初9号")
    client = login(cast.supervisor_x)
    assert client.get(reverse("sealing:case_detail", args=[case_x.pk])).status_code == 200
    assert client.get(reverse("sealing:case_detail", args=[case_y.pk])).status_code == 404
    assert client.get(reverse("sealing:case_edit", args=[case_x.pk])).status_code == 404


def test_search_by_id_number_uses_the_blind_index(cast, login):
    case, _ = enter_case(cast.clerk_a)
    number = case.defendants.first().person.id_number
    client = login(cast.clerk_a)
    found = client.get(reverse("sealing:case_list"), {"id_number": number.lower()})
    missed = client.get(reverse("sealing:case_list"), {"id_number": number[:-1] + "0"})
    assert list(found.context["page"]) == [case]
    assert list(missed.context["page"]) == []


def test_resolver_has_no_unscoped_case_urls():
    names = {p.name for p in get_resolver().url_patterns if getattr(p, "name", None)}
    assert "home" in names
