"""Q-RECIPIENT: access after a judicial permit goes only to a named, active account of the requesting
judicial organ (a court, procuratorate or police other than the deciding agency) — never to the clerk
who took the request, a reviewer, or anyone of the deciding agency; checked at intake (form) and in the
service. A permit covers the whole-case records of the disclosed defendant's case too."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK
from queries import permissions, services
from queries.models import QueryRequest, QueryStatus
from sealing import services as sealing_services
from sealing.models import Record, RecordKind, SealedRecordPermit
from tests.queries.test_query_desk import (
    NOW,
    SUBJECT_ID,
    TODAY,
    decide,
    prosecutor_of,
    sealed_juvenile_case,
    take_judicial,
)


def intake(client, **overrides):
    data = {"received": "2026-11-02", "requester_kind": "judicial", "requester_name": "承办检察官",
            "requester_id_number": "", "requester_organisation": "", "subject_name": "少年戊",
            "subject_id_number": SUBJECT_ID, "purpose": "criminal_evaluation", "legal_basis": "", "occupation": ""}
    data.update({k: ("" if v is None else v) for k, v in overrides.items()})
    return client.post(reverse("queries:request_create"), data)


@pytest.fixture
def clock(monkeypatch):
    """The intake page reads today's date: pin it so that 2026-11-02 is never in the future."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_intake_records_the_requesting_organ_and_its_named_officer(cast, login, clock):
    prosecutor = prosecutor_of(cast)
    response = intake(login(cast.clerk_a), requester_agency=cast.procuratorate_y.pk, requester_user=prosecutor.pk)
    assert response.status_code == 302
    query = QueryRequest.objects.get()
    assert query.requester_agency == cast.procuratorate_y and query.requester_user == prosecutor
    assert query.requester_organisation == "天河区人民检察院"  # filled from the organ


@pytest.mark.parametrize("case", ["no_organ", "deciding_agency_reviewer", "the_clerk", "other_organs_officer",
                                  "inactive", "justice_bureau"])
def test_intake_refuses_a_recipient_outside_the_requesting_organ(cast, login, clock, case):
    prosecutor = prosecutor_of(cast)
    organ, recipient = cast.procuratorate_y.pk, prosecutor.pk
    if case == "no_organ":
        organ = None
    elif case == "deciding_agency_reviewer":
        recipient = cast.reviewer_a.pk
    elif case == "the_clerk":
        recipient = cast.clerk_a.pk
    elif case == "other_organs_officer":
        recipient = UserFactory(username="prosecutor_x", agency=cast.procuratorate_x, roles=[CLERK]).pk
    elif case == "inactive":
        prosecutor.is_active = False
        prosecutor.save()
    elif case == "justice_bureau":
        bureau = AgencyFactory(name="天河区司法局", kind=Agency.Kind.JUSTICE, region=cast.agency_b.region)
        organ = bureau.pk
        recipient = UserFactory(username="justice_y", agency=bureau, roles=[CLERK]).pk
    response = intake(login(cast.clerk_a), requester_agency=organ, requester_user=recipient)
    assert response.status_code == 200, case
    assert "is-invalid" in response.content.decode()
    assert not QueryRequest.objects.exists()


def test_the_service_refuses_a_recipient_of_the_deciding_agency_or_of_another_organ(cast):
    sealed_juvenile_case(cast)
    with pytest.raises(services.QueryError):
        take_judicial(cast, recipient=cast.reviewer_a)
    with pytest.raises(services.QueryError):
        take_judicial(cast, recipient=cast.clerk_a)
    with pytest.raises(services.QueryError):
        take_judicial(cast, recipient=prosecutor_of(cast), requester_agency=cast.agency_a)  # the deciding court
    with pytest.raises(services.QueryError):
        take_judicial(cast, recipient=prosecutor_of(cast), requester_agency=None)
    assert not QueryRequest.objects.exists()


def test_the_decision_refuses_access_for_a_recipient_no_longer_entitled(cast):
    case, _ = sealed_juvenile_case(cast)
    prosecutor = prosecutor_of(cast)
    query = take_judicial(cast, recipient=prosecutor)
    prosecutor.is_active = False
    prosecutor.save()
    with pytest.raises(services.QueryError, match="not active"):
        decide(query, cast.reviewer_a, "permit", disclosed_ids=[case.defendants.get().pk])
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_REVIEW and not SealedRecordPermit.objects.exists()


def test_who_may_receive_access_reads_as_a_table(cast):
    prosecutor = prosecutor_of(cast)
    query = QueryRequest(agency=cast.agency_a, taken_by=cast.clerk_a, requester_kind="judicial",
                         requester_agency=cast.procuratorate_y, decided_by=cast.reviewer_a)
    assert permissions.can_receive_access(prosecutor, query, TODAY) == (True, "")
    assert not permissions.can_receive_access(cast.clerk_a, query, TODAY)[0]
    assert not permissions.can_receive_access(cast.reviewer_a, query, TODAY)[0]
    # an officer of the requesting organ who also decided this request (say, seconded) is refused too
    query.decided_by = prosecutor
    assert not permissions.can_receive_access(prosecutor, query, TODAY)[0]
    # a unit never receives access
    query.decided_by, query.requester_kind = cast.reviewer_a, "unit"
    assert not permissions.can_receive_access(prosecutor, query, TODAY)[0]


def test_a_judicial_permit_covers_the_whole_case_records_too(cast):
    case, own = sealed_juvenile_case(cast)
    whole_case = sealing_services.create_record(user=cast.clerk_a, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "案卷", "document_number": "", "content": "全案案卷", "defendant": None})
    assert whole_case.content_hidden
    prosecutor = prosecutor_of(cast)
    query = take_judicial(cast, recipient=prosecutor)
    decide(query, cast.reviewer_a, "permit", disclosed_ids=[case.defendants.get().pk], access_days=10)
    permits = SealedRecordPermit.objects.filter(user=prosecutor)
    assert {p.record for p in permits} == {own, whole_case} == set(Record.objects.filter(case=case))
    assert {p.expires_at for p in permits} == {NOW + dt.timedelta(days=10)}
    assert {p.reference for p in permits} == {query.serial}
